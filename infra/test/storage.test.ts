import { describe, expect, it } from "vitest";
import { NONCURRENT_VERSION_DAYS } from "../components/taskStorage.js";
import { describeEachStack, json, promiseOf, runProgram } from "./pulumiMocks.js";

const BUCKETS = ["Payloads", "Results"] as const;

interface LifecycleRule {
  id: string;
  status: string;
  filter: { prefix: string };
  expiration?: { days?: number; expiredObjectDeleteMarker?: boolean };
  noncurrentVersionExpiration?: { noncurrentDays: number };
  abortIncompleteMultipartUpload?: { daysAfterInitiation: number };
}

interface BucketPolicy {
  Version: string;
  Statement: {
    Effect: string;
    Principal: unknown;
    Action: string | string[];
    Resource: string | string[];
    Condition?: { Bool?: Record<string, string> };
  }[];
}

describeEachStack("buckets in the %s stack", ({ stack, config, run }) => {
  it("creates exactly the payloads and results buckets", () => {
    expect(run.ofType("aws:s3/bucket:Bucket").map((b) => b.inputs.bucketPrefix)).toEqual([
      `tasklane-${stack}-payloads-`,
      `tasklane-${stack}-results-`,
    ]);
  });

  it.each(BUCKETS)("blocks every form of public access to the %s bucket", async (bucket) => {
    const block = run.named(`storage${bucket}PublicAccessBlock`).inputs;

    expect(block).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(block.bucket).toBe(await promiseOf(run.program[`${lower(bucket)}Bucket`]));
  });

  it.each(BUCKETS)("disables ACLs on the %s bucket (bucket owner enforced)", (bucket) => {
    expect(run.named(`storage${bucket}OwnershipControls`).inputs.rule).toEqual({
      objectOwnership: "BucketOwnerEnforced",
    });
  });

  it.each(BUCKETS)("encrypts the %s bucket at rest", (bucket) => {
    expect(run.named(`storage${bucket}Encryption`).inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
  });

  it.each(BUCKETS)(
    "refuses every request to the %s bucket that does not use TLS",
    async (bucket) => {
      const arn = `arn:aws:s3:::${await promiseOf(run.program[`${lower(bucket)}Bucket`])}`;
      const policy = json<BucketPolicy>(run.named(`storage${bucket}Policy`).inputs.policy);
      // Denied to anyone, for any action, when the request did not come over TLS.
      const deniesInsecure = (resource: string) =>
        policy.Statement.some(
          (s) =>
            s.Effect === "Deny" &&
            s.Principal === "*" &&
            s.Action === "s3:*" &&
            [s.Resource].flat().includes(resource) &&
            s.Condition?.Bool?.["aws:SecureTransport"] === "false",
        );

      expect(policy.Version).toBe("2012-10-17");
      expect(policy.Statement).toHaveLength(1);
      expect(deniesInsecure(arn), "the bucket").toBe(true);
      expect(deniesInsecure(`${arn}/*`), "its objects").toBe(true);
    },
  );

  it("expires payloads after the configured days, and results only when configured", () => {
    const rules = (bucket: (typeof BUCKETS)[number]) =>
      run.named(`storage${bucket}Lifecycle`).inputs.rules as LifecycleRule[];
    const expiry = (bucket: (typeof BUCKETS)[number]) =>
      rules(bucket).find((r) => r.id.startsWith("expire-") && r.expiration?.days !== undefined);

    expect(expiry("Payloads")).toMatchObject({
      status: "Enabled",
      filter: { prefix: "" },
      expiration: { days: config.storage.payloadExpirationDays },
    });
    expect(expiry("Results")?.expiration?.days).toBe(
      config.storage.resultExpirationDays > 0 ? config.storage.resultExpirationDays : undefined,
    );
    for (const bucket of BUCKETS) {
      expect(
        rules(bucket).find((r) => r.id === "abort-incomplete-uploads"),
        bucket,
      ).toMatchObject({
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      });
    }
  });

  it("versions both buckets, with old versions expiring, exactly when configured", () => {
    for (const bucket of BUCKETS) {
      const versioning = run.resources.find((r) => r.name === `storage${bucket}Versioning`);
      const noncurrent = (
        run.named(`storage${bucket}Lifecycle`).inputs.rules as LifecycleRule[]
      ).find((r) => r.noncurrentVersionExpiration);
      if (config.storage.versioning) {
        expect(versioning?.inputs.versioningConfiguration, bucket).toEqual({ status: "Enabled" });
        expect(noncurrent?.noncurrentVersionExpiration?.noncurrentDays, bucket).toBe(
          NONCURRENT_VERSION_DAYS,
        );
      } else {
        expect(versioning, bucket).toBeUndefined();
        expect(noncurrent, bucket).toBeUndefined();
      }
    }
  });

  it("lets destroy empty the buckets only where the stack is disposable", () => {
    for (const bucket of run.ofType("aws:s3/bucket:Bucket")) {
      expect(bucket.inputs.forceDestroy, bucket.name).toBe(config.storage.forceDestroy);
    }
  });

  it("keeps and protects retained buckets, and their safeguards, through pulumi destroy", () => {
    const storageChildren = run.resources.filter((r) => r.custom && r.type.startsWith("aws:s3/"));

    for (const resource of storageChildren) {
      expect(resource.retainOnDelete, resource.name).toBe(config.storage.retain);
      expect(resource.protect, resource.name).toBe(
        config.storage.retain && resource.type === "aws:s3/bucket:Bucket",
      );
    }
  });
});

describe("prod buckets", () => {
  it("are retained, protected, versioned and never force-destroyed", async () => {
    const run = await runProgram("prod");

    for (const bucket of run.ofType("aws:s3/bucket:Bucket")) {
      expect(bucket, bucket.name).toMatchObject({ protect: true, retainOnDelete: true });
      expect(bucket.inputs.forceDestroy, bucket.name).toBe(false);
    }
    expect(run.ofType("aws:s3/bucketVersioning:BucketVersioning")).toHaveLength(2);
  });
});

function lower(bucket: (typeof BUCKETS)[number]) {
  return bucket === "Payloads" ? "payloads" : "results";
}
