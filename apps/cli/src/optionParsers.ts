import { TASK_STATUSES, type TaskStatus } from "@tasklane/api-client";
import { InvalidArgumentError } from "commander";

const AGE = /^(\d+)(s|m|h|d)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A commander parser for a whole number from `min` to `max`. */
export function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/** `--since`: an age (`90s`, `15m`, `1h`, `7d`) or an ISO 8601 timestamp, passed to the API as is. */
export function sinceValue(value: string): string {
  if (AGE.test(value)) return value;
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) return value;
  throw new InvalidArgumentError(
    "expected an age like 15m, 1h or 7d, or a timestamp like 2026-11-25T10:00:00Z",
  );
}

/** `--timeout`: a duration (`90s`, `15m`, `1h`) or a number of seconds; in milliseconds. */
export function durationMs(value: string): number {
  if (/^\d+$/.test(value)) return Number(value) * 1_000;
  const match = AGE.exec(value);
  if (!match) throw new InvalidArgumentError("expected a duration like 30s, 5m or 1h");
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** `--status failed` or `--status failed,cancelled`. */
export function statusList(value: string): TaskStatus[] {
  const statuses = value.split(",").map((s) => s.trim());
  const unknown = statuses.filter((s) => !(TASK_STATUSES as readonly string[]).includes(s));
  if (unknown.length > 0 || statuses.length === 0) {
    throw new InvalidArgumentError(
      `expected one or more of ${TASK_STATUSES.join(", ")}, comma-separated`,
    );
  }
  return statuses as TaskStatus[];
}

/** `--rate 5` or `--rate 5/s`: messages per second, more than 0. */
export function ratePerSecond(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(value.trim());
  const rate = match ? Number(match[1]) : Number.NaN;
  if (!(rate > 0)) throw new InvalidArgumentError("expected messages per second, like 5 or 5/s");
  return rate;
}

/** `--id a --id b,c` (repeatable, comma-separated): the collected ids. */
export function collectIds(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((id) => id.trim())
      .filter(Boolean),
  ];
}
