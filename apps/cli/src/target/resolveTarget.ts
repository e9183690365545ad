import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { regionOfApiUrl } from "@tasklane/api-client";
import { findRepoRoot } from "@tasklane/lambda-bundler";
import { TargetError, UsageError } from "../errors.js";
import type { CliIo } from "../output/cliIo.js";
import { isExecuteApiUrl, isLoopbackHost, regionOfQueueUrl } from "./awsRegions.js";
import { readStackOutputs } from "./stackOutputs.js";

/** The flags every command takes to name its target. */
export interface TargetFlags {
  apiUrl?: string;
  queueUrl?: string;
  dlqUrl?: string;
  region?: string;
  stackOutputs?: string;
  sigv4?: boolean;
}

/** Where the target came from, in the order they are tried. */
export type TargetSource = "flags" | "stack-outputs" | "local-runtime";

/** What the CLI talks to: an API, the tasks queue and its DLQ, and how. */
export interface Target {
  source: TargetSource;
  /** Names the target in messages: "the local runtime (pnpm dev, pid 4242)". */
  description: string;
  apiUrl?: string;
  queueUrl?: string;
  dlqUrl?: string;
  region?: string;
  /** Sign API requests with SigV4 (a deployed stack's API requires IAM auth). */
  signApi: boolean;
  /** A local emulator's SQS endpoint, used with dummy credentials; absent for AWS. */
  sqsEndpoint?: string;
  /** The discovery file a local runtime target was read from. */
  discoveryFile?: string;
}

const POINT_AT_A_STACK =
  "--stack-outputs <file> (from `pulumi stack output --json`), or --api-url <url> / TASKLANE_API_URL";

/**
 * Finds the target, in this order: the command line (`--stack-outputs`, or `--api-url`,
 * `--queue-url`, `--dlq-url`), then the environment (`TASKLANE_API_URL`, `TASKLANE_QUEUE_URL`,
 * `TASKLANE_DLQ_URL`), then the local runtime that `pnpm dev` is running. The region is
 * `--region`, else the one in the URLs, else `AWS_REGION` / `AWS_DEFAULT_REGION`.
 *
 * @throws UsageError for contradicting flags; TargetError when there is no target at all.
 */
export async function resolveTarget(flags: TargetFlags, io: CliIo): Promise<Target> {
  const urlFlags = (["apiUrl", "queueUrl", "dlqUrl"] as const).filter((k) => flags[k]);
  if (flags.stackOutputs) {
    if (urlFlags.length > 0) {
      throw new UsageError(
        `--stack-outputs names the whole stack; it cannot be combined with ${urlFlags.map(flagName).join(", ")}`,
        { fix: "give either the stack outputs file or the URLs" },
      );
    }
    const path = resolve(io.cwd, flags.stackOutputs);
    const outputs = await readStackOutputs(path);
    return explicitTarget("stack-outputs", `the stack in ${flags.stackOutputs}`, outputs, {
      region: flags.region,
      env: io.env,
      // A stack's API always requires IAM auth.
      forceSign: true,
    });
  }

  const urls = {
    apiUrl:
      checkUrl("--api-url", flags.apiUrl) ?? checkUrl("TASKLANE_API_URL", io.env.TASKLANE_API_URL),
    queueUrl:
      checkUrl("--queue-url", flags.queueUrl) ??
      checkUrl("TASKLANE_QUEUE_URL", io.env.TASKLANE_QUEUE_URL),
    dlqUrl:
      checkUrl("--dlq-url", flags.dlqUrl) ?? checkUrl("TASKLANE_DLQ_URL", io.env.TASKLANE_DLQ_URL),
  };
  if (urls.apiUrl || urls.queueUrl || urls.dlqUrl) {
    const description = urls.apiUrl
      ? `the API at ${urls.apiUrl}`
      : `the queue${urls.dlqUrl && urls.queueUrl ? "s" : ""} at ${[urls.queueUrl, urls.dlqUrl].filter(Boolean).join(" and ")}`;
    return explicitTarget("flags", description, urls, {
      region: flags.region,
      env: io.env,
      forceSign: flags.sigv4 === true,
    });
  }

  const local = await localRuntimeTarget(io, flags.region);
  if (local) return local;
  throw new TargetError(
    `no Tasklane to talk to: no local runtime is running (no live ${discoveryHint(io)}), and no stack or API was named`,
    {
      fix: `start the local runtime with \`pnpm dev\` in the repository and leave it running, or point at a stack with ${POINT_AT_A_STACK}`,
    },
  );
}

function explicitTarget(
  source: TargetSource,
  description: string,
  urls: { apiUrl?: string | undefined; queueUrl?: string | undefined; dlqUrl?: string | undefined },
  options: { region: string | undefined; env: CliIo["env"]; forceSign: boolean },
): Target {
  const api = urls.apiUrl ? new URL(urls.apiUrl) : undefined;
  const region =
    options.region ??
    (api ? regionOfApiUrl(api) : undefined) ??
    regionOfQueueUrl(urls.dlqUrl ?? "") ??
    regionOfQueueUrl(urls.queueUrl ?? "") ??
    options.env.AWS_REGION ??
    options.env.AWS_DEFAULT_REGION;
  const signApi = api !== undefined && (options.forceSign || isExecuteApiUrl(api));
  const queue = urls.dlqUrl ?? urls.queueUrl;
  const sqsEndpoint = queue ? localSqsEndpoint(new URL(queue)) : undefined;
  return {
    source,
    description,
    ...(urls.apiUrl ? { apiUrl: urls.apiUrl } : {}),
    ...(urls.queueUrl ? { queueUrl: urls.queueUrl } : {}),
    ...(urls.dlqUrl ? { dlqUrl: urls.dlqUrl } : {}),
    ...(region ? { region } : {}),
    signApi,
    ...(sqsEndpoint ? { sqsEndpoint } : {}),
  };
}

/**
 * A queue on this machine is an emulator's (fauxqs, LocalStack): talk to it on 127.0.0.1 with
 * its port, since `sqs.<region>.localhost` names do not resolve everywhere.
 */
function localSqsEndpoint(queueUrl: URL): string | undefined {
  if (!isLoopbackHost(queueUrl.hostname)) return undefined;
  const host = queueUrl.hostname.endsWith(".localhost") ? "127.0.0.1" : queueUrl.hostname;
  return `${queueUrl.protocol}//${host}${queueUrl.port ? `:${queueUrl.port}` : ""}`;
}

async function localRuntimeTarget(
  io: CliIo,
  region: string | undefined,
): Promise<Target | undefined> {
  const roots = repoRoots(io);
  if (roots.length === 0) return undefined;
  // Loaded only here: the local runtime's package is large, and deployed targets never need it.
  const { readDiscoveryFile, DISCOVERY_FILE } = await import("@tasklane/local");
  for (const root of roots) {
    const discovery = await readDiscoveryFile(root);
    if (!discovery) continue;
    return {
      source: "local-runtime",
      description: `the local runtime (pnpm dev, pid ${discovery.pid}, stack ${discovery.stack})`,
      apiUrl: discovery.apiUrl,
      queueUrl: discovery.queueUrl,
      dlqUrl: discovery.dlqUrl,
      region: region ?? discovery.region,
      signApi: false,
      sqsEndpoint: discovery.fauxqsUrl,
      discoveryFile: join(root, DISCOVERY_FILE),
    };
  }
  return undefined;
}

/** Where to look for `.tasklane/local-runtime.json`: `io.repoRoot`, else the workspace above cwd, else this CLI's. */
function repoRoots(io: CliIo): string[] {
  if (io.repoRoot) return [io.repoRoot];
  const roots = new Set<string>();
  for (const from of [io.cwd, dirname(fileURLToPath(import.meta.url))]) {
    try {
      roots.add(findRepoRoot(resolve(from)));
    } catch {
      // Not inside a pnpm workspace.
    }
  }
  return [...roots];
}

function discoveryHint(io: CliIo): string {
  const [root] = repoRoots(io);
  return root ? join(root, ".tasklane/local-runtime.json") : ".tasklane/local-runtime.json";
}

function checkUrl(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${name} is not a URL: ${JSON.stringify(value)}`, {
      fix: `give a full URL, such as https://abc123.execute-api.eu-west-1.amazonaws.com/`,
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${name} must be an http or https URL, got ${JSON.stringify(value)}`);
  }
  return value;
}

function flagName(key: "apiUrl" | "queueUrl" | "dlqUrl"): string {
  return { apiUrl: "--api-url", queueUrl: "--queue-url", dlqUrl: "--dlq-url" }[key];
}

/** The API URL, or a TargetError saying how to give one. */
export function requireApiUrl(target: Target): string {
  if (target.apiUrl) return target.apiUrl;
  throw new TargetError(
    `this command talks to the API, and ${target.description} names no API URL`,
    {
      fix: "give it with --api-url <url> / TASKLANE_API_URL, or the whole stack with --stack-outputs <file> (from `pulumi stack output --json`)",
    },
  );
}

/** The DLQ's URL, or a TargetError saying how to give one. */
export function requireDlqUrl(target: Target): string {
  if (target.dlqUrl) return target.dlqUrl;
  throw new TargetError(
    `the DLQ commands read the dead-letter queue, and ${target.description} names none`,
    {
      fix: "give it with --dlq-url <url> / TASKLANE_DLQ_URL, or --stack-outputs <file>",
    },
  );
}

/** The tasks queue's URL, or a TargetError saying how to give one. */
export function requireQueueUrl(target: Target): string {
  if (target.queueUrl) return target.queueUrl;
  throw new TargetError(
    `redrive sends messages back to the tasks queue, and ${target.description} names none`,
    {
      fix: "give it with --queue-url <url> / TASKLANE_QUEUE_URL, or --stack-outputs <file>",
    },
  );
}
