import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startLocalRuntime } from "@tasklane/local";
import { e2eRuntimeOptions } from "@tasklane/test-support";
import { E2E_ENV, type E2eEnv } from "./support/e2eEnv.js";

/**
 * Starts the local runtime (the built bundles) with short test timings, serving the console as
 * `pnpm dev` does, for every test; its teardown stops it. Tests reach the runtime's Step Functions
 * outage switch through a small control endpoint, since they run in another process.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const runtime = await startLocalRuntime(
    e2eRuntimeOptions({
      // The shortcuts the CLI's and the runtime's tests take: a 1 s visibility timeout (the DLQ
      // in seconds), and fixed short retry and Wait pauses. Every count and rule is the real one.
      testOverrides: { visibilityTimeoutSeconds: 1, retryIntervalMs: 50, waitMs: 100 },
      console: { port: 0 },
    }),
  );
  const consoleUrl = runtime.consoleUrl;
  if (!consoleUrl) throw new Error("the local runtime serves no console");
  const control = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://control");
    if (req.method === "POST" && url.pathname === "/outage") {
      const mode = url.searchParams.get("mode");
      runtime.stepFunctions.setOutage(mode === "unavailable" ? "unavailable" : undefined);
      res.writeHead(204).end();
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));

  const env: E2eEnv = {
    consoleUrl,
    apiUrl: runtime.apiUrl,
    region: runtime.region,
    sqsEndpoint: runtime.fauxqsUrl,
    queueUrl: runtime.queueUrl,
    dlqUrl: runtime.dlqUrl,
    controlUrl: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
  };
  process.env[E2E_ENV] = JSON.stringify(env);

  return async () => {
    await new Promise<void>((resolve) => control.close(() => resolve()));
    await runtime.stop();
  };
}
