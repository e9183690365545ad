import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { vi } from "vitest";
import { parse as parseYaml } from "yaml";

/** A resource the program asked for, with the inputs it gave. */
export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** `Pulumi.<stack>.yaml`'s config as `pulumi.runtime.allConfig()` presents it. */
export function stackConfigMap(stack: string, overrides: Record<string, unknown> = {}) {
  const file = fileURLToPath(new URL(`../../Pulumi.${stack}.yaml`, import.meta.url));
  const { config } = parseYaml(readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  const merged = { ...config, ...overrides };
  return Object.fromEntries(
    Object.entries(merged)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
}

/**
 * Loads the program under `pulumi.runtime.setMocks` with a stack's config, recording every
 * resource. A fresh module graph each time, so each stack gets its own program run.
 */
export async function runProgram(stack: string, configOverrides: Record<string, unknown> = {}) {
  const resources: RecordedResource[] = [];
  pulumi.runtime.setAllConfig(stackConfigMap(stack, configOverrides));
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        return {
          id: `${args.name}-id`,
          state: { ...args.inputs, arn: `arn:aws:mock:::${args.name}` },
        };
      },
      call(args) {
        return args.inputs;
      },
    },
    "tasklane",
    stack,
    false,
  );
  vi.resetModules();
  const program = await import("../index.js");
  return { program, resources };
}

/** Awaits an Output's value; the test fails rather than passing silently on an unknown. */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}
