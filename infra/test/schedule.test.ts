import { FUNCTIONS } from "@tasklane/stack-config";
import { describe, expect, it } from "vitest";
import { rateExpression } from "../components/taskSchedule.js";
import { componentName, describeEachStack } from "./pulumiMocks.js";

const scheduled = FUNCTIONS.filter((f) => f.role === "schedule");

describeEachStack("scheduled functions of the %s stack", ({ stack, config, run }) => {
  it("runs resend-unsent every minute, and no other function on a schedule", () => {
    const rules = run.ofType("aws:cloudwatch/eventRule:EventRule");

    expect(scheduled.map((f) => f.name)).toEqual(["resend-unsent"]);
    expect(rules.map((r) => [r.name, r.inputs.scheduleExpression])).toEqual([
      ["resendUnsentScheduleRule", "rate(1 minute)"],
    ]);
  });

  it.each(scheduled.map((f) => f.name))(
    "points the %s rule at that function, which EventBridge may invoke for that rule only",
    (name) => {
      const id = componentName(name);
      const rule = run.named(`${id}ScheduleRule`).inputs;
      const ruleArn = `arn:aws:events:us-east-1:123456789012:rule/${rule.name}`;
      const functionArn = `arn:aws:lambda:us-east-1:123456789012:function:tasklane-${stack}-${name}`;

      expect(rule.name).toBe(`tasklane-${stack}-${name}`);
      expect(run.named(`${id}ScheduleTarget`).inputs).toMatchObject({
        rule: rule.name,
        arn: functionArn,
      });
      expect(run.named(`${id}SchedulePermission`).inputs).toEqual({
        action: "lambda:InvokeFunction",
        function: `tasklane-${stack}-${name}`,
        principal: "events.amazonaws.com",
        sourceArn: ruleArn,
      });
      expect(
        run
          .ofType("aws:lambda/permission:Permission")
          .filter((p) => p.inputs.principal === "events.amazonaws.com")
          .map((p) => p.inputs.sourceArn),
      ).toEqual([ruleArn]);
    },
  );

  it.each(scheduled.map((f) => f.name))(
    "sizes the %s function by the producer section and keeps its logs for the stack's retention",
    (name) => {
      const fn = run.named(`${componentName(name)}Function`).inputs;

      expect(fn.timeout).toBe(config.producer.timeoutSeconds);
      expect(fn.memorySize).toBe(config.producer.memoryMb);
      expect(run.named(`${componentName(name)}LogGroup`).inputs).toEqual({
        name: `/aws/lambda/tasklane-${stack}-${name}`,
        retentionInDays: config.logs.retentionDays,
      });
    },
  );
});

describe("the rate expression of a schedule", () => {
  it.each([
    [1, "rate(1 minute)"],
    [5, "rate(5 minutes)"],
    [60, "rate(60 minutes)"],
  ])("is %i minute(s) -> %s", (minutes, expression) => {
    expect(rateExpression(minutes)).toBe(expression);
  });
});
