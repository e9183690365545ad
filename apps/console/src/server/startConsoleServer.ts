import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { SQSClient } from "@aws-sdk/client-sqs";
import { createTasklaneClient, regionOfApiUrl } from "@tasklane/api-client";
import { queueName } from "@tasklane/dead-letters";
import type { ConsoleTargetInfo } from "../shared/consoleViews.js";
import { type ApiCaller, createApiCaller } from "./apiCaller.js";
import { describeFailure, proxyToApi } from "./apiProxy.js";
import { credentialProvider, LOCAL_CREDENTIALS } from "./credentials.js";
import { deadLetterRoutes } from "./deadLetterRoutes.js";
import { ConsolePortInUseError, ConsoleServerError } from "./errors.js";
import { HttpProblem, SECURITY_HEADERS, sendJson, sendProblem } from "./http.js";
import { isLoopbackHostname, isLoopbackListenHost } from "./loopback.js";
import { overviewSource } from "./overview.js";
import { allowedHosts, checkHost, checkSameOrigin } from "./requestGuard.js";
import { DEFAULT_APP_DIR, StaticApp, sendAppMissing } from "./staticFiles.js";
import type { ConsoleServer, ConsoleServerOptions, ConsoleTarget } from "./types.js";

/** The port `tasklane console` listens on unless told otherwise. */
export const DEFAULT_CONSOLE_PORT = 4000;

/**
 * Serves the console on a loopback address: the built page, the Tasklane API under `/api`
 * (signed with SigV4 here, for a deployed stack), and the DLQ and the overview under
 * `/console`, through SQS. The credentials stay in this process; the page never sees them.
 *
 * @example
 * ```ts
 * const server = await startConsoleServer({
 *   target: { apiUrl: outputs.apiUrl, region: "eu-west-1", queueUrl: outputs.queueUrl, dlqUrl: outputs.deadLetterQueueUrl },
 *   port: 4000,
 * });
 * console.log(`Tasklane console: ${server.url}`);
 * process.once("SIGINT", () => void server.stop());
 * ```
 *
 * @throws ConsoleServerError for a host that is not loopback or a target it cannot sign for;
 *   ConsolePortInUseError when the port is taken.
 */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopbackListenHost(host)) {
    throw new ConsoleServerError(
      `startConsoleServer: \`host\` must be a loopback address (127.0.0.1, ::1, localhost), not ${JSON.stringify(host)}: the console acts with your AWS credentials`,
    );
  }
  const target = normalizeTarget(options.target);
  const appDir = options.appDir ?? DEFAULT_APP_DIR;
  const app = await StaticApp.load(appDir);
  const credentials = target.credentials ? credentialProvider(target.credentials) : undefined;
  const apiOptions = {
    apiUrl: target.apiUrl,
    ...(target.signApi
      ? {
          // Without credentials, api-client's signer uses the standard chain.
          sigv4: { region: target.region as string, ...(credentials ? { credentials } : {}) },
        }
      : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const callApi: ApiCaller = createApiCaller(apiOptions);
  const sqs = target.queueUrl || target.dlqUrl ? sqsClient(target, credentials) : undefined;
  const dlqRoutes = deadLetterRoutes({
    sqs,
    dlqUrl: target.dlqUrl,
    queueUrl: target.queueUrl,
    emulator: target.sqsEndpoint !== undefined,
  });
  const overview = overviewSource({
    api: createTasklaneClient(apiOptions),
    sqs,
    queueUrl: target.queueUrl,
    dlqUrl: target.dlqUrl,
  });
  const info: ConsoleTargetInfo = {
    description: target.description ?? `the API at ${target.apiUrl}`,
    apiUrl: target.apiUrl,
    signed: target.signApi,
    ...(target.region ? { region: target.region } : {}),
    ...(target.queueUrl ? { queue: queueName(target.queueUrl) } : {}),
    ...(target.dlqUrl ? { dlq: queueName(target.dlqUrl) } : {}),
  };

  let hosts = new Set<string>();
  const server = createServer(async (req, res) => {
    try {
      await handle(req, res);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpProblem) sendProblem(res, error.problem);
      else {
        sendProblem(res, {
          status: 500,
          title: "Console error",
          detail: describeFailure(error),
        });
      }
    }
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    checkHost(req, hosts);
    const url = new URL(req.url ?? "/", "http://console.invalid");
    const method = req.method ?? "GET";
    if (url.pathname === "/api" || url.pathname.startsWith("/api/")) {
      checkSameOrigin(req, hosts);
      await proxyToApi(req, res, url, callApi);
      return;
    }
    if (url.pathname.startsWith("/console/")) {
      checkSameOrigin(req, hosts);
      if (method === "GET" && url.pathname === "/console/target") {
        sendJson(res, 200, info);
        return;
      }
      if (method === "GET" && url.pathname === "/console/overview") {
        sendJson(res, 200, await overview());
        return;
      }
      if (await dlqRoutes(req, res, url)) return;
      throw new HttpProblem({
        status: 404,
        title: "Not found",
        detail: `no console route ${method} ${url.pathname}`,
      });
    }
    if (method !== "GET" && method !== "HEAD") {
      res.writeHead(405, { ...SECURITY_HEADERS, allow: "GET, HEAD" });
      res.end();
      return;
    }
    if (!app) {
      sendAppMissing(res, appDir);
      return;
    }
    app.serve(url.pathname, res, method === "HEAD");
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new ConsolePortInUseError(options.port ?? 0) : error);
    });
    server.listen(options.port ?? 0, host, () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
  hosts = allowedHosts(port);
  const urlHost = host.includes(":") ? `[${host}]` : host;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}/`,
    port,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        sqs?.destroy();
      });
      return stopping;
    },
  };
}

type NormalizedTarget = ConsoleTarget & { signApi: boolean };

function normalizeTarget(target: ConsoleTarget): NormalizedTarget {
  let api: URL;
  try {
    api = new URL(target.apiUrl);
  } catch {
    throw new ConsoleServerError(
      `startConsoleServer: \`target.apiUrl\` is not a URL: ${JSON.stringify(target.apiUrl)}`,
    );
  }
  const signApi = target.signApi ?? !isLoopbackHostname(api.hostname);
  const region = target.region ?? regionOfApiUrl(api);
  if (signApi && !region) {
    throw new ConsoleServerError(
      `startConsoleServer: cannot tell the region of ${api.origin}, which requests are signed for; give \`target.region\``,
    );
  }
  if ((target.queueUrl || target.dlqUrl) && !target.sqsEndpoint && !region) {
    throw new ConsoleServerError(
      "startConsoleServer: cannot tell the queues' region; give `target.region`",
    );
  }
  return { ...target, signApi, ...(region ? { region } : {}) };
}

function sqsClient(
  target: NormalizedTarget,
  credentials: ReturnType<typeof credentialProvider> | undefined,
): SQSClient {
  return new SQSClient({
    region: target.region ?? "us-east-1",
    ...(target.sqsEndpoint
      ? { endpoint: target.sqsEndpoint, credentials: credentials ?? LOCAL_CREDENTIALS }
      : credentials
        ? { credentials }
        : {}),
  });
}
