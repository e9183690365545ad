import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resourceName, type StackRef } from "@tasklane/stack-config";
import { ComponentArgsError } from "./errors.js";

/** EventBridge's limit on a rule's name. */
const RULE_NAME_MAX_LENGTH = 64;

export interface TaskScheduleArgs {
  /** The stack the schedule belongs to; the rule's physical name derives from it. */
  ref: StackRef;
  /**
   * Short name of the function it runs (the catalog's name): the last part of the rule's name.
   * @example "resend-unsent"
   */
  functionName: string;
  /** The function the rule invokes (asynchronously, with an empty scheduled event). */
  function: aws.lambda.Function;
  /**
   * How often the function runs, in whole minutes.
   * @example 1
   */
  everyMinutes: number;
}

/**
 * Runs one function on a fixed rate: an EventBridge rule (`rate(N minutes)`), its target, and
 * the invoke permission, which names that rule only.
 *
 * @example
 * ```ts
 * new TaskSchedule("resendUnsentSchedule", {
 *   ref,
 *   functionName: "resend-unsent",
 *   function: resendUnsent.function,
 *   everyMinutes: 1,
 * });
 * ```
 */
export class TaskSchedule extends pulumi.ComponentResource {
  readonly rule: aws.cloudwatch.EventRule;
  readonly target: aws.cloudwatch.EventTarget;
  readonly permission: aws.lambda.Permission;

  constructor(name: string, args: TaskScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate first: a mistake stops the program before anything is registered.
    normalizeArgs(name, args);
    super("tasklane:infra:TaskSchedule", name, {}, opts);

    this.rule = new aws.cloudwatch.EventRule(
      `${name}Rule`,
      {
        name: resourceName(args.ref, args.functionName, RULE_NAME_MAX_LENGTH),
        description: `Runs the ${args.functionName} function at ${rateExpression(args.everyMinutes)}`,
        scheduleExpression: rateExpression(args.everyMinutes),
      },
      { parent: this },
    );

    this.permission = new aws.lambda.Permission(
      `${name}Permission`,
      {
        action: "lambda:InvokeFunction",
        function: args.function.name,
        principal: "events.amazonaws.com",
        sourceArn: this.rule.arn,
      },
      { parent: this },
    );

    this.target = new aws.cloudwatch.EventTarget(
      `${name}Target`,
      { rule: this.rule.name, arn: args.function.arn },
      // The first scheduled invocation finds the permission in place.
      { parent: this, dependsOn: [this.permission] },
    );

    this.registerOutputs({ ruleArn: this.rule.arn });
  }
}

/** EventBridge's rate expression: `rate(1 minute)`, `rate(5 minutes)` (the unit must agree). */
export function rateExpression(minutes: number): string {
  return `rate(${minutes} ${minutes === 1 ? "minute" : "minutes"})`;
}

function normalizeArgs(name: string, args: TaskScheduleArgs): void {
  if (!Number.isInteger(args.everyMinutes) || args.everyMinutes < 1) {
    throw new ComponentArgsError(
      "TaskSchedule",
      name,
      "everyMinutes",
      "must be a whole number of minutes, at least 1",
    );
  }
  if (!/^[a-z0-9-]+$/.test(args.functionName)) {
    throw new ComponentArgsError(
      "TaskSchedule",
      name,
      "functionName",
      "must be lower-case letters, digits and dashes",
    );
  }
}
