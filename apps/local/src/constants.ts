/** The account id fauxqs puts in every ARN and queue URL; the local runtime uses it everywhere. */
export const LOCAL_ACCOUNT_ID = "000000000000";

/** The Pulumi project (`name` in Pulumi.yaml): the prefix of every physical name. */
export const PROJECT = "tasklane";

/** The stack whose `Pulumi.<stack>.yaml` the local runtime reads by default. */
export const DEFAULT_STACK = "dev";

/** Used when the stack config sets no `aws:region`. */
export const DEFAULT_REGION = "us-east-1";

/** Where `pnpm dev` serves the API unless `--port` or `PORT` says otherwise. */
export const DEFAULT_API_PORT = 3000;
/** `pnpm dev`'s console: beside the API, and off `tasklane console`'s 4000 so both can run. */
export const DEFAULT_LOCAL_CONSOLE_PORT = 4001;

/** The caller the local API presents to the producer: there is no SigV4 check locally. */
export const LOCAL_CALLER_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/tasklane-local`;

/** API Gateway's hard limit on a request body, for HTTP APIs as for REST APIs: 10 MB. */
export const API_PAYLOAD_MAX_BYTES = 10 * 1024 * 1024;

/** Lambda's limit on a synchronous invocation's request and response payloads: 6 MB. */
export const LAMBDA_PAYLOAD_MAX_BYTES = 6 * 1024 * 1024;

/** The longest long poll SQS allows, which is what Lambda's SQS pollers use. */
export const SQS_MAX_WAIT_SECONDS = 20;

/** The largest SQS message, so the room a batch must keep free for one more. */
export const SQS_MAX_MESSAGE_BYTES = 1024 * 1024;

/** The largest execution input Step Functions accepts: 256 KiB. */
export const STATES_PAYLOAD_MAX_BYTES = 256 * 1024;

/** `ListExecutions` returns at most this many executions per page, and this many by default. */
export const LIST_EXECUTIONS_MAX_RESULTS = 1000;
export const LIST_EXECUTIONS_DEFAULT_RESULTS = 100;
