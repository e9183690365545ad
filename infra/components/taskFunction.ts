import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  LAMBDA_HANDLER,
  LOG_RETENTION_DAYS,
  NAME_LIMITS,
  resourceName,
  type StackRef,
} from "@tasklane/stack-config";
import { ComponentArgsError } from "./errors.js";
import { assumeRolePolicy, type PolicyStatement, policyJson } from "./policyDocument.js";

/** The X-Ray actions a traced function needs; X-Ray has no resource-level permissions. */
export const XRAY_WRITE_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"];

/** Variables Lambda reserves; a function may not set them. */
const RESERVED_ENVIRONMENT = /^(AWS_|_HANDLER$|_X_AMZN_TRACE_ID$|LAMBDA_)/;

export interface TaskFunctionArgs {
  /** The stack the function belongs to; its physical name derives from it. */
  ref: StackRef;
  /**
   * Short name of the function (the catalog's name): the last part of the physical name.
   * @example "ingest"
   */
  functionName: string;
  /**
   * What the function does, shown in the Lambda console.
   * @example "Validates submitted tasks and sends envelopes to SQS."
   */
  description: string;
  /**
   * The deterministic zip `pnpm build` wrote, and its sha256 in base64 (Lambda's `CodeSha256`),
   * which makes Pulumi update the code exactly when the bytes change.
   * @example { zipPath: "/repo/apps/producer/dist/ingest.zip", sha256Base64: "ldFP4x..." }
   */
  code: { zipPath: string; sha256Base64: string };
  /**
   * Memory in MB; CPU grows with it.
   * @default 256
   * @example 512
   */
  memoryMb?: number;
  /**
   * Seconds before Lambda stops an invocation.
   * @default 30
   * @example 10
   */
  timeoutSeconds?: number;
  /**
   * The Node.js runtime.
   * @default "nodejs22.x"
   * @example "nodejs24.x"
   */
  runtime?: "nodejs22.x" | "nodejs24.x";
  /**
   * The instruction set; arm64 (Graviton) costs less per GB-second.
   * @default "arm64"
   * @example "x86_64"
   */
  architecture?: "arm64" | "x86_64";
  /**
   * Active X-Ray tracing. Adds the X-Ray write permissions to the role.
   * @default true
   * @example false
   */
  tracing?: boolean;
  /**
   * Days CloudWatch keeps the function's logs; one of the values CloudWatch accepts.
   * @default 14
   * @example 90
   */
  logRetentionDays?: number;
  /**
   * Environment variables the handler reads, and Node's (`NODE_OPTIONS`); Powertools' are
   * added here.
   * @default {}
   * @example { TASKLANE_RESULTS_BUCKET: storage.results.bucket }
   */
  environment?: Record<string, pulumi.Input<string>>;
  /**
   * The statements of the function's role besides its own logs and X-Ray: each names only
   * the actions the handler calls, on exactly the ARNs it touches.
   * @default []
   */
  statements?: pulumi.Input<PolicyStatement[]>;
  /**
   * The level of the handler's Powertools logger.
   * @default "INFO"
   * @example "DEBUG"
   */
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR";
  /**
   * Lambda's own log lines: `INFO` keeps START, END and REPORT (Text log format); `WARN` keeps
   * only Lambda's warnings and errors (JSON log format, which a system log level requires).
   * @default "INFO"
   * @example "WARN"
   */
  systemLogLevel?: "INFO" | "WARN";
}

/**
 * One Lambda function from its bundle: its own role (whose inline policy names the function's
 * log group, X-Ray when traced, and the statements given), its own log group with a retention,
 * and the function itself.
 *
 * @example
 * ```ts
 * const ingest = new TaskFunction("ingest", {
 *   ref,
 *   functionName: "ingest",
 *   description: "Validates submitted tasks.",
 *   code: { zipPath, sha256Base64 },
 *   statements: [{ Sid: "SendTasks", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [queue.arn] }],
 * });
 * ```
 */
export class TaskFunction extends pulumi.ComponentResource {
  readonly function: aws.lambda.Function;
  readonly role: aws.iam.Role;
  /** The role's inline policy; depend on it before anything AWS checks permissions for. */
  readonly policy: aws.iam.RolePolicy;
  readonly logGroup: aws.cloudwatch.LogGroup;

  constructor(name: string, args: TaskFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate first: a mistake stops the program before anything is registered.
    const settings = normalizeArgs(name, args);
    super("tasklane:infra:TaskFunction", name, {}, opts);
    const physicalName = resourceName(args.ref, args.functionName, NAME_LIMITS.lambdaFunction);

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}LogGroup`,
      { name: `/aws/lambda/${physicalName}`, retentionInDays: settings.logRetentionDays },
      { parent: this },
    );

    this.role = new aws.iam.Role(
      `${name}Role`,
      {
        name: resourceName(args.ref, args.functionName, NAME_LIMITS.iamRole),
        description: `Runs the ${physicalName} function`,
        assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com"),
      },
      { parent: this },
    );

    const ownStatements: PolicyStatement[] = [
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [pulumi.interpolate`${this.logGroup.arn}:*`],
      },
    ];
    if (settings.tracing) {
      ownStatements.push({
        Sid: "WriteTraces",
        Effect: "Allow",
        Action: XRAY_WRITE_ACTIONS,
        // AWS demands "*": X-Ray actions have no resource-level permissions.
        Resource: ["*"],
      });
    }
    this.policy = new aws.iam.RolePolicy(
      `${name}Policy`,
      {
        role: this.role.name,
        name: "access",
        policy: policyJson(
          pulumi.output(settings.statements).apply((given) => [...ownStatements, ...given]),
        ),
      },
      { parent: this },
    );

    this.function = new aws.lambda.Function(
      `${name}Function`,
      {
        name: physicalName,
        description: args.description,
        role: this.role.arn,
        runtime: settings.runtime,
        architectures: [settings.architecture],
        handler: LAMBDA_HANDLER,
        code: new pulumi.asset.FileArchive(args.code.zipPath),
        sourceCodeHash: args.code.sha256Base64,
        memorySize: settings.memoryMb,
        timeout: settings.timeoutSeconds,
        environment: {
          variables: {
            ...settings.environment,
            // The name the handlers' own loggers and metrics use (`tasklane-ingest`, ...).
            POWERTOOLS_SERVICE_NAME: `${args.ref.project}-${args.functionName}`,
            POWERTOOLS_LOG_LEVEL: settings.logLevel,
            POWERTOOLS_METRICS_NAMESPACE: "Tasklane",
          },
        },
        tracingConfig: { mode: settings.tracing ? "Active" : "PassThrough" },
        loggingConfig:
          settings.systemLogLevel === "INFO"
            ? { logFormat: "Text", logGroup: this.logGroup.name }
            : {
                logFormat: "JSON",
                systemLogLevel: settings.systemLogLevel,
                logGroup: this.logGroup.name,
              },
      },
      // The log group and the permissions exist before the first invocation can need them.
      { parent: this, dependsOn: [this.logGroup, this.policy] },
    );

    this.registerOutputs({
      functionName: this.function.name,
      functionArn: this.function.arn,
      roleArn: this.role.arn,
    });
  }
}

type TaskFunctionSettings = Required<
  Omit<TaskFunctionArgs, "ref" | "functionName" | "description" | "code">
>;

const POWERTOOLS_LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"];

function normalizeArgs(name: string, args: TaskFunctionArgs): TaskFunctionSettings {
  const settings: TaskFunctionSettings = {
    memoryMb: 256,
    timeoutSeconds: 30,
    runtime: "nodejs22.x",
    architecture: "arm64",
    tracing: true,
    logRetentionDays: 14,
    environment: {},
    statements: [],
    logLevel: "INFO",
    systemLogLevel: "INFO",
    ...args,
  };
  const fail = (field: string, problem: string) => {
    throw new ComponentArgsError("TaskFunction", name, field, problem);
  };
  if (!/^[a-z0-9-]+$/.test(args.functionName)) {
    fail("functionName", "must be lower-case letters, digits and dashes");
  }
  if (
    !Number.isInteger(settings.memoryMb) ||
    settings.memoryMb < 128 ||
    settings.memoryMb > 10_240
  ) {
    fail("memoryMb", "must be a whole number from 128 to 10240");
  }
  if (
    !Number.isInteger(settings.timeoutSeconds) ||
    settings.timeoutSeconds < 1 ||
    settings.timeoutSeconds > 900
  ) {
    fail("timeoutSeconds", "must be a whole number from 1 to 900");
  }
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(settings.logRetentionDays)) {
    fail("logRetentionDays", `must be one of ${LOG_RETENTION_DAYS.join(", ")}`);
  }
  if (!POWERTOOLS_LOG_LEVELS.includes(settings.logLevel)) {
    fail("logLevel", `must be one of ${POWERTOOLS_LOG_LEVELS.join(", ")}`);
  }
  if (settings.systemLogLevel !== "INFO" && settings.systemLogLevel !== "WARN") {
    fail("systemLogLevel", "must be INFO or WARN");
  }
  for (const key of Object.keys(settings.environment)) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key) || RESERVED_ENVIRONMENT.test(key)) {
      fail(`environment.${key}`, "is not a name a function may set");
    }
  }
  return settings;
}
