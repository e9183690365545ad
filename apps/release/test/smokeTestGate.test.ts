import { TasklaneApiError } from "@tasklane/api-client";
import { describe, expect, it } from "vitest";
import { smokeTestGate } from "../src/gates/smokeTestGate.js";
import { fakeSmokeApi, promotionOf, releaseOf } from "./helpers/fakes.js";

const release = releaseOf("current");
const options = { enabled: true, timeoutSeconds: 30, pollIntervalMs: 1 };

describe("gate 4: smoke test against the source stack", () => {
  it("passes when an echo task submitted to the source's API succeeds with its input", async () => {
    const smoke = fakeSmokeApi();

    const outcome = await smokeTestGate(promotionOf(release), smoke.factory, options).check();

    expect(outcome).toMatchObject({ status: "passed" });
    expect(outcome.summary).toMatch(/^echo task 0190a1b2-\S+ succeeded on dev in \d+\.\d s$/);
    expect(smoke.urls).toEqual(["https://abc123.execute-api.us-east-1.amazonaws.com"]);
    expect(smoke.submitted).toEqual([
      {
        type: "echo",
        input: { smokeTest: `pnpm promote ${release.commit}`, at: expect.any(String) },
      },
    ]);
  });

  it.each([
    ["failed", { name: "TaskPermanentError", message: "boom" }],
    ["cancelled", undefined],
  ] as const)("fails when the task ends %s, with the task's error", async (status, error) => {
    const smoke = fakeSmokeApi({ status, ...(error ? { error } : {}) });

    const outcome = await smokeTestGate(promotionOf(release), smoke.factory, options).check();

    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.summary).toBe(
      `the echo task 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b ended ${status}`,
    );
    expect(outcome.details).toEqual(error ? ["TaskPermanentError: boom"] : undefined);
    expect(outcome.remedy[0]).toContain(
      "GET https://abc123.execute-api.us-east-1.amazonaws.com/tasks/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
    );
  });

  it("fails when the task succeeds without returning its input", async () => {
    const outcome = await smokeTestGate(
      promotionOf(release),
      fakeSmokeApi({ output: { something: "else" } }).factory,
      options,
    ).check();

    expect(outcome.status === "failed" && outcome.summary).toContain("did not return its input");
  });

  it("fails with what to check when the API refuses the call", async () => {
    const denied = new TasklaneApiError(403, undefined, "POST /tasks answered 403");

    const outcome = await smokeTestGate(
      promotionOf(release),
      fakeSmokeApi({ submitError: denied }).factory,
      options,
    ).check();

    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.details).toEqual(["POST /tasks answered 403"]);
    expect(outcome.remedy[0]).toContain("execute-api:Invoke");
  });

  it("fails when the source stack has no apiUrl output", async () => {
    const { sourceApiUrl: _none, ...withoutUrl } = promotionOf(release);

    const outcome = await smokeTestGate(withoutUrl, fakeSmokeApi().factory, options).check();

    expect(outcome.status === "failed" && outcome.remedy[0]).toContain("--skip-smoke-test");
  });

  it("is skipped with --skip-smoke-test, calling nothing", async () => {
    const smoke = fakeSmokeApi();

    const outcome = await smokeTestGate(promotionOf(release), smoke.factory, {
      ...options,
      enabled: false,
    }).check();

    expect(outcome).toEqual({ status: "skipped", summary: "skipped (--skip-smoke-test)" });
    expect(smoke.urls).toEqual([]);
  });

  it("is skipped for a rollback to a release the source no longer runs", async () => {
    const smoke = fakeSmokeApi();

    const outcome = await smokeTestGate(
      promotionOf(releaseOf("previous"), { rollback: true, sourceRelease: release }),
      smoke.factory,
      options,
    ).check();

    expect(outcome.status).toBe("skipped");
    expect(smoke.urls).toEqual([]);
  });
});
