import type * as z from "zod";
import type { FieldIssue } from "./errors.js";

/** Turns zod issues into `{ path, message }` pairs, with the path written `input.items[2].name`. */
export function fieldIssues(error: z.ZodError, root?: string): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath(root === undefined ? issue.path : [root, ...issue.path]),
    message: issue.message,
  }));
}

/** `a.b[0].c`, or `(root)` for an empty path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out === "" ? "(root)" : out;
}

/** One line per issue, for error messages: "`input.text`: expected string". */
export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((issue) => `\`${issue.path}\`: ${issue.message}`).join("; ");
}
