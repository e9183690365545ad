import { type ParseArgsConfig, parseArgs } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

export type BenchArgs =
  | { exit: number }
  | {
      values: Record<string, string | boolean | undefined>;
      /** The named option as a whole number within bounds, or an error naming the option. */
      number(name: string, min: number, max: number): number;
    };

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
  return {
    values,
    number(name, min, max) {
      const n = Number(values[name]);
      if (!Number.isInteger(n) || n < min || n > max) {
        throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
      }
      return n;
    },
  };
}
