import { describe, expect, it } from "vitest";
import { runProgram } from "./pulumiMocks.js";

describe.each(["dev", "prod"])("the %s stack", (stack) => {
  it("loads under mocks with its config", async () => {
    const { program } = await runProgram(stack);

    expect(program.stack).toBe(stack);
    expect(program.owner).toBe("platform-team");
    expect(program.queueSettings.maxReceiveCount).toBeGreaterThanOrEqual(5);
    // Six times the consumer's 30 s timeout, plus the batching window (0 s in dev, 1 s in prod).
    expect(program.queueSettings.visibilityTimeoutSeconds).toBe(stack === "dev" ? 180 : 181);
  });
});

describe("a bad config value", () => {
  it("stops the program with a message naming the key and the stack", async () => {
    await expect(runProgram("prod", { "tasklane:queue": { maxReceiveCount: 2 } })).rejects.toThrow(
      "stack `prod`: config key `tasklane:queue.maxReceiveCount`",
    );
  });

  it("stops the program when a required key is missing", async () => {
    await expect(runProgram("dev", { "tasklane:owner": undefined })).rejects.toThrow(
      "config key `tasklane:owner` is required",
    );
  });
});
