import type { WorkflowBounds } from "@tasklane/shared-task";
import {
  FUNCTION_ENV,
  FUNCTIONS,
  type FunctionEnvKey,
  type FunctionSpec,
  type StackConfig,
} from "@tasklane/stack-config";

/** Log levels of the handlers' Powertools Logger (`POWERTOOLS_LOG_LEVEL`). */
export type HandlerLogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT";

export interface HandlerEnvironmentInput {
  region: string;
  /** fauxqs's port: SQS at `sqs.<region>.localhost`, S3 at `s3.localhost` (virtual-hosted). */
  fauxqsPort: number;
  stepFunctionsUrl: string;
  /** The DynamoDB endpoint (dynalite). */
  dynamodbUrl: string;
  tableName: string;
  queueUrl: string;
  stateMachineArn: string;
  /** The Express state machine and the bounds the consumer decides with; none when off. */
  express?: { stateMachineArn: string; bounds: WorkflowBounds };
  buckets: { payloads: string; results: string };
  config: StackConfig;
  handlerLogLevel: HandlerLogLevel;
  /**
   * Powertools metrics on: the handlers write their EMF lines to stdout, as on Lambda (where they
   * become CloudWatch Logs bytes). @default false (they would flood the console)
   */
  metrics?: boolean;
  /** The functions whose `env` is set. @default the catalog's */
  functions?: readonly Pick<FunctionSpec, "env">[];
}

/** Variables that would make the SDK ignore or bypass the endpoints above. */
const CLEARED = ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_SESSION_TOKEN", "AWS_PROFILE"];

/**
 * The environment every handler sees locally: the `TASKLANE_*` settings the Pulumi program gives
 * the functions (every one some function's catalog `env` lists, with the values the program
 * derives from the stack config; the functions share one process, so each sees them all), dummy
 * credentials, and the AWS SDK's standard per-service endpoint variables pointing at fauxqs,
 * dynalite and the local Step Functions endpoint, so handler code builds plain clients
 * (`new S3Client({})`) exactly as on AWS.
 *
 * Metrics are off unless `metrics` (their EMF lines would flood the console) and handler logs go
 * to the level given.
 */
export function handlerEnvironment(input: HandlerEnvironmentInput): Record<string, string> {
  const { region, fauxqsPort, config } = input;
  const settings: Record<FunctionEnvKey, string | undefined> = {
    tableName: input.tableName,
    resultExpirationDays: String(config.storage.resultExpirationDays),
    operators: JSON.stringify(config.api.operators),
    resultsBucket: input.buckets.results,
    payloadsBucket: input.buckets.payloads,
    queueUrl: input.queueUrl,
    stateMachineArn: input.stateMachineArn,
    // Unset without an Express workflow, as the Pulumi program leaves them.
    expressStateMachineArn: input.express?.stateMachineArn,
    workflowBounds: input.express && JSON.stringify(input.express.bounds),
    maxBodyBytes: String(config.producer.maxBodyBytes),
    inlineInputMaxBytes: String(config.producer.inlineInputMaxBytes),
  };
  const used = new Set((input.functions ?? FUNCTIONS).flatMap((spec) => spec.env));
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_ENDPOINT_URL_SQS: `http://sqs.${region}.localhost:${fauxqsPort}`,
    AWS_ENDPOINT_URL_S3: `http://s3.localhost:${fauxqsPort}`,
    AWS_ENDPOINT_URL_SFN: input.stepFunctionsUrl,
    AWS_ENDPOINT_URL_DYNAMODB: input.dynamodbUrl,
    ...Object.fromEntries(
      [...used].flatMap((key) => {
        const value = settings[key];
        return value === undefined ? [] : [[FUNCTION_ENV[key], value] as const];
      }),
    ),
    POWERTOOLS_LOG_LEVEL: input.handlerLogLevel,
    POWERTOOLS_METRICS_DISABLED: input.metrics === true ? "false" : "true",
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
