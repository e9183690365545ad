import {
  DEFAULT_EXECUTION_TIMEOUT_SECONDS,
  DEFAULT_MAX_POLLS,
  DEFAULT_TASK_RETRY,
  expressWorkflowBounds,
  INLINE_INPUT_MAX_BYTES,
  MAX_POLLS_UPPER_BOUND,
} from "@tasklane/shared-task";
import * as z from "zod";
import {
  MAX_BODY_BYTES_LIMIT,
  payloadLifetimeNeededSeconds,
  workflowBounds,
} from "./derivedSettings.js";

/**
 * A standard (not FIFO) SNS topic's ARN, its region captured: CloudWatch alarms cannot notify a
 * FIFO topic, nor one in another region.
 */
export const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

const retrier = z.strictObject({
  maxAttempts: z.int().min(0).max(10),
  intervalSeconds: z.int().min(1).max(3600),
  backoffRate: z.number().min(1).max(10),
  maxDelaySeconds: z.int().min(1).max(86_400),
});

/** `tasklane:queue` — the tasks queue and its dead-letter queue. */
const queue = z.strictObject({
  /** A FIFO queue (and FIFO DLQ); group and dedup ids come from the envelope. Forces replacement. */
  fifo: z.boolean().default(false),
  /** Receives before a message moves to the DLQ. AWS advises at least 5 with Lambda. */
  maxReceiveCount: z.int().min(5).max(1000).default(5),
  /** How long an unprocessed message stays in the queue. */
  retentionSeconds: z.int().min(60).max(1_209_600).default(345_600),
  /** How long a message stays in the DLQ; must outlast `retentionSeconds`. */
  dlqRetentionSeconds: z.int().min(60).max(1_209_600).default(1_209_600),
  /** Largest message SQS accepts; the producer keeps bigger inputs in S3. */
  maxMessageBytes: z.int().min(1_024).max(1_048_576).default(262_144),
  /** Encrypt with a customer-managed KMS key (rotated yearly) instead of SQS-managed SSE. */
  kms: z.boolean().default(false),
});

/** `tasklane:consumer` — the SQS handler and its event source mapping. */
const consumer = z.strictObject({
  /** Messages per invocation; FIFO queues allow at most 10. */
  batchSize: z.int().min(1).max(10_000).default(10),
  /**
   * Seconds to gather a batch before invoking; 0 invokes as soon as there is a message. AWS
   * supports no batching window on a FIFO queue, so it must be 0 there.
   */
  batchingWindowSeconds: z.int().min(0).max(300).default(0),
  /** Most concurrent invocations: how fast executions start (peak shaving). AWS minimum is 2. */
  maximumConcurrency: z.int().min(2).max(1_000).default(5),
  timeoutSeconds: z.int().min(3).max(900).default(30),
  memoryMb: z.int().min(128).max(10_240).default(256),
});

/** `tasklane:steps` — the four step functions the state machine invokes. */
const steps = z.strictObject({
  timeoutSeconds: z.int().min(3).max(900).default(60),
  memoryMb: z.int().min(128).max(10_240).default(512),
});

/** `tasklane:producer` — the API handlers. */
const producer = z.strictObject({
  timeoutSeconds: z.int().min(3).max(29).default(10),
  memoryMb: z.int().min(128).max(10_240).default(256),
  /**
   * Largest request body accepted. At most {@link MAX_BODY_BYTES_LIMIT}: the body must reach the
   * handler inside Lambda's 6 MB invocation payload, base64-encoded, with the event around it.
   */
  maxBodyBytes: z
    .int()
    .min(1_024)
    .max(MAX_BODY_BYTES_LIMIT, {
      message: `must be at most ${MAX_BODY_BYTES_LIMIT} (4 MiB): a larger body, base64-encoded in the API Gateway event, would not fit Lambda's 6 MB invocation payload, and the caller would get a bare gateway error instead of a 413`,
    })
    .default(1_048_576),
  /**
   * Inputs larger than this go to the payloads bucket and travel as a reference. At most what an
   * envelope may carry inline, which keeps the workflow's state under Step Functions' 256 KiB.
   */
  inlineInputMaxBytes: z.int().min(1_024).max(INLINE_INPUT_MAX_BYTES).default(65_536),
});

/** `tasklane:workflow` — the state machine. */
const workflow = z.strictObject({
  /** Retries of `TaskRetryableError`: 3 retries means 4 attempts in all. */
  taskRetry: retrier.default(DEFAULT_TASK_RETRY),
  maxPolls: z.int().min(1).max(MAX_POLLS_UPPER_BOUND).default(DEFAULT_MAX_POLLS),
  executionTimeoutSeconds: z
    .int()
    .min(60)
    .max(31_536_000)
    .default(DEFAULT_EXECUTION_TIMEOUT_SECONDS),
  /**
   * `auto` also deploys the Express workflow and runs on it every task that finishes in `start`
   * within what fits Express's 5 minutes with every retry (see shared-task's `workflowFor`);
   * `off` deploys the Standard workflow alone and runs every task on it.
   */
  express: z.enum(["auto", "off"]).default("auto"),
  /**
   * CloudWatch Logs level of the state machines. The Express one logs at least `ERROR` whatever
   * this says: its executions have no history anywhere else.
   */
  logLevel: z.enum(["ALL", "ERROR", "FATAL", "OFF"]).default("ERROR"),
  /** Whether logs carry execution input and output. Keep false where data is sensitive. */
  includeExecutionData: z.boolean().default(false),
});

/** `tasklane:storage` — the payloads and results buckets. */
const storage = z.strictObject({
  /**
   * Days before large inputs and running states expire from the payloads bucket. Must outlast
   * every path a queued message can still take to its execution (see
   * `payloadLifetimeNeededSeconds`); 30 days covers the default queue and workflow settings
   * with a FIFO queue too.
   */
  payloadExpirationDays: z.int().min(1).max(3_650).default(30),
  /** Days before task records and results expire; 0 keeps them. */
  resultExpirationDays: z.int().min(0).max(3_650).default(0),
  versioning: z.boolean().default(false),
  /** Keep the buckets when the stack is destroyed (and protect them from deletion). */
  retain: z.boolean().default(false),
  /** Let `pulumi destroy` delete buckets that still hold objects. Dev stacks only. */
  forceDestroy: z.boolean().default(false),
});

/** `tasklane:api` — the HTTP API. */
const api = z.strictObject({
  /** `iam` (SigV4), `jwt` (needs `jwt`), or `none` (dev stacks only). */
  auth: z.enum(["iam", "jwt", "none"]).default("iam"),
  jwt: z
    .strictObject({
      issuer: z.url(),
      audience: z.array(z.string().min(1)).min(1),
    })
    .optional(),
  throttle: z
    .strictObject({
      burstLimit: z.int().min(1).max(100_000).default(100),
      rateLimit: z.number().min(1).max(100_000).default(50),
    })
    .default({ burstLimit: 100, rateLimit: 50 }),
  cors: z
    .strictObject({
      allowOrigins: z.array(z.string().min(1)).default([]),
    })
    .default({ allowOrigins: [] }),
  /**
   * Who sees, cancels and retries every caller's tasks (everyone else sees only their own):
   * IAM principal ARNs (users, or roles as `arn:aws:iam::<account>:role/<name>`, matching any of
   * the role's sessions), and a JWT scope that grants it.
   */
  operators: z
    .strictObject({
      principals: z
        .array(
          z
            .string()
            .regex(/^arn:aws[a-z-]*:(iam|sts)::\d{12}:\S+$/, "must be an IAM principal ARN"),
        )
        .default([]),
      jwtScope: z.string().min(1).max(128).optional(),
    })
    .default({ principals: [] }),
});

const table = z.strictObject({
  /** Encrypt with a customer-managed KMS key (rotated yearly) instead of the AWS-owned one. */
  kms: z.boolean().default(false),
  /** Point-in-time recovery (35 days of restores). */
  pointInTimeRecovery: z.boolean().default(false),
  /** Refuse `DeleteTable` until this is turned off. */
  deletionProtection: z.boolean().default(false),
});

/** `tasklane:logs` — every function's and the API's log groups. */
const logs = z.strictObject({
  retentionDays: z
    .int()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      message: `must be one of ${LOG_RETENTION_DAYS.join(", ")}`,
    })
    .default(14),
  level: z.enum(["DEBUG", "INFO", "WARN", "ERROR"]).default("INFO"),
  /**
   * Lambda's own log lines (its system logs). `INFO` keeps them all, in Lambda's Text format:
   * START, END and REPORT (duration, memory used) for every invocation, about 1.2 KB. `WARN`
   * switches the functions to Lambda's JSON log format with a system log level of WARN, which
   * drops those three and keeps Lambda's warnings and errors. Duration stays in the functions'
   * CloudWatch metrics; the memory an invocation used is only in its REPORT line, so set `INFO`
   * while sizing `memoryMb`. The handlers write JSON either way.
   */
  systemLevel: z.enum(["INFO", "WARN"]).default("INFO"),
});

/** `tasklane:alarms` — CloudWatch alarms and who they notify. */
const alarms = z.strictObject({
  /**
   * Subscribe this address to the stack's alarm topic (it must confirm the subscription once).
   * A stack other than dev needs this or `topicArn`.
   */
  email: z.email().optional(),
  /**
   * Notify this existing SNS topic (standard, in the stack's region, whose policy lets CloudWatch
   * publish; e.g. the one PagerDuty or Amazon Q Developer in chat reads) instead of creating one.
   */
  topicArn: z
    .string()
    .regex(SNS_TOPIC_ARN, {
      message: "must be the ARN of a standard SNS topic (arn:aws:sns:<region>:<account>:<name>)",
    })
    .optional(),
  /** Alarm when the oldest queued message is older than this. */
  oldestMessageAgeSeconds: z.int().min(60).max(1_209_600).default(600),
});

/** `tasklane:lambda` — settings every function shares. */
const lambda = z.strictObject({
  runtime: z.enum(["nodejs22.x", "nodejs24.x"]).default("nodejs22.x"),
  architecture: z.enum(["arm64", "x86_64"]).default("arm64"),
  /** X-Ray tracing of the functions and the state machine. */
  tracing: z.boolean().default(true),
  /**
   * Stack traces mapped to the TypeScript sources (`NODE_OPTIONS=--enable-source-maps`). Off by
   * default, since with it Node reads the bundle's source map at every cold start (about 10%
   * more init time). The maps are in every zip either way: turning this on changes no artifact.
   */
  sourceMaps: z.boolean().default(false),
});

/** The sections of a stack's config, each checked on its own. */
const sections = z.strictObject({
  /** Team or person answerable for the stack; every resource is tagged with it. */
  owner: z.string().min(1),
  queue: queue.default(queue.parse({})),
  consumer: consumer.default(consumer.parse({})),
  steps: steps.default(steps.parse({})),
  producer: producer.default(producer.parse({})),
  workflow: workflow.default(workflow.parse({})),
  storage: storage.default(storage.parse({})),
  table: table.default(table.parse({})),
  api: api.default(api.parse({})),
  logs: logs.default(logs.parse({})),
  alarms: alarms.default(alarms.parse({})),
  lambda: lambda.default(lambda.parse({})),
});

/** A rule across sections: the key it finds wrong (`section.field`) and why, or nothing. */
type CrossSectionRule = (
  c: z.output<typeof sections>,
) => [key: string, problem: string] | undefined;

const CROSS_SECTION_RULES: CrossSectionRule[] = [
  (c) =>
    c.queue.dlqRetentionSeconds <= c.queue.retentionSeconds
      ? [
          "queue.dlqRetentionSeconds",
          "must be longer than queue.retentionSeconds, or messages expire before anyone sees them",
        ]
      : undefined,
  (c) =>
    c.queue.fifo && c.consumer.batchingWindowSeconds > 0
      ? [
          "consumer.batchingWindowSeconds",
          "must be 0 when queue.fifo is true: AWS supports no batching window on a FIFO event source",
        ]
      : undefined,
  (c) =>
    c.queue.fifo && c.consumer.batchSize > 10
      ? ["consumer.batchSize", "must be at most 10 for a FIFO queue"]
      : undefined,
  (c) =>
    c.consumer.batchSize > 10 && c.consumer.batchingWindowSeconds < 1
      ? [
          "consumer.batchingWindowSeconds",
          "must be at least 1 when batchSize is over 10 (an AWS rule)",
        ]
      : undefined,
  (c) =>
    c.workflow.executionTimeoutSeconds <= c.steps.timeoutSeconds + 5
      ? [
          "workflow.executionTimeoutSeconds",
          "must be longer than steps.timeoutSeconds + 5 (every Task state's timeout)",
        ]
      : undefined,
  (c) => {
    if (c.workflow.express !== "auto") return undefined;
    try {
      expressWorkflowBounds(workflowBounds(c));
      return undefined;
    } catch (error) {
      return [
        "workflow.express",
        `cannot be auto: ${(error as Error).message} (set it to off, or lower workflow.taskRetry or steps.timeoutSeconds)`,
      ];
    }
  },
  (c) =>
    c.storage.retain && c.storage.forceDestroy
      ? ["storage.forceDestroy", "cannot be true when storage.retain is true"]
      : undefined,
  (c) =>
    c.api.auth === "jwt" && !c.api.jwt
      ? ["api.jwt", "is required when api.auth is jwt"]
      : undefined,
  (c) =>
    c.api.auth !== "jwt" && c.api.jwt
      ? [
          "api.jwt",
          `is set but api.auth is ${c.api.auth}, so it would be ignored; set api.auth to jwt or remove api.jwt`,
        ]
      : undefined,
  (c) =>
    c.alarms.email !== undefined && c.alarms.topicArn !== undefined
      ? [
          "alarms.topicArn",
          "cannot be set with alarms.email: set one (subscribe the address to that topic instead)",
        ]
      : undefined,
  (c) => {
    const neededSeconds = payloadLifetimeNeededSeconds(c);
    if (c.storage.payloadExpirationDays * 86_400 >= neededSeconds) return undefined;
    return [
      "storage.payloadExpirationDays",
      `must be at least ${Math.ceil(neededSeconds / 86_400)} days: a large input must outlive its message, which may run as late as ${c.queue.fifo ? "2 × queue.retentionSeconds" : "queue.retentionSeconds"} + queue.dlqRetentionSeconds + workflow.executionTimeoutSeconds (${neededSeconds} s) after it was accepted (a message redriven from the DLQ on its last day, then waiting out the queue's retention)`,
    ];
  },
  (c) =>
    c.producer.inlineInputMaxBytes >= c.queue.maxMessageBytes
      ? [
          "producer.inlineInputMaxBytes",
          "must be smaller than queue.maxMessageBytes so an inline input always fits a message",
        ]
      : undefined,
];

/** Every `tasklane:*` key of a stack's config. Unknown keys are errors, so typos are caught. */
export const stackConfigSchema = sections.superRefine((c, ctx) => {
  for (const rule of CROSS_SECTION_RULES) {
    const found = rule(c);
    if (found) ctx.addIssue({ code: "custom", path: found[0].split("."), message: found[1] });
  }
});

export type StackConfig = z.output<typeof stackConfigSchema>;
export type StackConfigInput = z.input<typeof stackConfigSchema>;
export const STACK_CONFIG_KEYS = Object.keys(stackConfigSchema.shape) as (keyof StackConfig)[];
