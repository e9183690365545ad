import { type ParseArgsConfig, parseArgs } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

export type BenchArgs =
  | { exit: number }
  | {
      values: Record<string, string | boolean | undefined>;
      /** The named option as a whole number within bounds, or an error naming the option. */
      number(name: string, min: number, max: number): number;
      /** The named option's comma-separated names, trimmed, empty ones dropped. */
      list(name: string): string[];
      /** The named option, when given, if it is one of `allowed`, or an error naming the option. */
      choice<T extends string>(name: string, allowed: readonly T[]): T | undefined;
      /** The `runOptions` of a benchmark, read: at most `maxTasks` tasks, up to 64 in flight. */
      run(maxTasks: number): { tasks: number; concurrency: number; timeoutMs: number };
    };

/**
 * The options of a benchmark that pushes tasks through the local runtime: `--tasks`,
 * `--concurrency` (submissions in flight) and `--timeout` (seconds); `BenchArgs.run` reads them.
 */
export function runOptions(defaultTasks: number): Options {
  return {
    tasks: { type: "string", default: String(defaultTasks) },
    concurrency: { type: "string", default: "4" },
    timeout: { type: "string", default: "300" },
  };
}

/**
 * A benchmark's command line: its options plus `--json` and `--help`. Bad usage prints the
 * problem and the usage (exit 2); `--help` prints the usage (exit 0).
 */
export function readBenchArgs(
  command: string,
  usage: string,
  argv: readonly string[],
  options: Options,
): BenchArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        ...options,
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }) as { values: Record<string, string | boolean | undefined> });
  } catch (error) {
    process.stderr.write(`${command}: ${(error as Error).message}\n\n${usage}`);
    return { exit: 2 };
  }
  if (values.help) {
    process.stdout.write(usage);
    return { exit: 0 };
  }
  const number = (name: string, min: number, max: number): number => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
  return {
    values,
    number,
    list(name) {
      const value = values[name];
      if (typeof value !== "string") return [];
      return value
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
    },
    choice<T extends string>(name: string, allowed: readonly T[]): T | undefined {
      const value = values[name];
      if (value === undefined) return undefined;
      if (!allowed.includes(value as T)) {
        throw new Error(`--${name} must be ${allowed.join(" or ")}, not ${String(value)}`);
      }
      return value as T;
    },
    run(maxTasks) {
      return {
        tasks: number("tasks", 1, maxTasks),
        concurrency: number("concurrency", 1, 64),
        timeoutMs: number("timeout", 1, 86_400) * 1000,
      };
    },
  };
}
