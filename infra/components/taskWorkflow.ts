import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  buildWorkflow,
  expressWorkflowBounds,
  type ResolvedWorkflowBounds,
  type RetrierSettings,
  resolveWorkflowBounds,
  type WorkflowSettings,
  WorkflowSettingsError,
  type WorkflowType,
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
 * What Step Functions needs to deliver its logs to CloudWatch Logs. Step Functions delivers them
 * as vended logs: it creates the log delivery, and the log group's resource policy, with the
 * state machine's role. These actions have no resource-level permissions (IAM cannot scope them
 * to a log group or a delivery), so AWS requires, and documents them on, `Resource: "*"`; the
 * log group itself is named in the state machine's `loggingConfiguration`.
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
   * Also deploy the Express state machine (`buildWorkflows`' `express` document), for the tasks
   * that finish in `start` quickly enough (`workflowFor`). Its executions have no history but
   * their logs, so it always logs to a log group of its own, at `ALL` when `logLevel` is `ALL`
   * and at `ERROR` otherwise.
   * @default true
   * @example false
   */
  express?: boolean;
  /**
   * What the Standard state machine logs to CloudWatch Logs. `OFF` creates no log group for it.
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
   * Days CloudWatch keeps the state machines' logs.
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
 * The state machines that run one task per execution: a Standard one, and (unless `express` is
 * false) an Express one for short tasks. Their definitions are the very ASL documents
 * `buildWorkflows` returns (the ones the local runtime executes), with the step functions' ARNs
 * filled in once they are known. Their one role may invoke exactly those four functions and
 * deliver logs and traces.
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
  /** The Standard state machine. */
  readonly stateMachine: aws.sfn.StateMachine;
  /** The Express state machine, unless `express` is false. */
  readonly expressStateMachine?: aws.sfn.StateMachine;
  readonly role: aws.iam.Role;
  readonly logGroup?: aws.cloudwatch.LogGroup;
  /** Where the Express state machine logs: the only history its executions have. */
  readonly expressLogGroup?: aws.cloudwatch.LogGroup;
  /** The ARN pattern of this state machine's executions (`...:execution:<name>:*`). */
  readonly executionsArn: pulumi.Output<string>;

  constructor(name: string, args: TaskWorkflowArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate first: a mistake stops the program before anything is registered.
    const settings = normalizeArgs(name, args);
    super("tasklane:infra:TaskWorkflow", name, {}, opts);
    const machineName = resourceName(args.ref, name, NAME_LIMITS.stateMachine);
    const expressName = resourceName(args.ref, `${name}-express`, NAME_LIMITS.stateMachine);
    const logging = settings.logLevel !== "OFF";
    const logGroup = (logicalName: string, machine: string) =>
      new aws.cloudwatch.LogGroup(
        logicalName,
        {
          // The /aws/vendedlogs/ prefix keeps CloudWatch's log resource policy small.
          name: `/aws/vendedlogs/states/${machine}`,
          retentionInDays: settings.logRetentionDays,
        },
        { parent: this },
      );

    this.logGroup = logging ? logGroup(`${name}LogGroup`, machineName) : undefined;
    this.expressLogGroup = settings.express
      ? logGroup(`${name}ExpressLogGroup`, expressName)
      : undefined;

    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    const region = aws.getRegionOutput({}, { parent: this });
    const machineArn = (machine: string) =>
      pulumi.interpolate`arn:${partition.partition}:states:${region.region}:${identity.accountId}:stateMachine:${machine}`;
    this.role = new aws.iam.Role(
      `${name}Role`,
      {
        name: resourceName(args.ref, name, NAME_LIMITS.iamRole),
        description: settings.express
          ? `Runs the ${machineName} and ${expressName} state machines`
          : `Runs the ${machineName} state machine`,
        // Only Step Functions acting for this account's state machines of these names may assume it.
        assumeRolePolicy: assumeRolePolicy("states.amazonaws.com", {
          StringEquals: { "aws:SourceAccount": identity.accountId },
          ArnLike: {
            "aws:SourceArn": settings.express
              ? pulumi.all([machineArn(machineName), machineArn(expressName)])
              : machineArn(machineName),
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
    if (logging || settings.express) {
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
    const functions = pulumi
      .all([createTask.arn, checkTaskStatus.arn, taskCompleted.arn, markFailed.arn])
      .apply(([createTaskArn, checkTaskStatusArn, taskCompletedArn, markFailedArn]) => ({
        createTask: createTaskArn,
        checkTaskStatus: checkTaskStatusArn,
        taskCompleted: taskCompletedArn,
        markFailed: markFailedArn,
      }));
    const definitionOf = (type: WorkflowType) =>
      functions.apply((arns) =>
        JSON.stringify(buildWorkflow({ functions: arns, ...settings.bounds }, type)),
      );
    const logsTo = (group: aws.cloudwatch.LogGroup, level: string) => ({
      level,
      includeExecutionData: settings.includeExecutionData,
      // Step Functions takes the log group's ARN with the `:*` of its log streams.
      logDestination: pulumi.interpolate`${group.arn}:*`,
    });

    this.stateMachine = new aws.sfn.StateMachine(
      `${name}StateMachine`,
      {
        name: machineName,
        type: "STANDARD",
        roleArn: this.role.arn,
        definition: definitionOf("standard"),
        loggingConfiguration: this.logGroup
          ? logsTo(this.logGroup, settings.logLevel)
          : { level: "OFF", includeExecutionData: false },
        tracingConfiguration: { enabled: settings.tracing },
      },
      // Step Functions checks log delivery permissions when it creates the state machine.
      { parent: this, dependsOn: [policy] },
    );

    this.expressStateMachine = this.expressLogGroup
      ? new aws.sfn.StateMachine(
          `${name}ExpressStateMachine`,
          {
            name: expressName,
            type: "EXPRESS",
            roleArn: this.role.arn,
            definition: definitionOf("express"),
            // An Express execution's history is its log events, so it logs at least its errors.
            loggingConfiguration: logsTo(
              this.expressLogGroup,
              settings.logLevel === "ALL" ? "ALL" : "ERROR",
            ),
            tracingConfiguration: { enabled: settings.tracing },
          },
          { parent: this, dependsOn: [policy] },
        )
      : undefined;

    this.executionsArn = this.stateMachine.arn.apply(
      (arn) => `${arn.replace(":stateMachine:", ":execution:")}:*`,
    );

    this.registerOutputs({
      stateMachineArn: this.stateMachine.arn,
      stateMachineName: this.stateMachine.name,
      expressStateMachineArn: this.expressStateMachine?.arn,
    });
  }
}

/** The component's settings: its own defaults, and the workflow's bounds as shared-task resolves them. */
interface TaskWorkflowSettings
  extends Required<
    Pick<
      TaskWorkflowArgs,
      "express" | "logLevel" | "includeExecutionData" | "logRetentionDays" | "tracing"
    >
  > {
  bounds: ResolvedWorkflowBounds;
}

function normalizeArgs(name: string, args: TaskWorkflowArgs): TaskWorkflowSettings {
  const fail = (field: string, problem: string): never => {
    throw new ComponentArgsError("TaskWorkflow", name, field, problem);
  };
  const { ref, steps, taskRetry, stepTimeoutSeconds, executionTimeoutSeconds, maxPolls, ...own } =
    args;
  const settings: TaskWorkflowSettings = {
    express: true,
    logLevel: "ERROR",
    includeExecutionData: false,
    logRetentionDays: 14,
    tracing: true,
    ...own,
    // The bounds' defaults and limits are the workflow builder's, checked by it alone.
    bounds: workflowBoundsOr(fail, {
      taskRetry,
      stepTimeoutSeconds,
      executionTimeoutSeconds,
      maxPolls,
    }),
  };
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(settings.logRetentionDays)) {
    fail("logRetentionDays", `must be one of ${LOG_RETENTION_DAYS.join(", ")}`);
  }
  if (settings.express) {
    try {
      expressWorkflowBounds(settings.bounds);
    } catch (error) {
      fail("express", `cannot be true: ${(error as Error).message}`);
    }
  }
  return settings;
}

/** The resolved bounds, or `fail` called with the first setting the builder refuses. */
function workflowBoundsOr(
  fail: (field: string, problem: string) => never,
  bounds: Parameters<typeof resolveWorkflowBounds>[0],
): ResolvedWorkflowBounds {
  try {
    return resolveWorkflowBounds(bounds);
  } catch (error) {
    const issue = error instanceof WorkflowSettingsError ? error.issues[0] : undefined;
    if (!issue) throw error;
    return fail(issue.path, issue.message);
  }
}
