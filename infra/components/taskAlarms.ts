import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NAME_LIMITS, resourceName, SNS_TOPIC_ARN, type StackRef } from "@tasklane/stack-config";
import { ComponentArgsError } from "./errors.js";

/** CloudWatch's limit on an alarm's name. */
const ALARM_NAME_MAX_LENGTH = 255;
/** Seconds of the alarms' evaluation periods. */
const QUEUE_PERIOD_SECONDS = 60;
const ERROR_PERIOD_SECONDS = 300;

export interface TaskAlarmsArgs {
  /** The stack the alarms watch; their names derive from it. */
  ref: StackRef;
  /** The region the dashboard's widgets read metrics from. */
  region: string;
  /** Name of the tasks queue. */
  queueName: pulumi.Input<string>;
  /** Name of its dead-letter queue. */
  deadLetterQueueName: pulumi.Input<string>;
  /** ARN of the state machine. */
  stateMachineArn: pulumi.Input<string>;
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

interface AlarmSpec {
  /** Resource-name fragment and physical-name component. */
  id: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, pulumi.Input<string>>;
  statistic: "Maximum" | "Sum";
  period: number;
  threshold: number;
}

/**
 * CloudWatch alarms on what needs a person, all notifying one SNS topic: a topic of its own (with
 * an email subscription when given) or an existing one. They fire when a message reached the
 * DLQ, the queue's oldest message is too old, executions failed or timed out, a function outside
 * the workflow errored, or any function was throttled. And a dashboard with queue depth,
 * executions, errors and API traffic.
 *
 * @example
 * ```ts
 * new TaskAlarms("alarms", { ref, region, queueName, deadLetterQueueName, stateMachineArn,
 *   functions: { ingest: ingest.function.name }, apiId, email: "oncall@example.com" });
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
            namespace: spec.namespace,
            metricName: spec.metricName,
            dimensions: spec.dimensions,
            statistic: spec.statistic,
            period: spec.period,
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

type TaskAlarmsSettings = Required<Omit<TaskAlarmsArgs, "email" | "topicArn">> &
  Pick<TaskAlarmsArgs, "email" | "topicArn">;

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
  const executionAlarms: AlarmSpec[] = (["ExecutionsFailed", "ExecutionsTimedOut"] as const).map(
    (metricName) => ({
      id: metricName === "ExecutionsFailed" ? "executions-failed" : "executions-timed-out",
      description: `Task executions ${metricName === "ExecutionsFailed" ? "failed" : "timed out"} in the last ${ERROR_PERIOD_SECONDS / 60} minutes.`,
      namespace: "AWS/States",
      metricName,
      dimensions: { StateMachineArn: settings.stateMachineArn },
      statistic: "Sum",
      period: ERROR_PERIOD_SECONDS,
      threshold: 0,
    }),
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
  return [...queueAlarms, ...executionAlarms, ...functionAlarms];
}

/** The dashboard: queue depth and age, executions, function errors and throttles, API traffic. */
function dashboardBody(settings: TaskAlarmsSettings): pulumi.Output<string> {
  const functionNames: pulumi.Output<Record<string, string>> = pulumi.all(settings.functions);
  return pulumi
    .all([
      settings.queueName,
      settings.deadLetterQueueName,
      settings.stateMachineArn,
      functionNames,
      settings.apiId,
    ])
    .apply(([queue, dlq, stateMachineArn, functions, apiId]) => {
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
          widget(
            0,
            6,
            "Executions",
            "Sum",
            ["Started", "Succeeded", "Failed", "TimedOut", "Aborted"].map((outcome) => [
              "AWS/States",
              `Executions${outcome}`,
              "StateMachineArn",
              stateMachineArn,
              { label: outcome.toLowerCase() },
            ]),
          ),
          widget(12, 6, "API requests", "Sum", [
            ["AWS/ApiGateway", "Count", "ApiId", apiId, { label: "requests" }],
            ["AWS/ApiGateway", "4xx", "ApiId", apiId, { label: "4xx" }],
            ["AWS/ApiGateway", "5xx", "ApiId", apiId, { label: "5xx" }],
          ]),
          widget(0, 12, "Function errors", "Sum", lambda("Errors")),
          widget(12, 12, "Function throttles", "Sum", lambda("Throttles")),
        ],
      });
    });
}
