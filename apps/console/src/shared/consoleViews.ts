/**
 * The JSON the console's server answers under `/console`, which the page reads. Only types, and
 * only from dependency-free modules: the page is browser code and the server is Node.
 */

import type { DeadLetterJson, MessageReport, QueueDepth } from "@tasklane/dead-letters/types";

/** What the page's header says about the target (`/console/target`); nothing secret. */
export interface ConsoleTargetInfo {
  description: string;
  apiUrl: string;
  region?: string;
  signed: boolean;
  queue?: string;
  dlq?: string;
}

/** A peek at the DLQ (`/console/dlq`). */
export interface DeadLetterPage {
  dlq: { url: string; name: string };
  depth: QueueDepth;
  messages: DeadLetterJson[];
  more: boolean;
}

export interface QueueSummary extends QueueDepth {
  name: string;
}

export interface ThroughputMinute {
  /** The minute's start, ISO 8601. */
  at: string;
  succeeded: number;
  failed: number;
  cancelled: number;
}

/** What the Overview page shows (`/console/overview`). */
export interface Overview {
  generatedAt: string;
  queue?: QueueSummary;
  dlq?: QueueSummary;
  /** Tasks queued or running (in-flight executions), from the API's listing of the last day. */
  active?: {
    queued: number;
    running: number;
    oldestQueuedAt?: string;
    /** False when there were more than the overview reads: the counts are lower bounds. */
    complete: boolean;
  };
  /** Tasks finished per minute by outcome, oldest minute first. */
  throughput?: { minutes: ThroughputMinute[]; complete: boolean };
  /** What could not be read, in words. */
  errors: string[];
}

/** What a redrive or a purge of the DLQ did, message by message. */
export interface SweepAnswer {
  failed: number;
  /** The ids asked for that were not in the DLQ. */
  notFound: string[];
  reports: MessageReport[];
}

/** `POST /console/dlq/redrive`. */
export interface RedriveAnswer extends SweepAnswer {
  redriven: number;
}

/** `POST /console/dlq/purge`. */
export interface PurgeAnswer extends SweepAnswer {
  deleted: number;
}
