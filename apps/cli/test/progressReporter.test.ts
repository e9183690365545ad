import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createProgressReporter, progressText } from "../src/output/progressReporter.js";

describe("the progress of submit-many", () => {
  it("is a bar with done/total, rate, ETA and counts on a terminal", () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 160 });
    let drawn = "";
    terminal.on("data", (chunk: Buffer) => (drawn += chunk.toString()));
    let now = 0;

    const progress = createProgressReporter(terminal, 1_000, () => now);
    now = 2_000;
    progress.update({ processed: 400, accepted: 390, rejected: 10, blank: 0 });
    progress.stop();

    expect(drawn).toMatch(
      /submit-many \[[█░=\-\s]+\] 400\/1000 lines \| 200 lines\/s \| ETA \S+ \| 390 accepted, 10 rejected/,
    );
  });

  it("is a plain line every tenth of the way without one", () => {
    let written = "";
    let now = 0;
    const progress = createProgressReporter(
      { write: (t: string) => (written += t), isTTY: false },
      1_000,
      () => now,
    );

    for (const processed of [50, 100, 150, 250]) {
      now += 1_000;
      progress.update({ processed, accepted: processed, rejected: 0, blank: 0 });
    }

    expect(written.trim().split("\n")).toEqual([
      "submit-many: 100/1000 lines (10%), 100 accepted, 0 rejected, 50 lines/s, ETA 18 s",
      "submit-many: 250/1000 lines (25%), 250 accepted, 0 rejected, 63 lines/s, ETA 12 s",
    ]);
  });

  it("says the ETA is unknown before anything is done", () => {
    expect(progressText({ processed: 0, accepted: 0, rejected: 0, blank: 0 }, 10, 0)).toBe(
      "submit-many: 0/10 lines (0%), 0 accepted, 0 rejected, 0 lines/s, ETA ?",
    );
  });
});
