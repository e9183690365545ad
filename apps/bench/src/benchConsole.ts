import { readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { chromium, type Page } from "@playwright/test";
import { createTasklaneClient, type TasklaneClient } from "@tasklane/api-client";
import { DEFAULT_APP_DIR, startConsoleServer } from "@tasklane/console";
import { startLocalRuntime } from "@tasklane/local";
import { chromiumLaunchOptions } from "@tasklane/test-support";

/**
 * `pnpm bench:console`: how fast the console shows what happens, against the local runtime with
 * `Pulumi.dev.yaml`'s settings and the built bundles, in headless Chromium.
 *
 * 1. Lag: `--lag-tasks` `sleep` tasks are submitted, one every half second, while the Tasks page
 *    is open. A MutationObserver in the page stamps when each row first shows and when it shows
 *    a final status; the lags are from the API's 202 and from the task's own `finishedAt`.
 * 2. First page: `--tasks` echo tasks go in through `POST /tasks/batch`, 100 a request; then the
 *    Tasks page is opened afresh several times, from navigation to the first row drawn, while
 *    the runtime works through them and again once it has.
 * 3. The page's JavaScript, gzipped, as the build wrote it.
 */

interface Options {
  lagTasks: number;
  tasks: number;
  json: boolean;
}

/** Stamps rows as they appear and as their status turns final, in the page's own clock. */
const ROW_OBSERVER = `
  window.__rows = {};
  const stamp = () => {
    for (const row of document.querySelectorAll("tr[data-task-id]")) {
      const id = row.dataset.taskId;
      const seen = (window.__rows[id] ??= { shownAt: Date.now() });
      const status = row.dataset.status;
      if (!seen.finalAt && (status === "succeeded" || status === "failed" || status === "cancelled")) {
        seen.finalAt = Date.now();
        seen.status = status;
      }
    }
  };
  new MutationObserver(stamp).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
  stamp();
`;

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { lagTasks: 20, tasks: 10_000, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${arg} needs a whole number`);
      return n;
    };
    if (arg === "--lag-tasks") options.lagTasks = value();
    else if (arg === "--tasks") options.tasks = value();
    else if (arg === "--json") options.json = true;
    else if (arg === "--") continue;
    else throw new Error(`unknown option ${arg}; options: --lag-tasks n, --tasks n, --json`);
  }
  return options;
}

function stats(values: readonly number[]): { median: number; max: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 0
      ? ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
      : (sorted[mid] ?? 0);
  return { median, max: sorted.at(-1) ?? 0, n: sorted.length };
}

const ms = (s: { median: number; max: number; n: number }) =>
  `median ${Math.round(s.median)} ms, max ${Math.round(s.max)} ms (n = ${s.n})`;

async function measureLag(page: Page, api: TasklaneClient, count: number) {
  await page.goto("/tasks");
  await page.waitForSelector("p.live");
  await page.evaluate(ROW_OBSERVER);
  const accepted = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const { id } = await api.submitTask({ type: "sleep", input: { seconds: 1 } });
    accepted.set(id, Date.now());
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const ids = [...accepted.keys()];
  const deadline = Date.now() + 120_000;
  let rows: Record<string, { shownAt: number; finalAt?: number }> = {};
  while (Date.now() < deadline) {
    rows = await page.evaluate("window.__rows");
    if (ids.every((id) => rows[id]?.finalAt !== undefined)) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const appear: number[] = [];
  const final: number[] = [];
  for (const id of ids) {
    const row = rows[id];
    if (!row?.finalAt) throw new Error(`task ${id} never showed a final status on the page`);
    const task = await api.getTask(id);
    appear.push(row.shownAt - (accepted.get(id) ?? 0));
    final.push(row.finalAt - Date.parse(task.finishedAt ?? task.updatedAt));
  }
  return { appear: stats(appear), final: stats(final) };
}

async function submitMany(api: TasklaneClient, count: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const size = Math.min(100, count - next);
      next += size;
      const result = await api.submitBatch(
        Array.from({ length: size }, (_, i) => ({ type: "echo", input: { n: next - size + i } })),
      );
      if (result.rejected > 0) throw new Error(`${result.rejected} tasks of a batch were rejected`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return (performance.now() - started) / 1000;
}

async function firstPageTimes(page: Page, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await page.goto("about:blank");
    const started = Date.now();
    await page.goto("/tasks", { waitUntil: "commit" });
    await page.waitForSelector("tbody tr[data-task-id]");
    times.push(Date.now() - started);
  }
  return times;
}

async function appScriptSize(): Promise<{ bytes: number; gzipBytes: number }> {
  const js = await readFile(`${DEFAULT_APP_DIR}app.js`);
  return { bytes: js.length, gzipBytes: gzipSync(js, { level: 9 }).length };
}

export async function main(argv: readonly string[]): Promise<number> {
  const options = parseArgs(argv);
  const log = (line: string) => {
    if (!options.json) console.log(line);
  };
  const runtime = await startLocalRuntime({ port: 0, handlerLogLevel: "SILENT" });
  const server = await startConsoleServer({
    target: {
      apiUrl: runtime.apiUrl,
      region: runtime.region,
      queueUrl: runtime.queueUrl,
      dlqUrl: runtime.dlqUrl,
      sqsEndpoint: runtime.fauxqsUrl,
      description: "the benchmark's local runtime",
    },
  });
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage({
      baseURL: server.url,
      viewport: { width: 1280, height: 900 },
    });
    const api = createTasklaneClient({ apiUrl: runtime.apiUrl });
    log(`console ${server.url} on the local runtime ${runtime.apiUrl} (stack ${runtime.stack})`);

    log(`lag: ${options.lagTasks} sleep tasks of 1 s, one every 0.5 s, with the Tasks page open`);
    const lag = await measureLag(page, api, options.lagTasks);
    log(`  submitted (202) -> row on the page:      ${ms(lag.appear)}`);
    log(`  finished (finishedAt) -> final status:   ${ms(lag.final)}`);

    log(
      `first page: submitting ${options.tasks} echo tasks through POST /tasks/batch, 100 a request`,
    );
    const submitSeconds = await submitMany(api, options.tasks);
    log(`  submitted in ${submitSeconds.toFixed(1)} s`);
    const busy = stats(await firstPageTimes(page, 5));
    log(`  first page, while the runtime works through them: ${ms(busy)}`);
    const drained = await waitForDrain(runtime, 300_000);
    const rest = drained ? stats(await firstPageTimes(page, 5)) : undefined;
    log(
      rest
        ? `  first page, ${options.tasks} tasks done:              ${ms(rest)}`
        : "  (the runtime did not finish them within 5 minutes; no figure at rest)",
    );

    const size = await appScriptSize();
    log(
      `app.js: ${(size.bytes / 1024).toFixed(1)} KiB, ${(size.gzipBytes / 1024).toFixed(1)} KiB gzipped (budget 150 KiB)`,
    );

    if (options.json) {
      console.log(
        JSON.stringify(
          {
            lagMs: lag,
            tasks: options.tasks,
            submitSeconds,
            firstPageMs: { busy, rest },
            appJs: size,
          },
          null,
          2,
        ),
      );
    }
    return 0;
  } finally {
    await browser.close();
    await server.stop();
    await runtime.stop();
  }
}

/** Waits until the tasks queue has held nothing for a few seconds: every task has started. */
async function waitForDrain(
  runtime: { region: string; fauxqsUrl: string; queueUrl: string },
  timeoutMs: number,
): Promise<boolean> {
  const sqs = new SQSClient({
    region: runtime.region,
    endpoint: runtime.fauxqsUrl,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  try {
    const deadline = Date.now() + timeoutMs;
    let emptyFor = 0;
    while (Date.now() < deadline && emptyFor < 3) {
      const out = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: runtime.queueUrl,
          AttributeNames: [
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
          ],
        }),
      );
      const depth = Object.values(out.Attributes ?? {}).reduce((sum, v) => sum + Number(v), 0);
      emptyFor = depth === 0 ? emptyFor + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    return emptyFor >= 3;
  } finally {
    sqs.destroy();
  }
}
