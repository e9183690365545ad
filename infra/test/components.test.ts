import type * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { ComponentArgsError } from "../components/errors.js";
import { TaskAlarms } from "../components/taskAlarms.js";
import { routeSourcePath, TaskApi } from "../components/taskApi.js";
import { TaskFunction } from "../components/taskFunction.js";
import { TaskQueue } from "../components/taskQueue.js";
import { TaskSchedule } from "../components/taskSchedule.js";
import { TaskStorage } from "../components/taskStorage.js";
import { TaskWorkflow, type WorkflowSteps } from "../components/taskWorkflow.js";

const ref = { project: "tasklane", stack: "test" };
const fn = {} as aws.lambda.Function;
const functionArgs = {
  ref,
  functionName: "ingest",
  description: "",
  code: { zipPath: "ingest.zip", sha256Base64: "" },
};
const workflowArgs = { ref, steps: {} as WorkflowSteps };
const alarmsArgs = {
  ref,
  region: "us-east-1",
  queueName: "q",
  deadLetterQueueName: "d",
  stateMachineArn: "arn",
  functions: { ingest: "f" },
  apiId: "a",
  table: { name: "t", operations: ["GetItem"] },
};

// Arguments are validated before anything is registered, so no mocks are needed here.
describe.each([
  {
    build: () => new TaskQueue("tasks", { ref, visibilityTimeoutSeconds: 180, maxReceiveCount: 3 }),
    message: "TaskQueue `tasks`: `maxReceiveCount` must be at least 5",
  },
  {
    build: () =>
      new TaskQueue("tasks", {
        ref,
        visibilityTimeoutSeconds: 180,
        retentionSeconds: 86_400,
        dlqRetentionSeconds: 3_600,
      }),
    message: "TaskQueue `tasks`: `dlqRetentionSeconds` must be longer than retentionSeconds",
  },
  {
    build: () => new TaskQueue("tasks", { ref, visibilityTimeoutSeconds: 50_000 }),
    message: "TaskQueue `tasks`: `visibilityTimeoutSeconds` must be 0 to 43200",
  },
  {
    build: () => new TaskStorage("storage", { ref, retain: true, forceDestroy: true }),
    message: "TaskStorage `storage`: `forceDestroy` cannot be true for retained buckets",
  },
  {
    build: () => new TaskStorage("storage", { ref, payloadExpirationDays: 0 }),
    message: "TaskStorage `storage`: `payloadExpirationDays` must be a whole number of days",
  },
  {
    build: () =>
      new TaskFunction("ingest", {
        ...functionArgs,
        timeoutSeconds: 901,
      }),
    message: "TaskFunction `ingest`: `timeoutSeconds` must be a whole number from 1 to 900",
  },
  {
    build: () =>
      new TaskFunction("ingest", {
        ...functionArgs,
        environment: { AWS_REGION: "eu-west-1" },
      }),
    message: "TaskFunction `ingest`: `environment.AWS_REGION` is not a name a function may set",
  },
  {
    build: () =>
      new TaskFunction("ingest", {
        ...functionArgs,
        logRetentionDays: 10,
      }),
    message: "TaskFunction `ingest`: `logRetentionDays` must be one of 1, 3, 5, 7, 14",
  },
  {
    build: () =>
      new TaskFunction("ingest", {
        ...functionArgs,
        systemLogLevel: "DEBUG" as "INFO",
      }),
    message: "TaskFunction `ingest`: `systemLogLevel` must be INFO or WARN",
  },
  {
    build: () =>
      new TaskWorkflow("workflow", {
        ...workflowArgs,
        stepTimeoutSeconds: 905,
        executionTimeoutSeconds: 600,
      }),
    message:
      "TaskWorkflow `workflow`: `executionTimeoutSeconds` must be longer than stepTimeoutSeconds (905)",
  },
  {
    build: () =>
      new TaskWorkflow("workflow", {
        ...workflowArgs,
        stepTimeoutSeconds: 65,
        taskRetry: { maxAttempts: 10, intervalSeconds: 30, backoffRate: 2, maxDelaySeconds: 600 },
      }),
    message:
      "TaskWorkflow `workflow`: `express` cannot be true: no task fits an Express workflow with these retries",
  },
  {
    build: () => new TaskApi("api", { ref, routes: [], auth: "iam" }),
    message: "TaskApi `api`: `routes` must name at least one route",
  },
  {
    build: () =>
      new TaskApi("api", {
        ref,
        routes: [{ routeKey: "FETCH /tasks", handler: "status", function: fn }],
      }),
    message: 'TaskApi `api`: `routes[0].routeKey` must be "METHOD /path" or "$default"',
  },
  {
    build: () =>
      new TaskApi("api", {
        ref,
        routes: [{ routeKey: "GET /tasks", handler: "status", function: fn }],
        auth: "jwt",
      }),
    message: "TaskApi `api`: `jwt` is required when auth is jwt",
  },
  {
    build: () => new TaskAlarms("alarms", { ...alarmsArgs, email: "not an address" }),
    message: "TaskAlarms `alarms`: `email` must be an email address",
  },
  {
    build: () =>
      new TaskAlarms("alarms", {
        ...alarmsArgs,
        email: "oncall@example.com",
        topicArn: "arn:aws:sns:us-east-1:123456789012:oncall",
      }),
    message: "TaskAlarms `alarms`: `email` cannot be given with topicArn",
  },
  {
    build: () =>
      new TaskAlarms("alarms", {
        ...alarmsArgs,
        topicArn: "arn:aws:sns:us-east-1:123456789012:oncall.fifo",
      }),
    message: "TaskAlarms `alarms`: `topicArn` must be the ARN of a standard SNS topic",
  },
  {
    build: () => new TaskAlarms("alarms", { ...alarmsArgs, workflowSteps: ["create-task"] }),
    message: "TaskAlarms `alarms`: `workflowSteps` names no watched function: create-task",
  },
  {
    build: () =>
      new TaskApi("api", {
        ref,
        routes: [{ routeKey: "GET /tasks", handler: "status", function: fn }],
        auth: "iam",
        jwt: { issuer: "https://auth.example.com/", audience: ["tasklane"] },
      }),
    message: "TaskApi `api`: `jwt` is only used when auth is jwt, not iam",
  },
  {
    build: () =>
      new TaskAlarms("alarms", { ...alarmsArgs, table: { name: "t", operations: ["getitem"] } }),
    message:
      "TaskAlarms `alarms`: `table.operations` must name DynamoDB operations (GetItem, Query, ...), not getitem",
  },
  {
    build: () =>
      new TaskSchedule("resendUnsentSchedule", {
        ref,
        functionName: "resend-unsent",
        function: fn,
        everyMinutes: 0.5,
      }),
    message:
      "TaskSchedule `resendUnsentSchedule`: `everyMinutes` must be a whole number of minutes, at least 1",
  },
])("a component given a bad argument", ({ build, message }) => {
  it(`stops with: ${message}`, () => {
    expect(build).toThrow(ComponentArgsError);
    expect(build).toThrow(message);
  });
});

describe("the execute-api path a route's invoke permission names", () => {
  it.each([
    ["POST /tasks", "*/POST/tasks"],
    ["GET /tasks/{id}", "*/GET/tasks/*"],
    ["POST /tasks/{id}/retry", "*/POST/tasks/*/retry"],
    ["$default", "*/$default"],
  ])("is %s -> %s", (routeKey, path) => {
    expect(routeSourcePath(routeKey)).toBe(path);
  });
});
