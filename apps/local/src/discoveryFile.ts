import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LocalRuntime } from "./startLocalRuntime.js";

/** Where a running `pnpm dev` says where it is, relative to the repository root (gitignored). */
export const DISCOVERY_FILE = ".tasklane/local-runtime.json";

/** What tools (the `tasklane` CLI) need to talk to a running local runtime. */
export interface LocalRuntimeDiscovery {
  pid: number;
  startedAt: string;
  stack: string;
  region: string;
  apiUrl: string;
  /** SQS and S3 (fauxqs); S3 clients use it path-style. */
  fauxqsUrl: string;
  /** DynamoDB (dynalite), where `tableName` is. */
  dynamodbUrl: string;
  stepFunctionsUrl: string;
  queueUrl: string;
  dlqUrl: string;
  buckets: { payloads: string; results: string };
  tableName: string;
  stateMachineArn: string;
  /** The web console, when `pnpm dev` serves one. */
  consoleUrl?: string;
}

export async function writeDiscoveryFile(repoRoot: string, runtime: LocalRuntime): Promise<string> {
  const path = join(repoRoot, DISCOVERY_FILE);
  const discovery: LocalRuntimeDiscovery = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    stack: runtime.stack,
    region: runtime.region,
    apiUrl: runtime.apiUrl,
    fauxqsUrl: runtime.fauxqsUrl,
    dynamodbUrl: runtime.dynamodbUrl,
    stepFunctionsUrl: runtime.stepFunctions.url,
    queueUrl: runtime.queueUrl,
    dlqUrl: runtime.dlqUrl,
    buckets: runtime.buckets,
    tableName: runtime.tableName,
    stateMachineArn: runtime.stateMachineArn,
    ...(runtime.consoleUrl ? { consoleUrl: runtime.consoleUrl } : {}),
  };
  await mkdir(join(repoRoot, ".tasklane"), { recursive: true });
  await writeFile(path, `${JSON.stringify(discovery, null, 2)}\n`);
  return path;
}

/**
 * The running local runtime's endpoints, or `undefined` when none runs: no file, or a file left
 * by a process that is gone (killed without cleaning up).
 */
export async function readDiscoveryFile(
  repoRoot: string,
): Promise<LocalRuntimeDiscovery | undefined> {
  let discovery: LocalRuntimeDiscovery;
  try {
    discovery = JSON.parse(
      await readFile(join(repoRoot, DISCOVERY_FILE), "utf8"),
    ) as LocalRuntimeDiscovery;
  } catch {
    return undefined;
  }
  try {
    process.kill(discovery.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; it is still running.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return undefined;
  }
  return discovery;
}

/** Removes the file, if it is this process's. */
export async function removeDiscoveryFile(repoRoot: string): Promise<void> {
  const current = await readDiscoveryFile(repoRoot);
  if (current?.pid === process.pid) await rm(join(repoRoot, DISCOVERY_FILE), { force: true });
}
