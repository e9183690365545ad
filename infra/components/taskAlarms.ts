import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NAME_LIMITS, resourceName, SNS_TOPIC_ARN, type StackRef } from "@tasklane/stack-config";
import { ComponentArgsError } from "./errors.js";

/** CloudWatch's limit on an alarm's name. */
const ALARM_NAME_MAX_LENGTH = 255;
/** Seconds of the alarms' evaluation periods. */
const QUEUE_PERIOD_SECONDS = 60;
const ERROR_PERIOD_SECONDS = 300;
/** A DynamoDB API operation, as the `Operation` dimension names it. */
const TABLE_OPERATION = /^[A-Z][A-Za-z]+$/;

export interface TaskAlarmsArgs {
  /** The stack the alarms watch; their names derive from it. */
  ref: StackRef;
  /** The region the dashboard's widgets read metrics from. */
  region: string;
  /** Name of the tasks queue. */
  queueName: pulumi.Input<string>;
  /** Name of its dead-letter queue. */
  deadLetterQueueName: pulumi.Input<string>;
  /** ARN of the Standard state machine. */
  stateMachineArn: pulumi.Input<string>;
  /**
   * ARN of the Express state machine, whose executions get the same alarms and widgets.
   * @default undefined (the stack runs every task on Standard)
   * @example workflow.expressStateMachine.arn
   */
  expressStateMachineArn?: pulumi.Input<string>;
  /**
   * Every function to watch: short name -> physical name.
   * @example { ingest: ingest.function.name }
   */
  functions: Record<string, pulumi.Input<string>>;
  /**
   * Short names (keys of `functions`) of the functions the state machine invokes. The workflow
   * retries and catches their errors, and a retried `TaskRetryableError` is an `Errors` data
   * point, so they get no `Errors` alarm: a task that fails for good raises `executions-failed`.
   * They keep their `Throttles` alarm and their place on the dashboard.
   * @default []
   * @example ["create-task", "check-task-status", "task-completed", "mark-failed"]
   */
  workflowSteps?: string[];
  /** ID of the HTTP API, for the dashboard's request widgets. */
  apiId: pulumi.Input<string>;
  /**
   * The tasks table: its name, and the operations the functions call on it. DynamoDB publishes
   * `ThrottledRequests`, `SystemErrors` and latency per operation, so the alarms and widgets
   * watch each of these.
   * @example { name: table.table.name, operations: ["GetItem", "PutItem", "UpdateItem", "Query"] }
   */
  table: { name: pulumi.Input<string>; operations: string[] };
  /**
   * Alarm when the oldest message in the queue is older than this many seconds: the consumer
   * is not keeping up (or is failing).
   * @default 600
   * @example 300
   */
  oldestMessageAgeSeconds?: number;
  /**
   * Subscribe this address to the alarm topic the component creates; the recipient must confirm
   * the subscription. Not with `topicArn`.
   * @default undefined (no subscription)
   * @example "oncall@example.com"
   */
  email?: string;
  /**
   * Notify this existing SNS topic (standard, in `region`, whose policy lets CloudWatch publish)
   * instead of creating one. Not with `email`.
   * @default undefined (the component creates a topic)
   * @example "arn:aws:sns:us-east-1:123456789012:oncall"
   */
  topicArn?: string;
}

type Dimensions = Record<string, pulumi.Input<string>>;

interface AlarmSpec {
  /** Resource-name fragment and physical-name component. */
  id: string;
  description: string;
  namespace: string;
  metricName: string;
  /** The metric's dimensions; a list of them makes the alarm watch the sum of those metrics. */
  dimensions: Dimensions | Dimensions[];
  statistic: "Maximum" | "Sum";
  period: number;
  threshold: number;
}

/**
 * CloudWatch alarms on what needs a person, all notifying one SNS topic: a topic of its own (with
 * an email subscription when given) or an existing one. They fire when a message reached the
 * DLQ, the queue's oldest message is too old, executions (Standard or Express) failed or timed out, a function outside
 * the workflow errored, any function was throttled, or the tasks table throttled or failed
 * requests. And a dashboard with queue depth, executions, errors, API traffic and the table.
 *
 * @example
 * ```ts
 * new TaskAlarms("alarms", { ref, region, queueName, deadLetterQueueName, stateMachineArn,
 *   functions: { ingest: ingest.function.name }, apiId,
 *   table: { name: table.table.name, operations: ["GetItem", "PutItem"] },
 *   email: "oncall@example.com" });
 * ```
 */
export class TaskAlarms extends pulumi.ComponentResource {
  /** The topic the component created; absent when it notifies an existing `topicArn`. */
  readonly topic?: aws.sns.Topic;
  /** The topic every alarm notifies. */
  readonly topicArn: pulumi.Output<string>;
  readonly alarms: aws.cloudwatch.MetricAlarm[];
  readonly dashboard: aws.cloudwatch.Dashboard;

  constructor(name: string, args: TaskAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate first: a mistake stops the program before anything is registered.
    const settings = normalizeArgs(name, args);
    super("tasklane:infra:TaskAlarms", name, {}, opts);

    if (settings.topicArn) {
      this.topicArn = pulumi.output(settings.topicArn);
    } else {
      // Not KMS-encrypted: CloudWatch cannot publish to a topic under the AWS-managed SNS key,
      // and alarm notifications carry no task data.
      this.topic = new aws.sns.Topic(
        `${name}Topic`,
        { name: resourceName(args.ref, name, NAME_LIMITS.snsTopic) },
        { parent: this },
      );
      this.topicArn = this.topic.arn;
      if (settings.email) {
        new aws.sns.TopicSubscription(
          `${name}EmailSubscription`,
          { topic: this.topic.arn, protocol: "email", endpoint: settings.email },
          { parent: this },
        );
      }
    }

    this.alarms = alarmSpecs(settings).map(
      (spec) =>
        new aws.cloudwatch.MetricAlarm(
          `${name}-${spec.id}`,
          {
            name: resourceName(args.ref, spec.id, ALARM_NAME_MAX_LENGTH),
            alarmDescription: spec.description,
            ...metricOf(spec),
            evaluationPeriods: 1,
            threshold: spec.threshold,
            comparisonOperator: "GreaterThanThreshold",
            // No data means nothing happened (no messages, no executions, no invocations).
            treatMissingData: "notBreaching",
            alarmActions: [this.topicArn],
            okActions: [this.topicArn],
          },
          { parent: this },
        ),
    );

    this.dashboard = new aws.cloudwatch.Dashboard(
      `${name}Dashboard`,
      {
        dashboardName: resourceName(args.ref, "tasks", 255),
        dashboardBody: dashboardBody(settings),
      },
      { parent: this },
    );

    this.registerOutputs({ topicArn: this.topicArn, dashboardName: this.dashboard.dashboardName });
  }
}

type TaskAlarmsSettings = Required<
  Omit<TaskAlarmsArgs, "email" | "topicArn" | "expressStateMachineArn">
> &
  Pick<TaskAlarmsArgs, "email" | "topicArn" | "expressStateMachineArn">;

function normalizeArgs(name: string, args: TaskAlarmsArgs): TaskAlarmsSettings {
  const settings: TaskAlarmsSettings = { oldestMessageAgeSeconds: 600, workflowSteps: [], ...args };
  const fail = (field: string, problem: string) => {
    throw new ComponentArgsError("TaskAlarms", name, field, problem);
  };
  if (settings.oldestMessageAgeSeconds < QUEUE_PERIOD_SECONDS) {
    fail("oldestMessageAgeSeconds", `must be at least ${QUEUE_PERIOD_SECONDS}`);
  }
  if (settings.email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(settings.email)) {
    fail("email", "must be an email address");
  }
  if (settings.topicArn !== undefined) {
    if (settings.email !== undefined) fail("email", "cannot be given with topicArn");
    const region = SNS_TOPIC_ARN.exec(settings.topicArn)?.[1];
    if (region === undefined) fail("topicArn", "must be the ARN of a standard SNS topic");
    if (region !== settings.region) {
      fail("topicArn", `must name a topic in ${settings.region}, the alarms' region`);
    }
  }
  if (Object.keys(settings.functions).length === 0) fail("functions", "must name a function");
  const badOperations = settings.table.operations.filter((op) => !TABLE_OPERATION.test(op));
  if (settings.table.operations.length === 0 || badOperations.length > 0) {
    fail(
      "table.operations",
      `must name DynamoDB operations (GetItem, Query, ...)${badOperations.length > 0 ? `, not ${badOperations.join(", ")}` : ""}`,
    );
  }
  const unknown = settings.workflowSteps.filter((step) => !(step in settings.functions));
  if (unknown.length > 0) fail("workflowSteps", `names no watched function: ${unknown.join(", ")}`);
  return settings;
}

function alarmSpecs(settings: TaskAlarmsSettings): AlarmSpec[] {
  const queueAlarms: AlarmSpec[] = [
    {
      id: "dlq-not-empty",
      description:
        "A task message reached the dead-letter queue: it failed maxReceiveCount times. Inspect it and redrive it once the cause is fixed.",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: settings.deadLetterQueueName },
      statistic: "Maximum",
      period: QUEUE_PERIOD_SECONDS,
      threshold: 0,
    },
    {
      id: "oldest-message-age",
      description: `The oldest queued task has waited more than ${settings.oldestMessageAgeSeconds} s: the consumer is not keeping up or is failing.`,
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: settings.queueName },
      statistic: "Maximum",
      period: QUEUE_PERIOD_SECONDS,
      threshold: settings.oldestMessageAgeSeconds,
    },
  ];
  const machines: { prefix: string; label: string; arn: pulumi.Input<string> }[] = [
    { prefix: "", label: "Task executions", arn: settings.stateMachineArn },
    ...(settings.expressStateMachineArn !== undefined
      ? [
          {
            prefix: "express-",
            label: "Express task executions",
            arn: settings.expressStateMachineArn,
          },
        ]
      : []),
  ];
  const executionAlarms: AlarmSpec[] = machines.flatMap(({ prefix, label, arn }) =>
    (["ExecutionsFailed", "ExecutionsTimedOut"] as const).map((metricName) => ({
      id: `${prefix}${metricName === "ExecutionsFailed" ? "executions-failed" : "executions-timed-out"}`,
      description: `${label} ${metricName === "ExecutionsFailed" ? "failed" : "timed out"} in the last ${ERROR_PERIOD_SECONDS / 60} minutes.`,
      namespace: "AWS/States",
      metricName,
      dimensions: { StateMachineArn: arn },
      statistic: "Sum" as const,
      period: ERROR_PERIOD_SECONDS,
      threshold: 0,
    })),
  );
  const functionAlarms: AlarmSpec[] = Object.entries(settings.functions).flatMap(
    ([short, functionName]) =>
      (settings.workflowSteps.includes(short)
        ? (["Throttles"] as const)
        : (["Errors", "Throttles"] as const)
      ).map((metricName) => ({
        id: `${short}-${metricName.toLowerCase()}`,
        description: `The ${short} function reported ${metricName.toLowerCase()} in the last ${ERROR_PERIOD_SECONDS / 60} minutes.`,
        namespace: "AWS/Lambda",
        metricName,
        dimensions: { FunctionName: functionName },
        statistic: "Sum" as const,
        period: ERROR_PERIOD_SECONDS,
        threshold: 0,
      })),
  );
  const perOperation = settings.table.operations.map((Operation) => ({
    TableName: settings.table.name,
    Operation,
  }));
  const tableAlarms: AlarmSpec[] = [
    {
      id: "table-throttled-requests",
      description: `The tasks table throttled requests in the last ${ERROR_PERIOD_SECONDS / 60} minutes (a hot partition, or the account's on-demand table limit): callers retried or failed.`,
      namespace: "AWS/DynamoDB",
      metricName: "ThrottledRequests",
      dimensions: perOperation,
      statistic: "Sum",
      period: ERROR_PERIOD_SECONDS,
      threshold: 0,
    },
    {
      id: "table-system-errors",
      description: `DynamoDB failed requests to the tasks table with a 500 in the last ${ERROR_PERIOD_SECONDS / 60} minutes.`,
      namespace: "AWS/DynamoDB",
      metricName: "SystemErrors",
      dimensions: perOperation,
      statistic: "Sum",
      period: ERROR_PERIOD_SECONDS,
      threshold: 0,
    },
  ];
  return [...queueAlarms, ...executionAlarms, ...functionAlarms, ...tableAlarms];
}

/**
 * The metric an alarm watches: one metric, or the sum of one metric over several dimension sets
 * (metric math; each series is filled with 0 where it has no data, as DynamoDB publishes an
 * operation's errors only when there are some).
 */
function metricOf(
  spec: AlarmSpec,
): Pick<
  aws.cloudwatch.MetricAlarmArgs,
  "namespace" | "metricName" | "dimensions" | "statistic" | "period" | "metricQueries"
> {
  if (!Array.isArray(spec.dimensions)) {
    return {
      namespace: spec.namespace,
      metricName: spec.metricName,
      dimensions: spec.dimensions,
      statistic: spec.statistic,
      period: spec.period,
    };
  }
  const parts = spec.dimensions.map((dimensions, index) => ({
    id: `m${index}`,
    metric: {
      namespace: spec.namespace,
      metricName: spec.metricName,
      dimensions,
      stat: spec.statistic,
      period: spec.period,
    },
    returnData: false,
  }));
  return {
    metricQueries: [
      {
        id: "total",
        expression: `SUM([${parts.map((part) => `FILL(${part.id}, 0)`).join(", ")}])`,
        label: spec.metricName,
        returnData: true,
      },
      ...parts,
    ],
  };
}

/** The execution counts both kinds of state machine report; a Standard one's can be aborted too. */
const EXECUTION_COUNTS = ["Started", "Succeeded", "Failed", "TimedOut"] as const;

/**
 * The dashboard: queue depth and age, executions, function errors and throttles, API traffic,
 * and the table's consumed capacity, throttles, errors and latency.
 */

function dashboardBody(settings: TaskAlarmsSettings): pulumi.Output<string> {
  const functionNames: pulumi.Output<Record<string, string>> = pulumi.all(settings.functions);
  return pulumi
    .all([
      settings.queueName,
      settings.deadLetterQueueName,
      settings.stateMachineArn,
      functionNames,
      settings.apiId,
      settings.table.name,
      settings.expressStateMachineArn,
    ])
    .apply(([queue, dlq, stateMachineArn, functions, apiId, table, expressStateMachineArn]) => {
      const widget = (x: number, y: number, title: string, stat: string, metrics: unknown[][]) => ({
        type: "metric",
        x,
        y,
        width: 12,
        height: 6,
        properties: {
          title,
          region: settings.region,
          stat,
          period: 60,
          view: "timeSeries",
          metrics,
        },
      });
      const lambda = (metricName: string) =>
        Object.entries(functions).map(([short, name]) => [
          "AWS/Lambda",
          metricName,
          "FunctionName",
          name,
          { label: short },
        ]);
      const executions = (arn: string, labelPrefix: string, outcomes: readonly string[]) =>
        outcomes.map((outcome) => [
          "AWS/States",
          `Executions${outcome}`,
          "StateMachineArn",
          arn,
          { label: `${labelPrefix}${outcome.toLowerCase()}` },
        ]);
      const perOperation = (metricName: string) =>
        settings.table.operations.map((operation) => [
          "AWS/DynamoDB",
          metricName,
          "TableName",
          table,
          "Operation",
          operation,
          { label: operation },
        ]);
      return JSON.stringify({
        widgets: [
          widget(0, 0, "Queue depth", "Maximum", [
            [
              "AWS/SQS",
              "ApproximateNumberOfMessagesVisible",
              "QueueName",
              queue,
              { label: "queued" },
            ],
            [
              "AWS/SQS",
              "ApproximateNumberOfMessagesNotVisible",
              "QueueName",
              queue,
              { label: "in flight" },
            ],
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", dlq, { label: "DLQ" }],
          ]),
          widget(12, 0, "Age of oldest queued task (s)", "Maximum", [
            ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", queue, { label: "oldest" }],
          ]),
          widget(0, 6, "Executions", "Sum", [
            ...executions(stateMachineArn, "", [...EXECUTION_COUNTS, "Aborted"]),
            // Express executions cannot be stopped, so none is ever aborted.
            ...(expressStateMachineArn === undefined
              ? []
              : executions(expressStateMachineArn, "express ", EXECUTION_COUNTS)),
          ]),
          widget(12, 6, "API requests", "Sum", [
            ["AWS/ApiGateway", "Count", "ApiId", apiId, { label: "requests" }],
            ["AWS/ApiGateway", "4xx", "ApiId", apiId, { label: "4xx" }],
            ["AWS/ApiGateway", "5xx", "ApiId", apiId, { label: "5xx" }],
          ]),
          widget(0, 12, "Function errors", "Sum", lambda("Errors")),
          widget(12, 12, "Function throttles", "Sum", lambda("Throttles")),
          widget(0, 18, "Task table consumed capacity", "Sum", [
            ["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", table, { label: "read" }],
            ["AWS/DynamoDB", "ConsumedWriteCapacityUnits", "TableName", table, { label: "write" }],
          ]),
          widget(12, 18, "Task table throttles", "Sum", [
            ...perOperation("ThrottledRequests"),
            ["AWS/DynamoDB", "ReadThrottleEvents", "TableName", table, { label: "read events" }],
            ["AWS/DynamoDB", "WriteThrottleEvents", "TableName", table, { label: "write events" }],
          ]),
          widget(0, 24, "Task table system errors", "Sum", perOperation("SystemErrors")),
          widget(
            12,
            24,
            "Task table latency (ms)",
            "Average",
            perOperation("SuccessfulRequestLatency"),
          ),
        ],
      });
    });
}
