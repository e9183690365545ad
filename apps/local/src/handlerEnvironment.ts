import { FUNCTION_ENV, type StackConfig } from "@tasklane/stack-config";

/** Log levels of the handlers' Powertools Logger (`POWERTOOLS_LOG_LEVEL`). */
export type HandlerLogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT";

export interface HandlerEnvironmentInput {
  region: string;
  /** fauxqs's port: SQS at `sqs.<region>.localhost`, S3 at `s3.localhost` (virtual-hosted). */
  fauxqsPort: number;
  stepFunctionsUrl: string;
  queueUrl: string;
  stateMachineArn: string;
  buckets: { payloads: string; results: string };
  config: StackConfig;
  handlerLogLevel: HandlerLogLevel;
}

/** Variables that would make the SDK ignore or bypass the endpoints above. */
const CLEARED = ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_SESSION_TOKEN", "AWS_PROFILE"];

/**
 * The environment every handler sees locally: the same `TASKLANE_*` settings the Pulumi program
 * gives the functions, dummy credentials, and the AWS SDK's standard per-service endpoint
 * variables pointing at fauxqs and the local Step Functions endpoint, so handler code builds
 * plain clients (`new S3Client({})`) exactly as on AWS.
 *
 * Metrics are off (their EMF lines would flood the console) and handler logs go to the level given.
 */
export function handlerEnvironment(input: HandlerEnvironmentInput): Record<string, string> {
  const { region, fauxqsPort, config } = input;
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_ENDPOINT_URL_SQS: `http://sqs.${region}.localhost:${fauxqsPort}`,
    AWS_ENDPOINT_URL_S3: `http://s3.localhost:${fauxqsPort}`,
    AWS_ENDPOINT_URL_SFN: input.stepFunctionsUrl,
    [FUNCTION_ENV.resultsBucket]: input.buckets.results,
    [FUNCTION_ENV.payloadsBucket]: input.buckets.payloads,
    [FUNCTION_ENV.queueUrl]: input.queueUrl,
    [FUNCTION_ENV.stateMachineArn]: input.stateMachineArn,
    [FUNCTION_ENV.maxBodyBytes]: String(config.producer.maxBodyBytes),
    [FUNCTION_ENV.inlineInputMaxBytes]: String(config.producer.inlineInputMaxBytes),
    POWERTOOLS_LOG_LEVEL: input.handlerLogLevel,
    POWERTOOLS_METRICS_DISABLED: "true",
  };
}

/**
 * Sets `variables` in `process.env` (and clears the ones that would redirect the SDK); the
 * function returned puts everything back as it was.
 */
export function applyEnvironment(variables: Record<string, string>): () => void {
  const keys = [...Object.keys(variables), ...CLEARED];
  const saved = new Map(keys.map((key) => [key, process.env[key]]));
  for (const key of CLEARED) delete process.env[key];
  Object.assign(process.env, variables);
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
