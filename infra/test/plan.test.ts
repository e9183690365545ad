import { FUNCTIONS } from "@tasklane/stack-config";
import { describe, expect, it } from "vitest";
import { formatPlan, shortType } from "../plan/formatPlan.js";
import { runProgram } from "./pulumiMocks.js";

describe("the offline plan", () => {
  it("lists every resource of the prod stack with its key settings, grouped by component", async () => {
    const { resources } = await runProgram("prod");

    const plan = formatPlan("prod", resources);
    const lines = plan.split("\n");

    expect(lines[0]).toBe(
      `Stack prod: ${resources.filter((r) => r.custom).length} resources to create (offline plan from the program under mocks; ids, ARNs and bucket suffixes are placeholders)`,
    );
    expect(lines).toContain("# tasklane:infra:TaskQueue tasks");
    expect(lines).toContain("# tasklane:infra:TaskTable table");
    expect(plan).toMatch(
      /aws:dynamodb:Table +tableTable +tasklane-prod-tasks +PAY_PER_REQUEST {2}key=id {2}indexes=byOwner\(KEYS_ONLY\),byTime\(KEYS_ONLY\),unsent\(KEYS_ONLY\) {2}ttl=expiresAt {2}encryption=kms {2}pitr {2}deletionProtection/,
    );
    expect(plan).toMatch(
      /aws:cloudwatch:EventRule +resendUnsentScheduleRule +tasklane-prod-resend-unsent +rate\(1 minute\)/,
    );
    expect(plan).toMatch(
      /aws:lambda:Permission +resendUnsentSchedulePermission +events\.amazonaws\.com from rule tasklane-prod-resend-unsent/,
    );
    // One series per table operation some function calls (DynamoDB reports them per operation).
    const operations = new Set(FUNCTIONS.flatMap((f) => f.table)).size;
    expect(plan).toMatch(
      new RegExp(
        `aws:cloudwatch:MetricAlarm +alarms-table-throttled-requests +\\S+ +AWS/DynamoDB ThrottledRequests Sum summed over ${operations} series > 0 over 300s`,
      ),
    );
    expect(plan).toMatch(
      /aws:sqs:Queue +tasksQueue +tasklane-prod-tasks +visibility=181s {2}retention=345600s {2}maxMessage=262144B {2}encryption=kms {2}maxReceiveCount=5/,
    );
    expect(plan).toMatch(
      /aws:s3:Bucket +storageResultsBucket +tasklane-prod-results-\* +.*protect {2}retainOnDelete/,
    );
    expect(plan).toMatch(
      /aws:apigatewayv2:Route +apiRoute-POST-tasks +POST \/tasks {2}auth=AWS_IAM/,
    );
    expect(plan).toMatch(
      /aws:sfn:StateMachine +workflowStateMachine +tasklane-prod-workflow +STANDARD {2}logs=ERROR {2}tracing=on/,
    );
    expect(plan).toMatch(
      /aws:lambda:EventSourceMapping .*batch=10 {2}window=1s {2}maxConcurrency=50 {2}ReportBatchItemFailures/,
    );
    for (const resource of resources.filter((r) => r.custom)) {
      expect(plan, resource.name).toMatch(
        new RegExp(`${shortType(resource.type)} +${resource.name.replace(/\$/g, "\\$")}\\b`),
      );
    }
  });

  it("shortens type tokens the way a preview prints them", () => {
    expect(shortType("aws:sqs/queue:Queue")).toBe("aws:sqs:Queue");
    expect(shortType("pulumi:providers:aws")).toBe("pulumi:providers:aws");
    expect(shortType("tasklane:infra:TaskQueue")).toBe("tasklane:infra:TaskQueue");
  });
});
