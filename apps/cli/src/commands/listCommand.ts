import type { TaskStatus, TaskSummary } from "@tasklane/api-client";
import { LIST_MAX_LIMIT } from "@tasklane/shared-task";
import { Command } from "commander";
import type { CommandRunner } from "../commandRunner.js";
import { EXIT_CODES } from "../constants.js";
import { sinceValue, statusList, wholeNumber } from "../optionParsers.js";
import { TASK_TABLE_HEADERS, taskRow } from "../output/formatTask.js";

interface ListOptions {
  status?: TaskStatus[];
  since: string;
  limit: number;
  cursor?: string;
}

/** `tasklane list`: tasks created since a time, oldest first, optionally of some statuses. */
export function listCommand(run: CommandRunner): Command {
  return new Command("list")
    .description("list tasks created since a time (oldest first), optionally only some statuses")
    .option(
      "--status <statuses>",
      "only these statuses, comma-separated: queued, running, succeeded, failed, cancelled",
      statusList,
    )
    .option(
      "--since <age|time>",
      "created since an age (15m, 1h, 7d) or an ISO 8601 time",
      sinceValue,
      "24h",
    )
    .option("--limit <n>", "at most this many tasks (1-1000)", wholeNumber(1, 1_000), 50)
    .option("--cursor <cursor>", "continue a listing where the last one stopped")
    .addHelpText(
      "after",
      "\n--json prints { tasks, nextCursor? }; nextCursor continues the listing with --cursor.",
    )
    .action(
      run<ListOptions>(async (ctx, _args, options) => {
        const api = await ctx.api();
        const tasks: TaskSummary[] = [];
        let cursor = options.cursor;
        // A page scans `limit` tasks of the index; with a status filter it may hold fewer.
        do {
          const page = await api.listTasks({
            since: options.since,
            limit: Math.min(LIST_MAX_LIMIT, Math.max(options.limit - tasks.length, 1)),
            ...(options.status ? { status: options.status } : {}),
            ...(cursor ? { cursor } : {}),
          });
          tasks.push(...page.tasks);
          cursor = page.nextCursor;
        } while (cursor && tasks.length < options.limit);

        const shown = tasks.slice(0, options.limit);
        const more = cursor !== undefined || tasks.length > options.limit;
        ctx.output.document({ tasks: shown, ...(cursor ? { nextCursor: cursor } : {}) });
        if (shown.length === 0) {
          const which = options.status ? `${options.status.join(" or ")} ` : "";
          const when = /^\d+[smhd]$/.test(options.since)
            ? `in the last ${options.since}`
            : `since ${options.since}`;
          ctx.output.line(`No ${which}tasks created ${when}.`);
          return EXIT_CODES.ok;
        }
        ctx.output.table(TASK_TABLE_HEADERS, shown.map(taskRow));
        if (more) {
          ctx.output.line();
          ctx.output.line(
            cursor
              ? `More tasks match: continue with --cursor ${cursor}`
              : "More tasks match: raise --limit to see them",
          );
        }
        return EXIT_CODES.ok;
      }),
    );
}
