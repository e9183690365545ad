import { describe, expect, it } from "vitest";
import {
  classifyError,
  EnvelopeError,
  ERROR_NAMES,
  TaskInputError,
  TasklaneError,
  TaskPermanentError,
  TaskRetryableError,
} from "../src/index.js";

describe("Tasklane's errors", () => {
  it("take Error's arguments: a task's own error keeps its cause", () => {
    const cause = new Error("socket hang up");

    const error = new TaskRetryableError("renderer is busy", { cause });

    expect(error.message).toBe("renderer is busy");
    expect(error.cause).toBe(cause);
    expect(error.issues).toEqual([]);
    expect(error.name).toBe(ERROR_NAMES.retryable);
    expect(error).toBeInstanceOf(TasklaneError);
  });

  it("carry the failing fields when given, and their names through the class chain", () => {
    const issues = [{ path: "input.text", message: "required" }];

    const error = new TaskInputError("input does not match", { issues });

    expect(error.issues).toEqual(issues);
    expect(error.name).toBe(ERROR_NAMES.input);
    // A task input error is permanent: the workflow sends it straight to MarkFailed.
    expect(error).toBeInstanceOf(TaskPermanentError);
    expect(new EnvelopeError("bad", { issues }).issues).toEqual(issues);
  });

  it("wrap a transient AWS error as retryable, keeping the original as the cause", () => {
    const throttled = Object.assign(new Error("Rate exceeded"), {
      name: "ThrottlingException",
      $metadata: { httpStatusCode: 400 },
      $retryable: { throttling: true },
    });

    const classified = classifyError(throttled);

    expect(classified).toBeInstanceOf(TaskRetryableError);
    expect(classified.message).toBe("ThrottlingException: Rate exceeded");
    expect(classified.cause).toBe(throttled);
  });
});
