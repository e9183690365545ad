import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TASK_TABLE, type TaskIndexName, taskTableDefinition } from "@tasklane/shared-task";
import { NAME_LIMITS, resourceName, type StackRef } from "@tasklane/stack-config";

/**
 * The physical name of a stack's tasks table: `<project>-<stack>-tasks`. The local runtime
 * names its dynalite table the same way (`resourceName(ref, "tasks", NAME_LIMITS.dynamoTable)`).
 */
export function taskTableName(ref: StackRef): string {
  return resourceName(ref, "tasks", NAME_LIMITS.dynamoTable);
}

export interface TaskTableArgs {
  /** The stack the table belongs to; its physical name derives from it. */
  ref: StackRef;
  /**
   * Encrypt the table (its indexes, backups and PITR restores included) with a customer-managed
   * KMS key, rotated yearly, instead of the AWS-owned key. Every role that reads or writes the
   * table then needs `kms:Decrypt` on the key: DynamoDB decrypts the table key on the caller's
   * behalf.
   * @default false
   * @example true
   */
  kms?: boolean;
  /**
   * Continuous backups: the table can be restored to any second of the last 35 days.
   * @default false
   * @example true
   */
  pointInTimeRecovery?: boolean;
  /**
   * DynamoDB refuses `DeleteTable` (and so `pulumi destroy`, or a replacement) until this is
   * turned off again.
   * @default false
   * @example true
   */
  deletionProtection?: boolean;
}

/**
 * The stack's tasks table: one item per task, laid out exactly as shared-task's `TASK_TABLE`
 * (keys, the listing and unsent indexes, their projections), which is also what the local
 * runtime creates in dynalite. On-demand billing, so a quiet stack costs nothing and a burst is
 * absorbed without capacity planning; finished tasks expire through the `expiresAt` TTL
 * attribute; encrypted at rest, with point-in-time recovery and deletion protection when asked.
 *
 * @example
 * ```ts
 * const table = new TaskTable("table", { ref, kms: true, pointInTimeRecovery: true });
 * export const tableName = table.table.name;
 * ```
 */
export class TaskTable extends pulumi.ComponentResource {
  readonly table: aws.dynamodb.Table;
  /** The customer-managed key, when `kms` is on. */
  readonly key?: aws.kms.Key;

  constructor(name: string, args: TaskTableArgs, opts?: pulumi.ComponentResourceOptions) {
    const settings = normalizeArgs(args);
    super("tasklane:infra:TaskTable", name, {}, opts);
    const tableName = taskTableName(args.ref);

    this.key = settings.kms ? createKey(this, name, args.ref) : undefined;

    this.table = new aws.dynamodb.Table(
      `${name}Table`,
      {
        name: tableName,
        billingMode: "PAY_PER_REQUEST",
        ...layoutOf(tableName),
        ttl: { attributeName: TASK_TABLE.ttlAttribute, enabled: true },
        // Disabled means the AWS-owned key; enabled with a key ARN, the customer-managed key.
        serverSideEncryption: this.key
          ? { enabled: true, kmsKeyArn: this.key.arn }
          : { enabled: false },
        pointInTimeRecovery: { enabled: settings.pointInTimeRecovery },
        deletionProtectionEnabled: settings.deletionProtection,
      },
      { parent: this },
    );

    this.registerOutputs({ tableName: this.table.name, tableArn: this.table.arn });
  }
}

/** The ARN a `Query` of one of the table's indexes is authorized against. */
export function taskIndexArn(
  tableArn: pulumi.Input<string>,
  index: TaskIndexName,
): pulumi.Output<string> {
  return pulumi.interpolate`${tableArn}/index/${TASK_TABLE.indexes[index].name}`;
}

type TaskTableSettings = Required<Omit<TaskTableArgs, "ref">>;

function normalizeArgs(args: TaskTableArgs): TaskTableSettings {
  return { kms: false, pointInTimeRecovery: false, deletionProtection: false, ...args };
}

/**
 * Keys, attributes and indexes, mapped from the very `CreateTable` definition the local runtime
 * uses, so the two cannot drift apart.
 */
function layoutOf(
  tableName: string,
): Pick<aws.dynamodb.TableArgs, "hashKey" | "attributes" | "globalSecondaryIndexes"> {
  const definition = taskTableDefinition(tableName);
  return {
    hashKey: definition.KeySchema.find((key) => key.KeyType === "HASH")?.AttributeName,
    attributes: definition.AttributeDefinitions.map((attribute) => ({
      name: attribute.AttributeName,
      type: attribute.AttributeType,
    })),
    globalSecondaryIndexes: definition.GlobalSecondaryIndexes.map((index) => ({
      name: index.IndexName,
      keySchemas: index.KeySchema.map((key) => ({
        attributeName: key.AttributeName,
        keyType: key.KeyType,
      })),
      projectionType: index.Projection.ProjectionType,
    })),
  };
}

function createKey(parent: TaskTable, name: string, ref: StackRef): aws.kms.Key {
  // No key policy given, as for the queue's key: AWS applies the default one, which lets this
  // account's IAM policies grant use of the key. Each function's role then names exactly this
  // key, and DynamoDB's own grants (made when the table is created) cover its background work.
  const key = new aws.kms.Key(
    `${name}Key`,
    {
      description: `Encrypts the ${ref.project} ${ref.stack} tasks table`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    },
    { parent },
  );
  new aws.kms.Alias(
    `${name}KeyAlias`,
    { name: `alias/${resourceName(ref, "tasks-table", 250)}`, targetKeyId: key.keyId },
    { parent },
  );
  return key;
}
