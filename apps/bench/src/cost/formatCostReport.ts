import { AWS_PRICES } from "./awsPrices.js";
import {
  type CostBenchResult,
  FLAKY_FAILURES,
  SLEEP_SECONDS,
  SLEEP_WAIT_MS,
  type StackCostReport,
  type TaskTypeCost,
} from "./costBench.js";
import { COST_SERVICES, type CostPerMillion, type Usage } from "./costReport.js";

/** The report `pnpm bench:cost` prints: Markdown tables, one set per stack, then the notes. */
export function formatCostReport(result: CostBenchResult): string {
  const sections = [
    `What one million tasks cost on AWS, per service: ${result.tasksPerType} tasks of each type through the local runtime per stack, every request, transition, invocation and log byte counted as it happened, priced at ${AWS_PRICES.region} list prices checked ${AWS_PRICES.checkedOn} (apps/bench/src/awsPrices.ts).`,
    ...result.stacks.map(formatStack),
    formatNotes(result),
  ];
  return `${sections.join("\n\n")}\n`;
}

function formatStack(stack: StackCostReport): string {
  const s = stack.settings;
  const memory = (name: string) => s.memoryMb[name] ?? 0;
  const header = `## Stack ${stack.stack}: Lambda ${s.architecture} (steps ${memory("create-task")} MB, consumer ${memory("start-executions")} MB, producer ${memory("ingest")} MB), handler logs ${s.handlerLogLevel}${s.systemLevel === "WARN" ? " (Lambda's own lines at WARN: no START/END/REPORT)" : ""}, state machine logs ${s.stateMachineLogLevel}${s.includeExecutionData ? " with execution data" : ""}${s.express === "off" ? ", workflow.express off (every task on Standard)" : ""}`;
  const lines = [header, "", costTable(stack.taskTypes)];
  if (stack.poll) {
    lines.push(
      "",
      `One poll of a long task (sleep, ${stack.poll.polls} polls counted): ${money(stack.poll.cost.total / 1e6, 6)} a poll, ${money(stack.poll.cost.total)} per million polls (${breakdown(stack.poll.cost)}).`,
    );
  }
  const sweep = stack.fixed.resendUnsent;
  lines.push(
    `Fixed, whatever the traffic: the resend sweep runs ${sweep.runsPerMonth.toLocaleString("en-US")} times a month, ${money(sweep.dollarsPerMonth)} a month (${requestsSummary(sweep.perRun)} a run).`,
    "",
    `Per task, counted (Lambda: invocations × mean billed ms)`,
    "",
    perTaskTable(stack.taskTypes),
    "",
    `Throughput ceilings of \`${stack.stack}\` for echo (POST /tasks, one task a request)`,
    "",
    ceilingTable(stack),
    "",
    `Binding: **${stack.ceilings.binding.limit}**, ${rate(stack.ceilings.binding.tasksPerSecond)} tasks/s; raise with ${stack.ceilings.binding.raise}. Past the API (batched submissions): ${stack.ceilings.pastApi.limit}, ${rate(stack.ceilings.pastApi.tasksPerSecond)} tasks/s; raise with ${stack.ceilings.pastApi.raise}.`,
  );
  return lines.join("\n");
}

function costTable(types: readonly TaskTypeCost[]): string {
  const head = ["Task", "Workflow", "Transitions", ...COST_SERVICES, "Total / 1M"];
  const rows = types.map((t) => [
    t.label,
    workflowName(t.workflow),
    t.standardTransitions.toFixed(1),
    ...COST_SERVICES.map((service) => money(t.cost.byService[service])),
    `**${money(t.cost.total)}**`,
  ]);
  return markdownTable(head, rows, [false, false, true, ...COST_SERVICES.map(() => true), true]);
}

function perTaskTable(types: readonly TaskTypeCost[]): string {
  const rows: string[][] = [];
  const row = (label: string, value: (usage: Usage, t: TaskTypeCost) => string) =>
    rows.push([label, ...types.map((t) => value(t.perTask, t))]);
  const n = (x: number) => (x === 0 ? "–" : x >= 100 ? x.toFixed(0) : x.toFixed(2));

  row("API Gateway requests", (u) => n(u.api.requests));
  const functions = [...new Set(types.flatMap((t) => Object.keys(t.perTask.lambda)))].sort();
  for (const name of functions) {
    row(`Lambda ${name}`, (u) => {
      const fn = u.lambda[name];
      return fn && fn.invocations > 0
        ? `${fn.invocations.toFixed(2)} × ${(fn.billedMs / fn.invocations).toFixed(0)} ms`
        : "–";
    });
  }
  row("Standard state transitions", (u) => n(u.stepFunctions.standard.transitions));
  row("Express executions (billed ms)", (u) =>
    u.stepFunctions.express.executions === 0
      ? "–"
      : `${u.stepFunctions.express.executions.toFixed(2)} (${(u.stepFunctions.express.billedMs / u.stepFunctions.express.executions).toFixed(0)} ms)`,
  );
  row("Polls, retries", (_u, t) => `${t.polls.toFixed(2)}, ${t.retries.toFixed(2)}`);
  const actions = [
    ...new Set(types.flatMap((t) => t.perTask.requests.map((r) => `${r.service} ${r.action}`))),
  ].sort();
  for (const action of actions) {
    row(action, (u) =>
      n(u.requests.find((r) => `${r.service} ${r.action}` === action)?.count ?? 0),
    );
  }
  row("SQS billed requests (64 KB chunks)", (u) =>
    n(u.requests.filter((r) => r.service === "SQS").reduce((sum, r) => sum + r.billed, 0)),
  );
  row("Consumer messages per invocation", (_u, t) => t.messagesPerConsumerInvocation.toFixed(1));
  const indexes = [
    ...new Set(types.flatMap((t) => Object.keys(t.perTask.dynamodb.indexWriteUnits))),
  ].sort();
  row("DynamoDB write units: table", (u) => n(u.dynamodb.tableWriteUnits));
  for (const index of indexes) {
    row(`DynamoDB write units: index ${index}`, (u) => n(u.dynamodb.indexWriteUnits[index] ?? 0));
  }
  row("DynamoDB read units", (u) => n(u.dynamodb.readUnits));
  row("Log bytes: handlers (logs + EMF metrics)", (u) => n(u.logs.handlerBytes));
  row("Log bytes: Lambda START/END/REPORT", (u) => n(u.logs.platformBytes));
  row("Log bytes: state machine", (u) => n(u.logs.stateMachineBytes));
  row("Log bytes: API access log", (u) => n(u.logs.accessLogBytes));
  return markdownTable(["Per task", ...types.map((t) => t.label)], rows, [
    false,
    ...types.map(() => true),
  ]);
}

function ceilingTable(stack: StackCostReport): string {
  const rows = stack.ceilings.ceilings.map((c) => [
    c.applies ? c.limit : `(${c.limit}: not used)`,
    Number.isFinite(c.tasksPerSecond) ? rate(c.tasksPerSecond) : "∞",
    c.basis,
    c.raise,
  ]);
  return markdownTable(["Limit", "Tasks/s", "From", "Raise with"], rows, [
    false,
    true,
    false,
    false,
  ]);
}

function formatNotes(result: CostBenchResult): string {
  const stacks = result.stacks;
  const consumer = stacks
    .map(
      (s) =>
        `${s.stack} ${mean(s.taskTypes.map((t) => t.messagesPerConsumerInvocation)).toFixed(1)} per invocation (batchSize ${s.settings.consumer.batchSize}, window ${s.settings.consumer.batchingWindowSeconds} s)`,
    )
    .join("; ");
  const excluded = stacks
    .map(
      (s) =>
        `${s.stack}: ${s.excluded.emptyReceives} empty receives, ${s.excluded.outsideHandlers} other, ${s.excluded.unanswered} unanswered`,
    )
    .join("; ");
  return [
    "Notes",
    "",
    "- Requests are counted as the SDK makes them (Node's `http.client` diagnostics channels), each billed to the handler invocation that made it; the event source mapping's non-empty receives and its deletes are the consumer's. Not billed to the tasks: empty receives (the event source mapping's idle polling, a cost by the hour), requests made outside every handler (the benchmark's own), and requests that ended with no answer (the SDK sent them again; AWS bills none that never reached it) — " +
      `${excluded}.`,
    "- Lambda: billed duration is each handler's wall time in the local runtime, rounded up to 1 ms, × the stack's memory for its role. Local durations approximate Lambda's (real handler runs against the emulators, every function in one process); init (cold starts) is not billed here.",
    `- Consumer batches as they arrived in this run (${consumer}); a consumer invocation is billed per message as invocations ÷ messages observed, and batches on AWS may be fuller or emptier.`,
    "- Step Functions: Standard bills each state entered and each retry; Express bills each execution started and its duration (start to end, rounded up to 100 ms) at the minimum 64 MB. A task type's workflow is the one its executions reported.",
    `- sleep runs \`{ seconds: ${SLEEP_SECONDS} }\` with each Wait shortened to ${SLEEP_WAIT_MS / 1000} s, so it polls about ${Math.round((SLEEP_SECONDS * 1000) / SLEEP_WAIT_MS)} times (as a long sleep polls every 900 s); the polls are billed as counted. flaky fails ${FLAKY_FAILURES} times and is retried by the workflow after the stack's own retry pauses.`,
    "- DynamoDB (on-demand): each request is replayed on a copy of its item, so a write is billed at the larger of the item before and after it (1 WRU per KB, rounded up) and each index of the table's layout (packages/shared-task/src/state/taskTable.ts) a write per entry put, deleted or changed: one when an item enters or leaves it or a projected value changes, two when a key's value does. Refused conditional writes bill their table units; strongly consistent reads 1 RRU per 4 KB.",
    "- CloudWatch Logs: the handlers' stdout and stderr at the stack's log level with Powertools metrics on (their EMF lines are log bytes on Lambda), Lambda's START/END/REPORT (and X-Ray) lines per invocation, the API's access log line per request and the state machine's events at its log level, each rendered in AWS's format (apps/bench/src/logLines.ts).",
    "- Not priced: X-Ray traces, KMS calls of the prod CMKs (SQS and DynamoDB cache data keys), CloudWatch metrics and alarms (by the metric-month), log storage, data transfer, free tiers.",
  ].join("\n");
}

function breakdown(cost: CostPerMillion): string {
  return COST_SERVICES.filter((service) => cost.byService[service] >= 0.005)
    .map((service) => `${service} ${money(cost.byService[service])}`)
    .join(", ");
}

function requestsSummary(usage: Usage): string {
  const requests = usage.requests.map((r) => `${r.count} ${r.service} ${r.action}`).join(", ");
  return requests === "" ? "no requests" : requests;
}

function workflowName(workflow: TaskTypeCost["workflow"]): string {
  return workflow === "mixed" ? "mixed" : workflow === "EXPRESS" ? "Express" : "Standard";
}

function money(dollars: number, digits = 2): string {
  if (dollars > 0 && dollars < 0.005 && digits === 2) return "<$0.01";
  return `$${dollars.toFixed(digits)}`;
}

function rate(tasksPerSecond: number): string {
  return tasksPerSecond >= 100
    ? Math.round(tasksPerSecond).toLocaleString("en-US")
    : tasksPerSecond.toFixed(1);
}

function mean(values: readonly number[]): number {
  const kept = values.filter((v) => v > 0);
  return kept.length ? kept.reduce((a, b) => a + b, 0) / kept.length : 0;
}

/** A Markdown table whose columns line up in a terminal too. */
function markdownTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  rightAligned: readonly boolean[] = [],
): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length), 3));
  const cell = (text: string, i: number) =>
    rightAligned[i] ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0);
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => cell(c, i)).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (rightAligned[i] ? `${"-".repeat(w - 1)}:` : "-".repeat(w))).join(" | ")} |`;
  return [line(head), rule, ...rows.map(line)].join("\n");
}
