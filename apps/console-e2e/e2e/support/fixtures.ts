import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";
import { createTasklaneClient, type TaskResource, type TaskStatus } from "@tasklane/api-client";
import { queueDepth } from "@tasklane/dead-letters";
import { type E2eEnv, readE2eEnv } from "./e2eEnv.js";

/** Where the README's screenshots are, written when TASKLANE_UPDATE_SCREENSHOTS=1. */
const DOCS_IMAGES = fileURLToPath(new URL("../../../../docs/images/", import.meta.url));

/** What the tests do to the runtime directly, around what they do in the page. */
export interface Runtime {
  env: E2eEnv;
  submit(type: string, input: unknown): Promise<string>;
  waitForStatus(id: string, status: TaskStatus, timeoutMs?: number): Promise<TaskResource>;
  /** Makes the local Step Functions endpoint refuse every call (`unavailable`), or work again. */
  setOutage(mode: "unavailable" | undefined): Promise<void>;
  sendToDlq(body: string): Promise<void>;
  waitForDlqDepth(depth: number, timeoutMs?: number): Promise<void>;
}

export const test = base.extend<{ runtime: Runtime }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from its first parameter's pattern
  baseURL: async ({}, use) => {
    await use(readE2eEnv().consoleUrl);
  },
  // biome-ignore lint/correctness/noEmptyPattern: as above
  runtime: async ({}, use) => {
    const env = readE2eEnv();
    const api = createTasklaneClient({ apiUrl: env.apiUrl });
    const sqs = new SQSClient({
      region: env.region,
      endpoint: env.sqsEndpoint,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    const dlqDepth = async () => {
      const { visible, inFlight } = await queueDepth(sqs, env.dlqUrl);
      return visible + inFlight;
    };
    await use({
      env,
      async submit(type, input) {
        return (await api.submitTask({ type, input })).id;
      },
      async waitForStatus(id, status, timeoutMs = 20_000) {
        let task: TaskResource | undefined;
        const read = async () => {
          task = await api.getTask(id);
          return task.status;
        };
        await expect.poll(read, { timeout: timeoutMs }).toBe(status);
        return task as TaskResource;
      },
      async setOutage(mode) {
        await fetch(`${env.controlUrl}/outage?mode=${mode ?? "none"}`, { method: "POST" });
      },
      async sendToDlq(body) {
        await sqs.send(new SendMessageCommand({ QueueUrl: env.dlqUrl, MessageBody: body }));
      },
      async waitForDlqDepth(depth, timeoutMs = 30_000) {
        await expect.poll(dlqDepth, { timeout: timeoutMs, intervals: [250] }).toBe(depth);
      },
    });
    sqs.destroy();
  },
});

export { expect };

/**
 * Fails with every serious or critical accessibility violation axe finds on the page (WCAG 2.1
 * A and AA rules), each with the elements it is about.
 */
export async function expectNoSeriousViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.impact}: ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    );
  expect(serious, serious.join("\n")).toEqual([]);
}

/**
 * A screenshot of the page for the README (`docs/images/console-<name>.png`) when
 * TASKLANE_UPDATE_SCREENSHOTS=1; otherwise kept with the test's results only, so a test run
 * leaves the working tree as it was.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  // Times and ids differ from run to run; the caret and the pulse would too.
  const options = { fullPage: true, animations: "disabled" as const, caret: "hide" as const };
  if (process.env.TASKLANE_UPDATE_SCREENSHOTS === "1") {
    await mkdir(DOCS_IMAGES, { recursive: true });
    await page.screenshot({ ...options, path: `${DOCS_IMAGES}console-${name}.png` });
  }
  await test.info().attach(`console-${name}`, {
    body: await page.screenshot(options),
    contentType: "image/png",
  });
}
