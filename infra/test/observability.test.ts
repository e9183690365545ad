import { FUNCTIONS } from "@tasklane/stack-config";
import { beforeAll, describe, expect, it } from "vitest";
import { componentName, describeEachStack, json, promiseOf, runProgram } from "./pulumiMocks.js";

describeEachStack("logs, alarms and the dashboard of the %s stack", ({ stack, config, run }) => {
  let topicArn: string;
  beforeAll(async () => {
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
      // Lambda's START/END/REPORT lines only where the stack keeps them (dev); a system log
      // level needs the JSON log format (prod).
      expect(fn.loggingConfig).toEqual(
        config.logs.systemLevel === "INFO"
          ? { logFormat: "Text", logGroup: group.name }
          : { logFormat: "JSON", systemLogLevel: "WARN", logGroup: group.name },
      );
    },
  );

  it("keeps Lambda's own lines in dev and drops them in prod", () => {
    expect(config.logs.systemLevel).toBe(stack === "prod" ? "WARN" : "INFO");
  });

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

  it.each(FUNCTIONS.filter((f) => f.role !== "step").map((f) => f.name))(
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

  it.each(FUNCTIONS.filter((f) => f.role === "step").map((f) => f.name))(
    "alarms on the %s step's throttles, not on its errors, which the workflow retries and catches",
    (name) => {
      expect(alarm(`${name}-throttles`)).toMatchObject({
        namespace: "AWS/Lambda",
        metricName: "Throttles",
        dimensions: { FunctionName: `tasklane-${stack}-${name}` },
        alarmActions: [topicArn],
      });
      expect(() => alarm(`${name}-errors`)).toThrow(`no resource named alarms-${name}-errors`);
    },
  );

  it.each([
    ["table-throttled-requests", "ThrottledRequests"],
    ["table-system-errors", "SystemErrors"],
  ])(
    "alarms on the tasks table's %s: the sum of %s over every operation the functions call",
    async (id, metricName) => {
      const tableName = await promiseOf(run.program.tableName);
      const operations = [...new Set(FUNCTIONS.flatMap((f): readonly string[] => f.table))];
      const inputs = alarm(id);
      const queries = inputs.metricQueries as {
        id: string;
        expression?: string;
        returnData: boolean;
        metric?: { namespace: string; metricName: string; dimensions: Record<string, string> };
      }[];
      const parts = queries.filter((q) => q.metric);

      expect(inputs, `alarms-${id}`).toMatchObject({
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        alarmActions: [topicArn],
        okActions: [topicArn],
      });
      expect(queries.filter((q) => q.returnData).map((q) => q.expression)).toEqual([
        `SUM([${parts.map((q) => `FILL(${q.id}, 0)`).join(", ")}])`,
      ]);
      expect(parts.map((q) => q.metric)).toEqual(
        operations.map((Operation) => ({
          namespace: "AWS/DynamoDB",
          metricName,
          dimensions: { TableName: tableName, Operation },
          stat: "Sum",
          period: 300,
        })),
      );
      expect(operations).toEqual(expect.arrayContaining(["GetItem", "UpdateItem", "Query"]));
    },
  );

  it("alarms when the resend sweep fails, so unsent tasks do not wait unseen", () => {
    expect(alarm("resend-unsent-errors")).toMatchObject({
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: `tasklane-${stack}-resend-unsent` },
      threshold: 0,
      alarmActions: [topicArn],
    });
  });

  it("notifies someone outside a dev stack, and subscribes exactly the configured address", () => {
    const subscriptions = run
      .ofType("aws:sns/topicSubscription:TopicSubscription")
      .map((s) => s.inputs);

    if (stack !== "dev") {
      expect(config.alarms.email ?? config.alarms.topicArn).toBeDefined();
    }
    expect(subscriptions).toEqual(
      config.alarms.email
        ? [{ topic: topicArn, protocol: "email", endpoint: config.alarms.email }]
        : [],
    );
  });

  it("shows queue depth, executions, errors and the tasks table on the dashboard", async () => {
    const tableName = await promiseOf(run.program.tableName);
    const body = json<{ widgets: { properties: { title: string; metrics: unknown[][] } }[] }>(
      run.named("alarmsDashboard").inputs.dashboardBody,
    );
    const titles = body.widgets.map((w) => w.properties.title);
    const metricsOf = (title: string) =>
      body.widgets.find((w) => w.properties.title === title)?.properties.metrics ?? [];

    expect(titles).toEqual(
      expect.arrayContaining([
        "Queue depth",
        "Executions",
        "Function errors",
        "Task table consumed capacity",
        "Task table throttles",
        "Task table system errors",
        "Task table latency (ms)",
      ]),
    );
    expect(metricsOf("Function errors")).toHaveLength(FUNCTIONS.length);
    expect(metricsOf("Task table consumed capacity").map((m) => m.slice(0, 4))).toEqual([
      ["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", tableName],
      ["AWS/DynamoDB", "ConsumedWriteCapacityUnits", "TableName", tableName],
    ]);
    for (const title of [
      "Task table throttles",
      "Task table system errors",
      "Task table latency (ms)",
    ]) {
      const metrics = metricsOf(title);
      expect(metrics.length, title).toBeGreaterThan(0);
      expect(
        metrics.every((m) => m[0] === "AWS/DynamoDB" && m[3] === tableName),
        title,
      ).toBe(true);
    }
  });
});

describe("who the alarms notify (tasklane:alarms)", () => {
  const topicArn = "arn:aws:sns:us-east-1:123456789012:platform-oncall";

  it("notifies an existing topic instead of creating one when alarms.topicArn is set", async () => {
    const run = await runProgram("prod", {
      "tasklane:alarms": { topicArn, oldestMessageAgeSeconds: 300 },
    });
    const alarms = run.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");

    expect(run.ofType("aws:sns/topic:Topic")).toEqual([]);
    expect(run.ofType("aws:sns/topicSubscription:TopicSubscription")).toEqual([]);
    expect(await promiseOf(run.program.alarmTopicArn)).toBe(topicArn);
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(alarm.inputs, alarm.name).toMatchObject({
        alarmActions: [topicArn],
        okActions: [topicArn],
      });
    }
  });

  it("stops a stack other than dev that names no one, naming both keys and the stack", async () => {
    await expect(
      runProgram("prod", { "tasklane:alarms": { oldestMessageAgeSeconds: 300 } }),
    ).rejects.toThrow(
      "stack `prod`: config key `tasklane:alarms.email` or `tasklane:alarms.topicArn` is required outside a dev stack",
    );
  });

  it("refuses a topic in another region than the stack's", async () => {
    await expect(
      runProgram("prod", {
        "tasklane:alarms": { topicArn: "arn:aws:sns:eu-west-1:123456789012:platform-oncall" },
      }),
    ).rejects.toThrow("TaskAlarms `alarms`: `topicArn` must name a topic in us-east-1");
  });

  it("subscribes alarms.email to the stack's own topic", async () => {
    const run = await runProgram("dev", {
      "tasklane:alarms": { email: "oncall@example.com" },
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
