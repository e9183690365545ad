import * as pulumi from "@pulumi/pulumi";
import { fromPulumiConfig, parseStackConfig, type StackConfig } from "@tasklane/stack-config";

/**
 * The stack's `tasklane:*` config, validated. A missing or bad key stops the program before
 * any resource is planned, with a message naming the key and the stack.
 */
export function loadStackConfig(): StackConfig {
  const project = pulumi.getProject();
  const stack = pulumi.getStack();
  return parseStackConfig(fromPulumiConfig(pulumi.runtime.allConfig(), project), {
    project,
    stack,
  });
}
