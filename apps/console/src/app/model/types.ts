export type {
  AcceptedTask,
  ObjectLocation,
  ProblemDetails,
  TaskList,
  TaskResource,
  TaskStatus,
  TaskSummary,
  TaskTypeDescription,
  TimelineEntry,
} from "@tasklane/api-client";

/** The JSON the console server answers for the DLQ (`/console/dlq`). */
export interface DeadLetterView {
  messageId: string;
  body: string;
  taskId?: string;
  type?: string;
  generation?: number;
  notATask?: string;
  preview: string;
  receiveCount: number;
  firstFailureAt?: string;
  sentAt?: string;
  groupId?: string;
  redriveCount: number;
  redriveRun?: string;
}

export interface QueueDepthView {
  visible: number;
  inFlight: number;
  delayed: number;
}

export interface DeadLetterPage {
  dlq: { url: string; name: string };
  depth: QueueDepthView;
  messages: DeadLetterView[];
  more: boolean;
}

export interface SweepReport {
  messageId: string;
  taskId?: string;
  type?: string;
  outcome: "redriven" | "would-redrive" | "deleted" | "failed" | "redriven-not-deleted";
  newMessageId?: string;
  error?: string;
  note?: string;
}

export interface OverviewView {
  generatedAt: string;
  queue?: QueueDepthView & { name: string };
  dlq?: QueueDepthView & { name: string };
  active?: { queued: number; running: number; oldestQueuedAt?: string; complete: boolean };
  throughput?: {
    minutes: { at: string; succeeded: number; failed: number; cancelled: number }[];
    complete: boolean;
  };
  errors: string[];
}

export interface TargetView {
  description: string;
  apiUrl: string;
  region?: string;
  signed: boolean;
  queue?: string;
  dlq?: string;
}
