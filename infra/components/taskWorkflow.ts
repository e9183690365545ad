import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  buildWorkflow,
  MAX_POLLS_UPPER_BOUND,
  type RetrierSettings,
  type WorkflowSettings,
} from "@tasklane/shared-task";
import {
  LOG_RETENTION_DAYS,
  NAME_LIMITS,
  resourceName,
  type StackRef,
} from "@tasklane/stack-config";
import { ComponentArgsError } from "./errors.js";
import { assumeRolePolicy, type PolicyStatement, policyJson } from "./policyDocument.js";

/**
 * What Step Functions needs to deliver its logs to CloudWatch Logs. These log-delivery actions
 * have no resource-level permissions, so AWS documents them on "*".
 */
export const LOG_DELIVERY_ACTIONS = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
];

/** What a traced state machine needs from X-Ray (no resource-level permissions either). */
export const STATE_MACHINE_XRAY_ACTIONS = [
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
];

/** The four functions the workflow's Task states invoke, keyed as `buildWorkflow` names them. */
export type WorkflowSteps = Record<keyof WorkflowSettings["functions"], aws.lambda.Function>;

export interface TaskWorkflowArgs {
  /** The stack the state machine belongs to; its physical name derives from it. */
  ref: StackRef;
  /** The step functions; the role may invoke exactly these four. */
  steps: WorkflowSteps;
  /**
   * Retries of `TaskRetryableError` (3 retries: 4 attempts in all).
   * @default { maxAttempts: 3, intervalSeconds: 2, backoffRate: 2, maxDelaySeconds: 60 }
   */
  taskRetry?: RetrierSettings;
  /**
   * `TimeoutSeconds` of every Task state: a little over the step functions' own timeout, so
   * Lambda's timeout (with its clearer error) fires first.
   * @example 65
   */
  stepTimeoutSeconds: number;
  /**
   * `TimeoutSeconds` of a whole execution; longer than `stepTimeoutSeconds`.
   * @default 86400
   * @example 3600
   */
  executionTimeoutSeconds?: number;
  /**
   * Bound of the poll loop, within Step Functions' 25,000-event history.
   * @default 1000
   * @example 2400
   */
  maxPolls?: number;
  /**
   * What the state machine logs to CloudWatch Logs. `OFF` creates no log group.
   * @default "ERROR"
   * @example "ALL"
   */
  logLevel?: "ALL" | "ERROR" | "FATAL" | "OFF";
  /**
   * Whether log events carry execution input and output (task data). Keep it off where data
   * is sensitive.
   * @default false
   * @example true
   */
  includeExecutionData?: boolean;
  /**
   * Days CloudWatch keeps the state machine's logs.
   * @default 14
   * @example 90
   */
  logRetentionDays?: number;
  /**
   * X-Ray tracing of executions.
   * @default true
   * @example false
   */
  tracing?: boolean;
}

/**
 * The Standard state machine that runs one task per execution. Its definition is the very ASL
 * document `buildWorkflow` returns (the one the local runtime executes), with the step
 * functions' ARNs filled in once they are known. Its role may invoke exactly those four
 * functions and deliver logs and traces.
 *
 * @example
 * ```ts
 * const workflow = new TaskWorkflow("workflow", {
 *   ref,
 *   steps: { createTask, checkTaskStatus, taskCompleted, markFailed },
 *   stepTimeoutSeconds: 65,
 * });
 * ```
 */
export class TaskWorkflow extends pulumi.ComponentResource {
  readonly stateMachine: aws.sfn.StateMachine;
  readonly role: aws.iam.Role;
  readonly logGroup?: aws.cloudwatch.LogGroup;
  /** The ARN pattern of this state machine's executions (`...:execution:<name>:*`). */
  readonly executionsArn: pulumi.Output<string>;

  constructor(name: string, args: TaskWorkflowArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate first: a mistake stops the program before anything is registered.
    const settings = normalizeArgs(name, args);
    super("tasklane:infra:TaskWorkflow", name, {}, opts);
    const machineName = resourceName(args.ref, name, NAME_LIMITS.stateMachine);
    const logging = settings.logLevel !== "OFF";

    this.logGroup = logging
      ? new aws.cloudwatch.LogGroup(
          `${name}LogGroup`,
          {
            // The /aws/vendedlogs/ prefix keeps CloudWatch's log resource policy small.
            name: `/aws/vendedlogs/states/${machineName}`,
            retentionInDays: settings.logRetentionDays,
          },
          { parent: this },
        )
      : undefined;

    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    const region = aws.getRegionOutput({}, { parent: this });
    this.role = new aws.iam.Role(
      `${name}Role`,
      {
        name: resourceName(args.ref, name, NAME_LIMITS.iamRole),
        description: `Runs the ${machineName} state machine`,
        // Only Step Functions acting for this account's state machine of this name may assume it.
        assumeRolePolicy: assumeRolePolicy("states.amazonaws.com", {
          StringEquals: { "aws:SourceAccount": identity.accountId },
          ArnLike: {
            "aws:SourceArn": pulumi.interpolate`arn:${partition.partition}:states:${region.region}:${identity.accountId}:stateMachine:${machineName}`,
          },
        }),
      },
      { parent: this },
    );

    const stepArns = Object.values(args.steps).map((fn) => fn.arn);
    const statements: PolicyStatement[] = [
      {
        Sid: "InvokeSteps",
        Effect: "Allow",
        Action: ["lambda:InvokeFunction"],
        // Exactly the unqualified ARNs the definition's Task states name: no version or alias.
        Resource: stepArns,
      },
    ];
    if (logging) {
      statements.push({
        Sid: "DeliverLogs",
        Effect: "Allow",
        Action: LOG_DELIVERY_ACTIONS,
        Resource: ["*"],
      });
    }
    if (settings.tracing) {
      statements.push({
        Sid: "WriteTraces",
        Effect: "Allow",
        Action: STATE_MACHINE_XRAY_ACTIONS,
        Resource: ["*"],
      });
    }
    const policy = new aws.iam.RolePolicy(
      `${name}Policy`,
      { role: this.role.name, name: "access", policy: policyJson(statements) },
      { parent: this },
    );

    const { createTask, checkTaskStatus, taskCompleted, markFailed } = args.steps;
    const definition = pulumi
      .all([createTask.arn, checkTaskStatus.arn, taskCompleted.arn, markFailed.arn])
      .apply(([createTaskArn, checkTaskStatusArn, taskCompletedArn, markFailedArn]) =>
        JSON.stringify(
          buildWorkflow({
            functions: {
              createTask: createTaskArn,
              checkTaskStatus: checkTaskStatusArn,
              taskCompleted: taskCompletedArn,
              markFailed: markFailedArn,
            },
            taskRetry: settings.taskRetry,
            stepTimeoutSeconds: settings.stepTimeoutSeconds,
            executionTimeoutSeconds: settings.executionTimeoutSeconds,
            maxPolls: settings.maxPolls,
          }),
        ),
      );

    this.stateMachine = new aws.sfn.StateMachine(
      `${name}StateMachine`,
      {
        name: machineName,
        type: "STANDARD",
        roleArn: this.role.arn,
        definition,
        loggingConfiguration: this.logGroup
          ? {
              level: settings.logLevel,
              includeExecutionData: settings.includeExecutionData,
              logDestination: pulumi.interpolate`${this.logGroup.arn}:*`,
            }
          : { level: "OFF", includeExecutionData: false },
        tracingConfiguration: { enabled: settings.tracing },
      },
      // Step Functions checks log delivery permissions when it creates the state machine.
      { parent: this, dependsOn: [policy] },
    );

    this.executionsArn = this.stateMachine.arn.apply(
      (arn) => `${arn.replace(":stateMachine:", ":execution:")}:*`,
    );

    this.registerOutputs({
      stateMachineArn: this.stateMachine.arn,
      stateMachineName: this.stateMachine.name,
    });
  }
}

type TaskWorkflowSettings = Required<Omit<TaskWorkflowArgs, "ref" | "steps">>;

function normalizeArgs(name: string, args: TaskWorkflowArgs): TaskWorkflowSettings {
  const settings: TaskWorkflowSettings = {
    taskRetry: { maxAttempts: 3, intervalSeconds: 2, backoffRate: 2, maxDelaySeconds: 60 },
    executionTimeoutSeconds: 86_400,
    maxPolls: 1_000,
    logLevel: "ERROR",
    includeExecutionData: false,
    logRetentionDays: 14,
    tracing: true,
    ...args,
  };
  const fail = (field: string, problem: string) => {
    throw new ComponentArgsError("TaskWorkflow", name, field, problem);
  };
  if (settings.executionTimeoutSeconds <= settings.stepTimeoutSeconds) {
    fail(
      "executionTimeoutSeconds",
      `must be longer than stepTimeoutSeconds (${settings.stepTimeoutSeconds})`,
    );
  }
  if (settings.maxPolls < 1 || settings.maxPolls > MAX_POLLS_UPPER_BOUND) {
    fail("maxPolls", `must be 1 to ${MAX_POLLS_UPPER_BOUND}`);
  }
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(settings.logRetentionDays)) {
    fail("logRetentionDays", `must be one of ${LOG_RETENTION_DAYS.join(", ")}`);
  }
  return settings;
}
