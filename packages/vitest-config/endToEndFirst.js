import { BaseSequencer } from "vitest/node";

/** A file that runs a whole pipeline: `*.e2e.test.ts`. */
const END_TO_END = /\.e2e\.test\.[cm]?[jt]s$/;

/**
 * Vitest's own order, except that the end-to-end files start first when no earlier run has
 * timed every file, as on a fresh clone. Vitest then runs the largest files first, but an
 * end-to-end file is small for how long it runs: `apps/local`'s 2,000-task burst came up ninth
 * of twenty and ended last, on one worker, while the other had run out of files.
 */
export class EndToEndFirstSequencer extends BaseSequencer {
  /** @param {import("vitest/node").TestSpecification[]} files */
  async sort(files) {
    const sorted = await super.sort(files);
    const timed = sorted.every((spec) => this.ctx.cache.getTestSpecificationResult(spec));
    if (timed) return sorted;
    const isEndToEnd = (spec) => END_TO_END.test(spec.moduleId);
    return [...sorted.filter(isEndToEnd), ...sorted.filter((spec) => !isEndToEnd(spec))];
  }
}
