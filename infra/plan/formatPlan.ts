import type { RecordedResource } from "./mockStack.js";

type Inputs = Record<string, unknown>;
type Summarize = (inputs: Inputs) => (string | undefined)[];

const json = (text: unknown): Inputs => {
  try {
    return typeof text === "string" ? (JSON.parse(text) as Inputs) : {};
  } catch {
    return {};
  }
};
const obj = (value: unknown): Inputs =>
  value && typeof value === "object" ? (value as Inputs) : {};
const when = (condition: unknown, text: string) => (condition ? text : undefined);

/** The settings a reviewer checks, per resource type. */
const SUMMARIES: Record<string, Summarize> = {
  "pulumi:providers:aws": (i) => [
    `region=${i.region}`,
    `tags=${JSON.stringify(obj(i.defaultTags).tags ?? json(i.defaultTags).tags ?? {})}`,
  ],
  "aws:sqs/queue:Queue": (i) => {
    const redrive = json(i.redrivePolicy);
    return [
      when(i.fifoQueue, "fifo"),
      i.visibilityTimeoutSeconds !== undefined
        ? `visibility=${i.visibilityTimeoutSeconds}s`
        : undefined,
      `retention=${i.messageRetentionSeconds}s`,
      `maxMessage=${i.maxMessageSize}B`,
      i.kmsMasterKeyId ? "encryption=kms" : when(i.sqsManagedSseEnabled, "encryption=sqs-managed"),
      redrive.maxReceiveCount !== undefined
        ? `maxReceiveCount=${redrive.maxReceiveCount}`
        : undefined,
    ];
  },
  "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": (i) => [
    `redrive=${json(i.redriveAllowPolicy).redrivePermission}`,
  ],
  "aws:kms/key:Key": (i) => [when(i.enableKeyRotation, "rotation=yearly")],
  "aws:kms/alias:Alias": () => [],
  "aws:lambda/function:Function": (i) => [
    String(i.runtime),
    String((i.architectures as string[] | undefined)?.join(",")),
    `${i.memorySize}MB`,
    `timeout=${i.timeout}s`,
    `tracing=${obj(i.tracingConfig).mode}`,
    `codeSha256=${String(i.sourceCodeHash).slice(0, 12)}…`,
  ],
  "aws:lambda/eventSourceMapping:EventSourceMapping": (i) => [
    `batch=${i.batchSize}`,
    i.maximumBatchingWindowInSeconds !== undefined
      ? `window=${i.maximumBatchingWindowInSeconds}s`
      : "no window",
    `maxConcurrency=${obj(i.scalingConfig).maximumConcurrency}`,
    ...((i.functionResponseTypes as string[] | undefined) ?? []),
  ],
  "aws:lambda/permission:Permission": (i) => [
    `${i.principal} from ${String(i.sourceArn)
      .replace(/^arn:[^:]*:execute-api:[^/]*\//, "<api>/")
      .replace(/^arn:[^:]*:events:[^/]*\//, "rule ")}`,
  ],
  "aws:dynamodb/table:Table": (i) => {
    const encryption = obj(i.serverSideEncryption);
    const indexes = (i.globalSecondaryIndexes as Inputs[] | undefined) ?? [];
    return [
      String(i.billingMode),
      `key=${i.hashKey}`,
      `indexes=${indexes.map((index) => `${index.name}(${index.projectionType})`).join(",")}`,
      `ttl=${obj(i.ttl).attributeName}`,
      `encryption=${encryption.kmsKeyArn ? "kms" : encryption.enabled ? "aws-managed" : "aws-owned"}`,
      when(obj(i.pointInTimeRecovery).enabled, "pitr"),
      when(i.deletionProtectionEnabled, "deletionProtection"),
    ];
  },
  "aws:cloudwatch/eventRule:EventRule": (i) => [String(i.scheduleExpression)],
  "aws:cloudwatch/eventTarget:EventTarget": (i) => [`-> ${String(i.arn).split(":").at(-1)}`],
  "aws:cloudwatch/logGroup:LogGroup": (i) => [`retention=${i.retentionInDays}d`],
  "aws:iam/role:Role": (i) => {
    const statement = (json(i.assumeRolePolicy).Statement as Inputs[] | undefined)?.[0] ?? {};
    return [
      `trusts=${obj(statement.Principal).Service}`,
      when(statement.Condition, "bound to this account"),
    ];
  },
  "aws:iam/rolePolicy:RolePolicy": (i) => {
    const statements = (json(i.policy).Statement as Inputs[] | undefined) ?? [];
    return [statements.map((s) => s.Sid).join(",")];
  },
  "aws:s3/bucket:Bucket": (i) => [`prefix=${i.bucketPrefix}`, when(i.forceDestroy, "forceDestroy")],
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (i) => [
    [i.blockPublicAcls, i.blockPublicPolicy, i.ignorePublicAcls, i.restrictPublicBuckets].every(
      Boolean,
    )
      ? "all four blocks"
      : "NOT all blocks",
  ],
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": (i) => [
    String(obj(i.rule).objectOwnership),
  ],
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (i) => [
    String(
      obj(obj((i.rules as Inputs[] | undefined)?.[0]).applyServerSideEncryptionByDefault)
        .sseAlgorithm,
    ),
  ],
  "aws:s3/bucketVersioning:BucketVersioning": (i) => [
    String(obj(i.versioningConfiguration).status),
  ],
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": (i) =>
    ((i.rules as Inputs[] | undefined) ?? []).map((rule) => {
      const days =
        obj(rule.expiration).days ?? obj(rule.noncurrentVersionExpiration).noncurrentDays;
      return days !== undefined ? `${rule.id}=${days}d` : String(rule.id);
    }),
  "aws:s3/bucketPolicy:BucketPolicy": (i) => [
    ((json(i.policy).Statement as Inputs[] | undefined) ?? []).map((s) => s.Sid).join(","),
  ],
  "aws:sfn/stateMachine:StateMachine": (i) => {
    const logging = obj(i.loggingConfiguration);
    return [
      String(i.type),
      `logs=${logging.level}`,
      when(logging.includeExecutionData, "with execution data"),
      `tracing=${obj(i.tracingConfiguration).enabled ? "on" : "off"}`,
      `states=${Object.keys(obj(json(i.definition).States)).length}`,
    ];
  },
  "aws:apigatewayv2/api:Api": (i) => [
    String(i.protocolType),
    when(
      i.corsConfiguration,
      `cors=${(obj(i.corsConfiguration).allowOrigins as string[])?.join(",")}`,
    ),
  ],
  "aws:apigatewayv2/stage:Stage": (i) => {
    const route = obj(i.defaultRouteSettings);
    return [
      String(i.name),
      when(i.autoDeploy, "autoDeploy"),
      `throttle=${route.throttlingRateLimit}/s burst ${route.throttlingBurstLimit}`,
      when(i.accessLogSettings, "JSON access logs"),
    ];
  },
  "aws:apigatewayv2/authorizer:Authorizer": (i) => [
    String(i.authorizerType),
    String(obj(i.jwtConfiguration).issuer),
  ],
  "aws:apigatewayv2/integration:Integration": (i) => [
    String(i.integrationType),
    `payload=${i.payloadFormatVersion}`,
  ],
  "aws:apigatewayv2/route:Route": (i) => [String(i.routeKey), `auth=${i.authorizationType}`],
  "aws:sns/topic:Topic": () => [],
  "aws:sns/topicSubscription:TopicSubscription": (i) => [`${i.protocol} ${i.endpoint}`],
  "aws:cloudwatch/metricAlarm:MetricAlarm": (i) => {
    const queries = (i.metricQueries as Inputs[] | undefined) ?? [];
    if (queries.length === 0) {
      return [`${i.namespace} ${i.metricName} ${i.statistic} > ${i.threshold} over ${i.period}s`];
    }
    const part = obj(queries.find((q) => q.metric)?.metric);
    return [
      `${part.namespace} ${part.metricName} ${part.stat} summed over ${queries.length - 1} series > ${i.threshold} over ${part.period}s`,
    ];
  },
  "aws:cloudwatch/dashboard:Dashboard": (i) => [
    `widgets=${((json(i.dashboardBody).widgets as unknown[]) ?? []).length}`,
  ],
};

/** `aws:sqs/queue:Queue` -> `aws:sqs:Queue`; providers and components stay as they are. */
export function shortType(type: string): string {
  const match = /^([^:]+):([^/:]+)\/[^:]+:(.+)$/.exec(type);
  return match ? `${match[1]}:${match[2]}:${match[3]}` : type;
}

/** The name AWS will show: the physical name, or a bucket's prefix followed by `*`. */
function physicalName(resource: RecordedResource): string {
  const { inputs } = resource;
  for (const key of ["name", "dashboardName"]) {
    if (typeof inputs[key] === "string") return inputs[key];
  }
  // S3 completes the prefix with a unique suffix when it creates the bucket.
  if (typeof inputs.bucketPrefix === "string") return `${inputs.bucketPrefix}*`;
  return "";
}

/** The settings column of one resource. */
export function summarize(resource: RecordedResource): string {
  const flags = [
    when(resource.protect, "protect"),
    when(resource.retainOnDelete, "retainOnDelete"),
  ];
  const settings = SUMMARIES[resource.type]?.(resource.inputs) ?? [];
  return [...settings, ...flags]
    .filter((s): s is string => Boolean(s) && s !== "undefined")
    .join("  ");
}

/**
 * The table of resources a `pulumi preview` of a new stack would create: per component, each
 * resource's type, logical name, physical name and key settings.
 */
export function formatPlan(stack: string, resources: readonly RecordedResource[]): string {
  const components = new Map(
    resources.filter((r) => !r.custom).map((r) => [r.name, shortType(r.type)] as const),
  );
  const groupOf = (r: RecordedResource) => {
    const parent = r.parent.split("::").at(-1) ?? "";
    return r.parent && components.has(parent) ? `${components.get(parent)} ${parent}` : "stack";
  };
  // Components in the order the program declares them, each followed by its resources.
  const groups = new Map<string, RecordedResource[]>([["stack", []]]);
  for (const [name, type] of components) groups.set(`${type} ${name}`, []);
  for (const resource of resources.filter((r) => r.custom)) {
    const group = groupOf(resource);
    groups.set(group, [...(groups.get(group) ?? []), resource]);
  }

  const rows = [...groups]
    .filter(([, members]) => members.length > 0)
    .flatMap(([group, members]) => [
      [`# ${group}`],
      ...members.map((r) => [shortType(r.type), r.name, physicalName(r), summarize(r)]),
    ]);
  const header = ["TYPE", "NAME", "PHYSICAL NAME", "SETTINGS"];
  const widths = header.map((h, column) =>
    Math.max(
      h.length,
      ...rows.filter((row) => row.length > 1).map((row) => row[column]?.length ?? 0),
    ),
  );
  const line = (cells: string[]) =>
    cells.length === 1
      ? (cells[0] ?? "")
      : cells
          .map((cell, column) =>
            column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
          )
          .join("  ")
          .trimEnd();
  const created = resources.filter((r) => r.custom).length;
  return [
    `Stack ${stack}: ${created} resources to create (offline plan from the program under mocks; ids, ARNs and bucket suffixes are placeholders)`,
    "",
    line(header),
    ...rows.map(line),
  ].join("\n");
}
