import cliProgress from "cli-progress";
import type { SubmitTally } from "../submissions/submitLines.js";
import type { OutputStream } from "./cliIo.js";

/** Shows how far `submit-many` is: done / total, rate and ETA. */
export interface ProgressReporter {
  update(tally: Readonly<SubmitTally>): void;
  stop(): void;
}

/** Without a terminal, a line at most every this much progress, or this often. */
const PLAIN_EVERY_FRACTION = 0.1;
const PLAIN_EVERY_MS = 10_000;

/**
 * A progress bar (cli-progress) on a terminal; plain lines now and then otherwise (a CI log, a
 * file), since a redrawn bar would fill them with control characters.
 */
export function createProgressReporter(
  stream: OutputStream,
  total: number,
  now: () => number = Date.now,
): ProgressReporter {
  return stream.isTTY ? barReporter(stream, total, now) : plainReporter(stream, total, now);
}

function barReporter(stream: OutputStream, total: number, now: () => number): ProgressReporter {
  const started = now();
  const bar = new cliProgress.SingleBar({
    stream: stream as NodeJS.WritableStream,
    format:
      "submit-many [{bar}] {value}/{total} lines | {rate} lines/s | ETA {eta_formatted} | {accepted} accepted, {rejected} rejected",
    barsize: 30,
    etaBuffer: 50,
    fps: 10,
    hideCursor: false,
    // Ctrl-C is the command's to handle (it finishes the batches in flight), not the bar's.
    gracefulExit: false,
    emptyOnZero: true,
  });
  bar.start(total, 0, { rate: "0", accepted: 0, rejected: 0 });
  return {
    update(tally) {
      bar.update(tally.processed, {
        rate: rateOf(tally.processed, now() - started).toFixed(0),
        accepted: tally.accepted,
        rejected: tally.rejected,
      });
    },
    stop() {
      bar.stop();
    },
  };
}

function plainReporter(stream: OutputStream, total: number, now: () => number): ProgressReporter {
  const started = now();
  let lastAt = started;
  let lastProcessed = 0;
  return {
    update(tally) {
      const at = now();
      const due =
        tally.processed - lastProcessed >= Math.max(1, total * PLAIN_EVERY_FRACTION) ||
        at - lastAt >= PLAIN_EVERY_MS;
      if (!due || tally.processed === total) return;
      lastAt = at;
      lastProcessed = tally.processed;
      stream.write(`${progressText(tally, total, at - started)}\n`);
    },
    stop() {},
  };
}

/** `300/1000 lines (30%), 295 accepted, 5 rejected, 412 lines/s, ETA 2 s` */
export function progressText(
  tally: Readonly<SubmitTally>,
  total: number,
  elapsedMs: number,
): string {
  const rate = rateOf(tally.processed, elapsedMs);
  const percent = total > 0 ? Math.floor((tally.processed / total) * 100) : 100;
  const eta = rate > 0 ? `${Math.ceil((total - tally.processed) / rate)} s` : "?";
  return `submit-many: ${tally.processed}/${total} lines (${percent}%), ${tally.accepted} accepted, ${tally.rejected} rejected, ${rate.toFixed(0)} lines/s, ETA ${eta}`;
}

function rateOf(processed: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (processed * 1_000) / elapsedMs : 0;
}
