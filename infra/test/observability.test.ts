import { FUNCTIONS } from "@tasklane/stack-config";
import { beforeAll, describe, expect, it } from "vitest";
import {
  componentName,
  json,
  type ProgramRun,
  promiseOf,
  runProgram,
  STACKS,
  stackConfig,
} from "./pulumiMocks.js";

describe.each(STACKS)("logs, alarms and the dashboard of the %s stack", (stack) => {
  const config = stackConfig(stack);
  let run: ProgramRun;
  let topicArn: string;
  beforeAll(async () => {
    run = await runProgram(stack);
    topicArn = await promiseOf(run.program.alarmTopicArn);
  });

  const alarm = (id: string) => run.named(`alarms-${id}`).inputs;

  it("gives every log group the stack's retention", () => {
    const groups = run.ofType("aws:cloudwatch/logGroup:LogGroup");

    expect(groups.length).toBeGreaterThanOrEqual(FUNCTIONS.length + 2);
    for (const group of groups) {
      expect(group.inputs.retentionInDays, group.name).toBe(config.logs.retentionDays);
    }
  });

  it.each(FUNCTIONS.map((f) => f.name))(
    "sends the %s function's logs to its own log group",
    (name) => {
      const group = run.named(`${componentName(name)}LogGroup`).inputs;
      const fn = run.named(`${componentName(name)}Function`).inputs;

      expect(group.name).toBe(`/aws/lambda/tasklane-${stack}-${name}`);
      expect(fn.loggingConfig).toEqual({ logFormat: "Text", logGroup: group.name });
    },
  );

  it("alarms when a message reaches the DLQ", () => {
    expect(alarm("dlq-not-empty")).toMatchObject({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: `tasklane-${stack}-tasks-dlq` },
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      alarmActions: [topicArn],
    });
  });

  it("alarms when the oldest queued task is older than the configured age", () => {
    expect(alarm("oldest-message-age")).toMatchObject({
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: `tasklane-${stack}-tasks` },
      threshold: config.alarms.oldestMessageAgeSeconds,
      alarmActions: [topicArn],
    });
  });

  it("alarms when executions fail or time out", async () => {
    const stateMachineArn = await promiseOf(run.program.stateMachineArn);

    for (const [id, metricName] of [
      ["executions-failed", "ExecutionsFailed"],
      ["executions-timed-out", "ExecutionsTimedOut"],
    ]) {
      expect(alarm(id as string), id).toMatchObject({
        namespace: "AWS/States",
        metricName,
        dimensions: { StateMachineArn: stateMachineArn },
        statistic: "Sum",
        threshold: 0,
        alarmActions: [topicArn],
      });
    }
  });

  it.each(FUNCTIONS.map((f) => f.name))(
    "alarms on the %s function's errors and throttles",
    (name) => {
      for (const metricName of ["Errors", "Throttles"]) {
        expect(alarm(`${name}-${metricName.toLowerCase()}`), metricName).toMatchObject({
          namespace: "AWS/Lambda",
          metricName,
          dimensions: { FunctionName: `tasklane-${stack}-${name}` },
          threshold: 0,
          alarmActions: [topicArn],
          okActions: [topicArn],
        });
      }
    },
  );

  it("subscribes no address unless one is configured", () => {
    expect(run.ofType("aws:sns/topicSubscription:TopicSubscription")).toEqual([]);
  });

  it("shows queue depth, executions and errors on the dashboard", () => {
    const body = json<{ widgets: { properties: { title: string; metrics: unknown[][] } }[] }>(
      run.named("alarmsDashboard").inputs.dashboardBody,
    );
    const titles = body.widgets.map((w) => w.properties.title);

    expect(titles).toEqual(
      expect.arrayContaining(["Queue depth", "Executions", "Function errors"]),
    );
    const errors = body.widgets.find((w) => w.properties.title === "Function errors");
    expect(errors?.properties.metrics).toHaveLength(FUNCTIONS.length);
  });
});

describe("an alarm email (tasklane:alarms.email)", () => {
  it("is subscribed to the alarm topic", async () => {
    const run = await runProgram("prod", {
      "tasklane:alarms": { email: "oncall@example.com", oldestMessageAgeSeconds: 300 },
    });

    expect(run.ofType("aws:sns/topicSubscription:TopicSubscription").map((s) => s.inputs)).toEqual([
      {
        topic: await promiseOf(run.program.alarmTopicArn),
        protocol: "email",
        endpoint: "oncall@example.com",
      },
    ]);
  });
});
