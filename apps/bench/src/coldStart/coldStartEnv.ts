import {
  FUNCTION_ENV,
  type FunctionEnvKey,
  type FunctionSpec,
  stackConfigSchema,
  workflowBounds,
} from "@tasklane/stack-config";

/** No service listens on the discard port: a call that slipped out would fail, not leave. */
const NOWHERE = "http://127.0.0.1:9";
const FALLBACK = "tasklane-bench";
const REGION = "us-east-1";
const ACCOUNT = "000000000000";

/**
 * A dummy value of the right shape for each setting a handler reads at init. Keyed loosely, so
 * the benchmark still builds while the catalog gains or drops a setting; one it does not know
 * gets `FALLBACK`, and a handler that cannot parse that fails to load and is reported.
 */
const DUMMY: Partial<Record<string, string>> = {
  tableName: "tasklane-bench-tasks",
  resultExpirationDays: "7",
  operators: JSON.stringify({ principals: [] }),
  resultsBucket: "tasklane-bench-results",
  payloadsBucket: "tasklane-bench-payloads",
  queueUrl: `${NOWHERE}/${ACCOUNT}/tasklane-bench-tasks`,
  stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:tasklane-bench`,
  expressStateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:tasklane-bench-express`,
  // The bounds a stack with the default settings gives start-executions, which checks them at init.
  workflowBounds: JSON.stringify(workflowBounds(stackConfigSchema.parse({ owner: "bench" }))),
  maxBodyBytes: "262144",
  inlineInputMaxBytes: "65536",
};

/**
 * The environment of one measured import: what Lambda sets for a function (region, function
 * name, memory, credentials in variables); a dummy value for every `FUNCTION_ENV` setting, a
 * superset of the spec's `env`, so a handler that reads a setting its entry does not list still
 * loads; and every AWS endpoint on loopback, so nothing an import might send leaves the machine.
 * Only `PATH` is taken from the calling shell: no `NODE_OPTIONS`, no `NODE_COMPILE_CACHE`, no
 * AWS profile.
 */
export function coldStartEnv(spec: Pick<FunctionSpec, "name">): Record<string, string> {
  const settings = Object.fromEntries(
    (Object.keys(FUNCTION_ENV) as FunctionEnvKey[]).map((key) => [
      FUNCTION_ENV[key],
      DUMMY[key] ?? FALLBACK,
    ]),
  );
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    TZ: ":UTC",
    LANG: "en_US.UTF-8",
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: "ASIABENCHCOLDSTART00",
    AWS_SECRET_ACCESS_KEY: "bench-coldstart-not-a-secret",
    AWS_SESSION_TOKEN: "bench-coldstart-not-a-token",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_LAMBDA_FUNCTION_NAME: `tasklane-bench-${spec.name}`,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "1024",
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    POWERTOOLS_LOG_LEVEL: "WARN",
    AWS_ENDPOINT_URL: NOWHERE,
    AWS_ENDPOINT_URL_DYNAMODB: NOWHERE,
    AWS_ENDPOINT_URL_S3: NOWHERE,
    AWS_ENDPOINT_URL_SQS: NOWHERE,
    AWS_ENDPOINT_URL_SFN: NOWHERE,
    AWS_ENDPOINT_URL_STS: NOWHERE,
    AWS_ENDPOINT_URL_CLOUDWATCH: NOWHERE,
    ...settings,
  };
}
