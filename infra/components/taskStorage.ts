import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resourceName, type StackRef } from "@tasklane/stack-config";
import { ComponentArgsError } from "./errors.js";

/** S3 caps `bucketPrefix` at 37 characters; it appends a 26-character unique suffix. */
export const BUCKET_PREFIX_MAX_LENGTH = 37;
/** With versioning on, replaced and deleted objects are kept this long, then removed. */
export const NONCURRENT_VERSION_DAYS = 30;
/** Parts of uploads that never completed are removed after this many days. */
const ABORT_INCOMPLETE_UPLOAD_DAYS = 1;

export interface TaskStorageArgs {
  /** The stack the buckets belong to; their name prefixes derive from it. */
  ref: StackRef;
  /**
   * Days before objects in the payloads bucket (large inputs and running states) expire. An
   * input must outlive every message that refers to it, DLQ and redrive included (the stack
   * config checks this against the queue and workflow settings).
   * @default 30
   * @example 30
   */
  payloadExpirationDays?: number;
  /**
   * Days before objects in the results bucket (task records, runs, outputs) expire; 0 keeps them.
   * @default 0
   * @example 365
   */
  resultExpirationDays?: number;
  /**
   * Keep every version of every object (replaced and deleted versions expire after
   * {@link NONCURRENT_VERSION_DAYS} days).
   * @default false
   * @example true
   */
  versioning?: boolean;
  /**
   * Keep both buckets when the stack is destroyed, and protect them: `pulumi destroy` stops
   * until the protection is lifted with `pulumi state unprotect`.
   * @default false
   * @example true
   */
  retain?: boolean;
  /**
   * Let `pulumi destroy` delete buckets that still hold objects. Only for stacks whose data
   * may be thrown away; it cannot be combined with `retain`.
   * @default false
   * @example true
   */
  forceDestroy?: boolean;
}

/** What one bucket holds, and how long. */
interface BucketPurpose {
  /** Short name: part of the bucket's name and of its children's names. */
  name: "payloads" | "results";
  /** Days before every object expires; 0 keeps objects. */
  expirationDays: number;
}

/**
 * The two buckets: `payloads` (large inputs and running states, short-lived) and `results`
 * (task records, attempt ledgers, outputs, failures). Both block every form of public access,
 * disable ACLs (bucket owner enforced), encrypt at rest, refuse requests without TLS, and expire
 * objects by lifecycle rules.
 *
 * @example
 * ```ts
 * const storage = new TaskStorage("storage", { ref, payloadExpirationDays: 3, forceDestroy: true });
 * export const resultsBucket = storage.results.bucket;
 * ```
 */
export class TaskStorage extends pulumi.ComponentResource {
  readonly payloads: aws.s3.Bucket;
  readonly results: aws.s3.Bucket;

  constructor(name: string, args: TaskStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate first: a mistake stops the program before anything is registered.
    const settings = normalizeArgs(name, args);
    super("tasklane:infra:TaskStorage", name, {}, opts);

    this.payloads = this.createBucket(name, settings, {
      name: "payloads",
      expirationDays: settings.payloadExpirationDays,
    });
    this.results = this.createBucket(name, settings, {
      name: "results",
      expirationDays: settings.resultExpirationDays,
    });

    this.registerOutputs({
      payloadsBucket: this.payloads.bucket,
      resultsBucket: this.results.bucket,
    });
  }

  private createBucket(
    name: string,
    settings: TaskStorageSettings,
    purpose: BucketPurpose,
  ): aws.s3.Bucket {
    const id = `${name}${purpose.name[0]?.toUpperCase()}${purpose.name.slice(1)}`;
    // Retained buckets keep their safeguards too: a bucket that outlives the stack must not
    // lose its public access block or its TLS-only policy on the way out.
    const childOpts: pulumi.CustomResourceOptions = {
      parent: this,
      retainOnDelete: settings.retain,
    };

    const bucket = new aws.s3.Bucket(
      `${id}Bucket`,
      {
        // Bucket names are global: S3 appends a unique suffix to the stack's prefix.
        bucketPrefix: resourceName(settings.ref, purpose.name, BUCKET_PREFIX_MAX_LENGTH, "-"),
        forceDestroy: settings.forceDestroy,
      },
      { ...childOpts, protect: settings.retain },
    );

    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${id}PublicAccessBlock`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      childOpts,
    );

    new aws.s3.BucketOwnershipControls(
      `${id}OwnershipControls`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      childOpts,
    );

    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${id}Encryption`,
      {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      },
      childOpts,
    );

    const versioning = settings.versioning
      ? new aws.s3.BucketVersioning(
          `${id}Versioning`,
          { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
          childOpts,
        )
      : undefined;

    new aws.s3.BucketLifecycleConfiguration(
      `${id}Lifecycle`,
      { bucket: bucket.id, rules: lifecycleRules(purpose, settings.versioning) },
      // S3 rejects noncurrent-version rules until versioning is on.
      { ...childOpts, dependsOn: versioning ? [versioning] : [] },
    );

    new aws.s3.BucketPolicy(
      `${id}Policy`,
      { bucket: bucket.id, policy: denyInsecureTransport(bucket.arn) },
      // Put the policy after the public access block, so it is never evaluated without it.
      { ...childOpts, dependsOn: [publicAccessBlock] },
    );

    return bucket;
  }
}

type TaskStorageSettings = Required<TaskStorageArgs>;

function normalizeArgs(name: string, args: TaskStorageArgs): TaskStorageSettings {
  const settings: TaskStorageSettings = {
    payloadExpirationDays: 30,
    resultExpirationDays: 0,
    versioning: false,
    retain: false,
    forceDestroy: false,
    ...args,
  };
  const fail = (field: string, problem: string) => {
    throw new ComponentArgsError("TaskStorage", name, field, problem);
  };
  if (!Number.isInteger(settings.payloadExpirationDays) || settings.payloadExpirationDays < 1) {
    fail("payloadExpirationDays", "must be a whole number of days, at least 1");
  }
  if (!Number.isInteger(settings.resultExpirationDays) || settings.resultExpirationDays < 0) {
    fail("resultExpirationDays", "must be a whole number of days, or 0 to keep results");
  }
  if (settings.retain && settings.forceDestroy) {
    fail("forceDestroy", "cannot be true for retained buckets (`retain` is true)");
  }
  return settings;
}

function lifecycleRules(
  purpose: BucketPurpose,
  versioning: boolean,
): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  const everyObject = { prefix: "" };
  const rules: aws.types.input.s3.BucketLifecycleConfigurationRule[] = [
    {
      id: "abort-incomplete-uploads",
      status: "Enabled",
      filter: everyObject,
      abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS },
    },
  ];
  if (purpose.expirationDays > 0) {
    rules.push({
      id: `expire-${purpose.name}`,
      status: "Enabled",
      filter: everyObject,
      expiration: { days: purpose.expirationDays },
    });
  }
  if (versioning) {
    rules.push({
      id: "expire-noncurrent-versions",
      status: "Enabled",
      filter: everyObject,
      noncurrentVersionExpiration: { noncurrentDays: NONCURRENT_VERSION_DAYS },
      expiration: { expiredObjectDeleteMarker: true },
    });
  }
  return rules;
}

/** Refuses every request that does not use TLS, whoever sends it. */
function denyInsecureTransport(bucketArn: pulumi.Output<string>): pulumi.Output<string> {
  return bucketArn.apply((arn) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [arn, `${arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    }),
  );
}
