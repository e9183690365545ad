import { FUNCTION_ENV, FUNCTIONS, stackConfigSchema } from "@tasklane/stack-config";
import { describe, expect, it } from "vitest";
import { type HandlerEnvironmentInput, handlerEnvironment } from "../src/index.js";

const config = stackConfigSchema.parse({
  owner: "test",
  storage: { resultExpirationDays: 30 },
  api: {
    auth: "jwt",
    jwt: { issuer: "https://issuer.example/", audience: ["tasklane"] },
    operators: {
      principals: ["arn:aws:iam::000000000000:role/operator"],
      jwtScope: "tasklane/operator",
    },
  },
});

const input: HandlerEnvironmentInput = {
  region: "eu-west-1",
  fauxqsPort: 4566,
  stepFunctionsUrl: "http://127.0.0.1:4567",
  dynamodbUrl: "http://127.0.0.1:4568",
  tableName: "tasklane-dev-tasks",
  queueUrl: "http://sqs.eu-west-1.localhost:4566/000000000000/tasklane-dev-tasks",
  stateMachineArn: "arn:aws:states:eu-west-1:000000000000:stateMachine:tasklane-dev-workflow",
  express: {
    stateMachineArn:
      "arn:aws:states:eu-west-1:000000000000:stateMachine:tasklane-dev-workflow-express",
    bounds: { taskRetry: config.workflow.taskRetry, stepTimeoutSeconds: 65 },
  },
  buckets: { payloads: "tasklane-dev-payloads", results: "tasklane-dev-results" },
  config,
  handlerLogLevel: "WARN",
};

describe("the handlers' environment", () => {
  it("points the SDK's DynamoDB endpoint at dynalite and names the table, its expiry and the operators", () => {
    // Act
    const env = handlerEnvironment(input);

    // Assess
    expect(env).toMatchObject({
      AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:4568",
      AWS_ENDPOINT_URL_SFN: "http://127.0.0.1:4567",
      AWS_ENDPOINT_URL_SQS: "http://sqs.eu-west-1.localhost:4566",
      AWS_ENDPOINT_URL_S3: "http://s3.localhost:4566",
      [FUNCTION_ENV.tableName]: "tasklane-dev-tasks",
      [FUNCTION_ENV.resultExpirationDays]: "30",
    });
    expect(JSON.parse(env[FUNCTION_ENV.operators] ?? "")).toEqual({
      principals: ["arn:aws:iam::000000000000:role/operator"],
      jwtScope: "tasklane/operator",
    });
  });

  it("sets every variable some function of the catalog reads, and no other TASKLANE_ one", () => {
    // Prepare
    const read = new Set(FUNCTIONS.flatMap((spec) => spec.env.map((key) => FUNCTION_ENV[key])));

    // Act
    const env = handlerEnvironment(input);

    // Assess
    expect(new Set(Object.keys(env).filter((name) => name.startsWith("TASKLANE_")))).toEqual(read);
  });

  it("gives the consumer the Express state machine and the workflows' bounds, or neither when there is no Express workflow", () => {
    const withExpress = handlerEnvironment(input);
    const { express: _express, ...off } = input;
    const without = handlerEnvironment(off);

    expect(withExpress).toMatchObject({
      [FUNCTION_ENV.expressStateMachineArn]: input.express?.stateMachineArn,
      [FUNCTION_ENV.workflowBounds]: JSON.stringify(input.express?.bounds),
    });
    expect(without).not.toHaveProperty(FUNCTION_ENV.expressStateMachineArn);
    expect(without).not.toHaveProperty(FUNCTION_ENV.workflowBounds);
    expect(without[FUNCTION_ENV.stateMachineArn]).toBe(input.stateMachineArn);
  });

  it("leaves out a variable no function lists any more", () => {
    // Act
    const env = handlerEnvironment({ ...input, functions: [{ env: ["tableName", "queueUrl"] }] });

    // Assess
    expect(
      Object.keys(env)
        .filter((name) => name.startsWith("TASKLANE_"))
        .sort(),
    ).toEqual([FUNCTION_ENV.queueUrl, FUNCTION_ENV.tableName]);
  });
});
