import { TASK_TABLE } from "@tasklane/shared-task";
import { FUNCTIONS, type FunctionName, type FunctionSpec } from "@tasklane/stack-config";
import { beforeAll, describe, expect, it } from "vitest";
import type { ResolvedPolicyStatement } from "../components/policyDocument.js";
import { LOG_DELIVERY_ACTIONS, STATE_MACHINE_XRAY_ACTIONS } from "../components/taskWorkflow.js";
import { tableAccess } from "../functionAccess.js";
import {
  componentName,
  describeEachStack,
  json,
  MOCK_ACCOUNT_ID,
  mockKeyArn,
  policyOf,
  promiseOf,
} from "./pulumiMocks.js";

/**
 * The only actions AWS documents on `Resource: "*"`, having no resource-level permissions:
 * X-Ray's and CloudWatch Logs delivery's (named once, where the workflow's role is made).
 */
const STAR_RESOURCE_ACTIONS = new Set([...STATE_MACHINE_XRAY_ACTIONS, ...LOG_DELIVERY_ACTIONS]);

/**
 * What each handler may do outside the tasks table, in words; `kms` when the queue has a
 * customer-managed key. The table's grants come from the catalog (see below).
 */
function expectedAccess(kms: boolean): Record<FunctionName, string[]> {
  const send = [
    "sqs:SendMessage on queue",
    ...(kms ? ["kms:GenerateDataKey,kms:Decrypt on queue-key"] : []),
  ];
  const runningStates = [
    "s3:GetObject on payloads/inputs/*, payloads/states/*",
    "s3:PutObject on payloads/states/*",
    "s3:PutObject on results/runs/*",
    "s3:ListBucket on payloads if s3:prefix like inputs/*, states/*",
  ];
  return {
    ingest: ["s3:PutObject,s3:DeleteObject on payloads/inputs/*", ...send],
    status: ["s3:GetObject on results/runs/*", "s3:ListBucket on results if s3:prefix like runs/*"],
    cancel: ["states:StopExecution on executions"],
    retry: send,
    "resend-unsent": send,
    catalog: [],
    "start-executions": [
      "sqs:ReceiveMessage,sqs:DeleteMessage,sqs:GetQueueAttributes on queue",
      ...(kms ? ["kms:Decrypt on queue-key"] : []),
      // Both state machines, but only Standard executions can be stopped.
      "states:StartExecution on state-machine, express-state-machine",
      "states:StopExecution on executions",
    ],
    "create-task": runningStates,
    "check-task-status": runningStates,
    "task-completed": [],
    "mark-failed": [],
  };
}

/**
 * What a function may do on the tasks table, in words, from its catalog entry: its item actions
 * on the table, `Query` on its indexes only, and `kms:Decrypt` on the table's key when it has one.
 */
function expectedTableAccess(spec: FunctionSpec, kms: boolean): string[] {
  const items = spec.table.filter((action) => action !== "Query");
  return [
    ...(items.length > 0 ? [`${items.map((a) => `dynamodb:${a}`).join(",")} on table`] : []),
    ...(spec.table.includes("Query")
      ? [
          `dynamodb:Query on ${(spec.indexes ?? []).map((i) => `table/index/${TASK_TABLE.indexes[i].name}`).join(", ")}`,
        ]
      : []),
    ...(kms && spec.table.length > 0 ? ["kms:Decrypt on table-key"] : []),
  ];
}

const isTableStatement = (s: ResolvedPolicyStatement) =>
  s.Action.some((a) => a.startsWith("dynamodb:")) || s.Sid === "DecryptTaskRecords";

describeEachStack("IAM in the %s stack", ({ stack, config, run }) => {
  let statementsOf: (policyName: string) => ResolvedPolicyStatement[];
  let describeStatement: (statement: ResolvedPolicyStatement) => string;
  beforeAll(async () => {
    statementsOf = (policyName) => policyOf(run, policyName).Statement;
    // ARNs in words: buckets and the table keep their object or index path, KMS keys are named.
    const exact = new Map([
      [await promiseOf(run.program.queueArn), "queue"],
      [mockKeyArn("tasksKey"), "queue-key"],
      [mockKeyArn("tableKey"), "table-key"],
      [await promiseOf(run.program.stateMachineArn), "state-machine"],
      [
        `arn:aws:states:us-east-1:${MOCK_ACCOUNT_ID}:stateMachine:tasklane-${stack}-workflow-express`,
        "express-state-machine",
      ],
      [
        `arn:aws:states:us-east-1:${MOCK_ACCOUNT_ID}:execution:tasklane-${stack}-workflow:*`,
        "executions",
      ],
    ]);
    const containers = [
      [`arn:aws:s3:::${await promiseOf(run.program.resultsBucket)}`, "results"],
      [`arn:aws:s3:::${await promiseOf(run.program.payloadsBucket)}`, "payloads"],
      [await promiseOf(run.program.tableArn), "table"],
    ] as const;
    const short = (arn: string): string => {
      const container = containers.find(
        ([prefix]) => arn === prefix || arn.startsWith(`${prefix}/`),
      );
      if (container) return `${container[1]}${arn.slice(container[0].length)}`;
      return exact.get(arn) ?? arn;
    };
    describeStatement = (s) => {
      const prefixes = s.Condition?.StringLike?.["s3:prefix"];
      return `${s.Action.join(",")} on ${s.Resource.map(short).join(", ")}${prefixes ? ` if s3:prefix like ${[prefixes].flat().join(", ")}` : ""}`;
    };
  });

  it("names no wildcard action in any statement of any role", () => {
    const wildcards = run
      .ofType("aws:iam/rolePolicy:RolePolicy")
      .flatMap((policy) =>
        policyOf(run, policy.name).Statement.flatMap((s) =>
          s.Action.filter((action) => action.includes("*")).map(
            (a) => `${policy.name} ${s.Sid}: ${a}`,
          ),
        ),
      );

    expect(wildcards).toEqual([]);
  });

  it('uses Resource "*" only for X-Ray and log delivery, which have no resource-level permissions', () => {
    const unscoped = run.ofType("aws:iam/rolePolicy:RolePolicy").flatMap((policy) =>
      policyOf(run, policy.name)
        .Statement.filter((s) => s.Resource.includes("*"))
        .flatMap((s) => s.Action.filter((a) => !STAR_RESOURCE_ACTIONS.has(a)))
        .map((action) => `${policy.name}: ${action} on *`),
    );

    expect(unscoped).toEqual([]);
  });

  it("allows, never denies, in role policies, with a distinct Sid per statement", () => {
    for (const policy of run.ofType("aws:iam/rolePolicy:RolePolicy")) {
      const statements = policyOf(run, policy.name).Statement;
      const sids = statements.map((s) => s.Sid);

      expect(new Set(sids).size, policy.name).toBe(sids.length);
      expect(
        statements.every((s) => s.Effect === "Allow"),
        policy.name,
      ).toBe(true);
    }
  });

  it("gives every function a role of its own, and every role one inline policy", () => {
    const functionRoles = FUNCTIONS.map(
      (f) => run.named(`${componentName(f.name)}Function`).inputs.role,
    );
    const roles = run.ofType("aws:iam/role:Role");

    expect(new Set(functionRoles).size).toBe(FUNCTIONS.length);
    expect(roles).toHaveLength(FUNCTIONS.length + 1);
    expect(run.ofType("aws:iam/rolePolicy:RolePolicy")).toHaveLength(roles.length);
    expect(roles.every((r) => r.inputs.managedPolicyArns === undefined)).toBe(true);
  });

  it.each(FUNCTIONS.map((f) => f.name))(
    "lets the %s function do exactly what its handler calls outside the table, on exactly its ARNs and prefixes",
    (name) => {
      const granted = statementsOf(`${componentName(name)}Policy`)
        .filter((s) => s.Sid !== "WriteOwnLogs" && s.Sid !== "WriteTraces")
        .filter((s) => !isTableStatement(s))
        .map(describeStatement);

      expect(granted.sort()).toEqual(expectedAccess(config.queue.kms)[name].sort());
    },
  );

  it.each(FUNCTIONS.map((f) => f.name))(
    "lets the %s function call exactly its catalog's table actions on the table, and Query only on its indexes",
    (name) => {
      const spec = FUNCTIONS.find((f) => f.name === name) as FunctionSpec;
      const granted = statementsOf(`${componentName(name)}Policy`)
        .filter(isTableStatement)
        .map(describeStatement);

      expect(granted.sort(), `${name}Policy`).toEqual(
        expectedTableAccess(spec, config.table.kms).sort(),
      );
    },
  );

  it("grants no table-wide DynamoDB access: no dynamodb:* action, no wildcard table or index ARN", () => {
    const broad = run.ofType("aws:iam/rolePolicy:RolePolicy").flatMap((policy) =>
      policyOf(run, policy.name)
        .Statement.filter((s) => s.Action.some((a) => a.startsWith("dynamodb:")))
        .filter(
          (s) =>
            s.Action.some((a) => a.includes("*")) ||
            s.Resource.some((r) => r.includes("*") || !r.startsWith("arn:aws:dynamodb:")),
        )
        .map((s) => `${policy.name} ${s.Sid}: ${s.Action.join(",")} on ${s.Resource.join(", ")}`),
    );

    expect(broad).toEqual([]);
  });

  it("lets only the functions that use the table decrypt with its key, and with no other", () => {
    const decrypters = FUNCTIONS.filter((f) =>
      statementsOf(`${componentName(f.name)}Policy`).some((s) =>
        s.Resource.includes(mockKeyArn("tableKey")),
      ),
    ).map((f) => f.name);

    expect(decrypters.sort()).toEqual(
      config.table.kms
        ? FUNCTIONS.filter((f) => f.table.length > 0)
            .map((f) => f.name)
            .sort()
        : [],
    );
  });

  it.each(FUNCTIONS.map((f) => f.name))(
    "lets the %s function write only its own log group, and traces",
    (name) => {
      const statements = statementsOf(`${componentName(name)}Policy`);
      const logGroup = `arn:aws:logs:us-east-1:${MOCK_ACCOUNT_ID}:log-group:/aws/lambda/tasklane-${stack}-${name}`;

      expect(statements.find((s) => s.Sid === "WriteOwnLogs")).toEqual({
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [`${logGroup}:*`],
      });
      expect(statements.find((s) => s.Sid === "WriteTraces")?.Action).toEqual([
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
      ]);
    },
  );

  it("lets the state machine's role invoke exactly the four step functions, and nothing else", async () => {
    const steps = FUNCTIONS.filter((f) => f.role === "step").map((f) => f.name);
    const stepArns = steps.map(
      (name) => `arn:aws:lambda:us-east-1:${MOCK_ACCOUNT_ID}:function:tasklane-${stack}-${name}`,
    );
    const statements = statementsOf("workflowPolicy");

    expect(steps).toHaveLength(4);
    expect(statements.find((s) => s.Sid === "InvokeSteps")).toEqual({
      Sid: "InvokeSteps",
      Effect: "Allow",
      Action: ["lambda:InvokeFunction"],
      // The unqualified ARNs the definition names: no version or alias (`<arn>:*`).
      Resource: stepArns,
    });
    expect(statements.map((s) => s.Sid).sort()).toEqual([
      "DeliverLogs",
      "InvokeSteps",
      "WriteTraces",
    ]);
    expect(await promiseOf(run.program.stateMachineArn)).toContain(`tasklane-${stack}-workflow`);
  });

  it("lets a function list a bucket only under the prefixes it reads", () => {
    const unscoped = FUNCTIONS.flatMap((f) =>
      statementsOf(`${componentName(f.name)}Policy`)
        .filter((s) => s.Action.includes("s3:ListBucket"))
        .filter((s) => {
          const prefixes = [s.Condition?.StringLike?.["s3:prefix"] ?? []].flat();
          return prefixes.length === 0 || prefixes.some((p) => !/^[a-z]+\/\*$/.test(p));
        })
        .map((s) => `${f.name} ${s.Sid}`),
    );

    expect(unscoped).toEqual([]);
  });

  it("lets no function role invoke a function", () => {
    const invokers = FUNCTIONS.filter((f) =>
      statementsOf(`${componentName(f.name)}Policy`).some((s) =>
        s.Action.some((a) => a.startsWith("lambda:")),
      ),
    );

    expect(invokers).toEqual([]);
  });

  it("lets only Lambda assume function roles, and only this account's two state machines assume theirs", () => {
    for (const spec of FUNCTIONS) {
      const trust = json<{ Statement: { Principal: unknown; Action: string }[] }>(
        run.named(`${componentName(spec.name)}Role`).inputs.assumeRolePolicy,
      );
      expect(trust.Statement, spec.name).toEqual([
        {
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ]);
    }
    expect(json(run.named("workflowRole").inputs.assumeRolePolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "states.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID },
            ArnLike: {
              "aws:SourceArn": [
                `arn:aws:states:us-east-1:${MOCK_ACCOUNT_ID}:stateMachine:tasklane-${stack}-workflow`,
                `arn:aws:states:us-east-1:${MOCK_ACCOUNT_ID}:stateMachine:tasklane-${stack}-workflow-express`,
              ],
            },
          },
        },
      ],
    });
  });
});

describe("the table statements a catalog entry gets", () => {
  const targets = { tableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/t" };

  it("stop the program when an entry queries without naming its indexes", () => {
    expect(() => tableAccess({ name: "status", table: ["GetItem", "Query"] }, targets)).toThrow(
      "function status: its catalog entry must list `indexes` exactly when its `table` includes Query",
    );
  });

  it("stop the program when an entry names indexes it never queries", () => {
    expect(() =>
      tableAccess({ name: "retry", table: ["GetItem"], indexes: ["byOwner"] }, targets),
    ).toThrow("function retry: its catalog entry must list `indexes`");
  });

  it("are none for a function that does not use the table, key or no key", () => {
    expect(tableAccess({ name: "catalog", table: [] }, { ...targets, tableKeyArn: "k" })).toEqual(
      [],
    );
  });
});
