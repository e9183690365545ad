// The DLQ's shapes as they leave the process, with no dependency at all: the console's page (browser
// code, which must not pull in the AWS SDK's types) imports this file, and so does the package.

/** A message of the DLQ as shown outside the process: what can be read of the task it carries. */
export interface DeadLetterJson {
  messageId: string;
  body: string;
  /** The task's id, type and generation, when the body is a task envelope. */
  taskId?: string;
  type?: string;
  generation?: number;
  /** Why the body is not a task envelope, when it is not (it will fail again if redriven). */
  notATask?: string;
  /** What to show of the body: the task's input, or the body itself when it is not a task. */
  preview: string;
  /** Receives before this one, as SQS counts them (the deliveries that failed). */
  receiveCount: number;
  /** The first delivery, which failed (`ApproximateFirstReceiveTimestamp`). */
  firstFailureAt?: string;
  /** When it was first sent to the tasks queue (`SentTimestamp`). */
  sentAt?: string;
  /** FIFO queues only. */
  groupId?: string;
  /** How often a redrive moved it back already. */
  redriveCount: number;
  /** The redrive run that last moved it. */
  redriveRun?: string;
}

/** Which DLQ messages a redrive or a purge acts on: all of them, or those named by id. */
export type DeadLetterChoice = { all: true } | { ids: readonly string[] };

/** How many messages a queue holds (SQS's approximations). */
export interface QueueDepth {
  /** Ready to be received. */
  visible: number;
  /** Received and not yet deleted, or hidden by a visibility timeout. */
  inFlight: number;
  /** Sent with a delay that has not passed yet. */
  delayed: number;
}

/** What happened to one message of the DLQ. */
export interface MessageReport {
  messageId: string;
  taskId?: string;
  type?: string;
  outcome: "redriven" | "would-redrive" | "deleted" | "failed" | "redriven-not-deleted";
  /** The id of the message sent to the tasks queue. */
  newMessageId?: string;
  error?: string;
  /** A warning about this message, such as a body that is not a task. */
  note?: string;
}
