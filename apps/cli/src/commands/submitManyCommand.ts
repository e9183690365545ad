import { access, constants as fsConstants } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { Command } from "commander";
import type { CommandRunner } from "../commandRunner.js";
import { DEFAULT_SUBMIT_CONCURRENCY, EXIT_CODES } from "../constants.js";
import { TasklaneCliError, UsageError } from "../errors.js";
import { wholeNumber } from "../optionParsers.js";
import { explainError } from "../output/explainError.js";
import { createProgressReporter } from "../output/progressReporter.js";
import { errorDocument, reportError } from "../output/reportError.js";
import { defaultRejectsPath, RejectsFile } from "../submissions/rejectsFile.js";
import { submitLines } from "../submissions/submitLines.js";
import { countLines, readTaskLines } from "../submissions/taskLines.js";

interface SubmitManyOptions {
  file: string;
  rejects?: string;
  concurrency: number;
}

/** `tasklane submit-many --file tasks.jsonl`: bulk submission through `POST /tasks/batch`. */
export function submitManyCommand(run: CommandRunner): Command {
  return new Command("submit-many")
    .description(
      "submit the tasks of a JSON-lines file (one {type, input} a line), in batches of 100",
    )
    .requiredOption(
      "--file <path>",
      'the tasks, one JSON object a line: {"type": "echo", "input": {...}}',
    )
    .option(
      "--rejects <path>",
      "where the rejected lines go (default: next to --file, e.g. tasks.rejects.jsonl)",
    )
    .option(
      "--concurrency <n>",
      `batches in flight at once (1-32, default ${DEFAULT_SUBMIT_CONCURRENCY})`,
      wholeNumber(1, 32),
      DEFAULT_SUBMIT_CONCURRENCY,
    )
    .addHelpText(
      "after",
      `
Every line ends accepted, rejected or blank (skipped). Each rejected line goes to the rejects file
as {"line", "text", "error"}: lines that are not JSON or not a task, and lines the API refused,
with its reason. The file is rewritten on each run. Progress goes to stderr: a bar on a terminal,
a line every 10% otherwise. Ctrl-C stops sending; lines not sent go to the rejects file too.

Exits 0 when every line was accepted (or blank), 1 when some were rejected, 130 on Ctrl-C.
--json prints one summary document: {file, lines, accepted, rejected, notSubmitted, blank,
rejectsFile, seconds, interrupted}.`,
    )
    .action(
      run<SubmitManyOptions>(async (ctx, _args, options) => {
        const { io, output } = ctx;
        const path = resolve(io.cwd, options.file);
        try {
          await access(path, fsConstants.R_OK);
        } catch (error) {
          throw new UsageError(
            `cannot read --file ${options.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
            { fix: "give the path of a JSON-lines file, relative to the current folder" },
          );
        }
        const rejectsPath = options.rejects
          ? resolve(io.cwd, options.rejects)
          : defaultRejectsPath(path);
        if (rejectsPath === path) {
          throw new UsageError("--rejects must not be the input file", {
            fix: "give another path, or leave --rejects out",
          });
        }
        const api = await ctx.api();
        const total = await countLines(path);
        let rejects: RejectsFile;
        try {
          rejects = await RejectsFile.create(rejectsPath);
        } catch (error) {
          throw new UsageError(
            `cannot write the rejects file ${rejectsPath}: ${(error as Error).message}`,
            {
              fix: "give a writable path with --rejects",
            },
          );
        }

        const started = Date.now();
        const progress = createProgressReporter(io.stderr, total);
        let result: Awaited<ReturnType<typeof submitLines>>;
        try {
          result = await submitLines({
            api,
            lines: readTaskLines(path),
            concurrency: options.concurrency,
            onRejected: (rejected) => rejects.add(rejected),
            onProgress: (tally) => progress.update(tally),
            ...(io.signal ? { signal: io.signal } : {}),
          });
        } finally {
          progress.stop();
          await rejects.close();
        }
        const seconds = (Date.now() - started) / 1_000;

        const fromCwd = relative(io.cwd, rejectsPath);
        // A path outside the current folder reads better whole than as ../../..
        const shownRejects =
          fromCwd === "" || fromCwd.startsWith("..") || isAbsolute(fromCwd) ? rejectsPath : fromCwd;
        const stoppedBy =
          result.fatal === undefined ? undefined : explainError(result.fatal, ctx.resolvedTarget);
        const summary = {
          file: options.file,
          lines: result.processed,
          accepted: result.accepted,
          rejected: result.rejected,
          notSubmitted: result.notSubmitted,
          blank: result.blank,
          rejectsFile: shownRejects,
          seconds: Math.round(seconds * 10) / 10,
          interrupted: result.interrupted,
          ...(stoppedBy instanceof TasklaneCliError ? errorDocument(stoppedBy) : {}),
        };
        output.document(summary);
        const rate = seconds > 0 ? Math.round(result.processed / seconds) : result.processed;
        output.line(
          `${options.file}: ${result.processed} lines: ${result.accepted} accepted, ${result.rejected} rejected${result.notSubmitted > 0 ? ` (${result.notSubmitted} of them not submitted)` : ""}, ${result.blank} blank, in ${summary.seconds} s (${rate} lines/s).`,
        );
        output.line(
          result.rejected > 0
            ? `Rejected lines, with their errors: ${shownRejects}`
            : `No line was rejected (${shownRejects} is empty).`,
        );
        if (result.interrupted) {
          output.line(
            'Interrupted: the lines not sent are in the rejects file as "Not submitted".',
          );
        }

        // The summary above is the one document of --json; the error goes to stderr only.
        if (stoppedBy !== undefined) return reportError(io, stoppedBy, false);
        if (result.interrupted) return EXIT_CODES.interrupted;
        return result.rejected > 0 ? EXIT_CODES.failed : EXIT_CODES.ok;
      }),
    );
}
