// Run by `pnpm bench:coldstart` as a fresh `node` process per sample: imports one bundle, as
// Lambda's runtime imports index.mjs at a cold start (the handler's module-level init runs
// inside the import), and prints how long that took. Nothing else is loaded before the clock
// starts, so the figure is the bundle's own: reading, compiling and evaluating it.
import { pathToFileURL } from "node:url";

export const PROBE_MARKER = "tasklane-coldstart-probe ";

/** What the probe prints, after its marker, as one JSON line. */
export interface ProbeReport {
  /** Wall-clock time of the import. */
  loadMs: number;
  /**
   * CPU time (user + system, every thread of the process) spent in the import: the same work,
   * less shaken by whatever else the machine is running.
   */
  cpuMs: number;
  /** `typeof` the bundle's `handler` export. */
  handler: string;
  /** Sockets or lookups open right after the import: an import must not touch the network. */
  network: string[];
}

// stdout and stderr are pipes to the benchmark (PipeWrap); these are not.
const NETWORK_RESOURCES = /TCP|UDP|GetAddrInfo|QueryReqWrap|TLS|HTTP/i;

async function probe(file: string): Promise<ProbeReport> {
  const url = pathToFileURL(file).href;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const module = (await import(url)) as { handler?: unknown };
  const loadMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return {
    loadMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    handler: typeof module.handler,
    network: process.getActiveResourcesInfo().filter((r) => NETWORK_RESOURCES.test(r)),
  };
}

const file = process.argv[2];
if (file && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await probe(file);
  process.stdout.write(`${PROBE_MARKER}${JSON.stringify(report)}\n`);
  // A handler may leave a timer or an agent behind; the sample is taken, so go.
  process.exit(0);
}
