import type { TaskRecord } from "@tasklane/shared-task";
import { beforeEach, describe, expect, it } from "vitest";
import { apiEvent, call, jwtAuthorizer, taskEvent } from "./helpers/apiEvents.js";
import { OPERATOR_ARN, OPERATOR_SCOPE, seedTask } from "./helpers/producerEnvironment.js";
import { producerSuite } from "./helpers/producerSuite.js";

const ALICE = "arn:aws:iam::123456789012:user/alice";
const BOB = "arn:aws:iam::123456789012:user/bob";

const { aws, records, ingest, status, cancel, retry } = producerSuite({}, [
  "ingest",
  "status",
  "cancel",
  "retry",
]);
beforeEach(() => aws.stepFunctions.reset());

/** Who calls: an IAM principal's ARN, or a JWT authorizer's context. */
type Caller = { callerArn: string } | { authorizer: Record<string, unknown> };
const iam = (arn: string): Caller => ({ callerArn: arn });

const as = (caller: Caller) => ({
  submit: (input: unknown) =>
    call(ingest, apiEvent({ routeKey: "POST /tasks", body: { type: "echo", input }, ...caller })),
  get: (id: string) => call(status, taskEvent("GET /tasks/{id}", id, caller)),
  list: async (): Promise<string[]> => {
    const response = await call(
      status,
      apiEvent({ routeKey: "GET /tasks", path: "/tasks", query: { limit: "100" }, ...caller }),
    );
    expect(response.status).toBe(200);
    return response.body.tasks.map((t: { id: string }) => t.id);
  },
  cancel: (id: string) => call(cancel, taskEvent("DELETE /tasks/{id}", id, caller)),
  retry: (id: string) => call(retry, taskEvent("POST /tasks/{id}/retry", id, caller)),
});

/** One queued task (submitted through the API) and one failed task, of `owner`. */
async function tasksOf(owner: string) {
  const submitted = await as(iam(owner)).submit({ owner });
  expect(submitted.status).toBe(202);
  const failed = await seedTask(records, { owner, status: "failed" });
  return { queued: submitted.body.id as string, failed };
}

describe.each([
  { caller: "bob", other: "alice", callerArn: BOB, otherArn: ALICE },
  { caller: "alice", other: "bob", callerArn: ALICE, otherArn: BOB },
])("$caller, another caller than $other", ({ callerArn, otherArn }) => {
  let theirs: { queued: string; failed: TaskRecord };
  let before: { queued: TaskRecord | undefined; failed: TaskRecord | undefined };

  beforeEach(async () => {
    theirs = await tasksOf(otherArn);
    before = { queued: await records.get(theirs.queued), failed: theirs.failed };
  });

  it("cannot see their tasks: GET /tasks/{id} is 404, as for a task that does not exist", async () => {
    // Act
    const response = await as(iam(callerArn)).get(theirs.queued);

    // Assess
    expect(response.status).toBe(404);
    expect(response.body.detail).toBe(`there is no task ${theirs.queued}`);
  });

  it("does not list their tasks, only their own", async () => {
    // Prepare
    const mine = await tasksOf(callerArn);

    // Act
    const listed = await as(iam(callerArn)).list();

    // Assess
    expect(listed).toEqual(expect.arrayContaining([mine.queued, mine.failed.id]));
    expect(listed).not.toContain(theirs.queued);
    expect(listed).not.toContain(theirs.failed.id);
  });

  it("cannot cancel their tasks: 404, and the task is as it was", async () => {
    // Act
    const response = await as(iam(callerArn)).cancel(theirs.queued);

    // Assess
    expect(response.status).toBe(404);
    expect(await records.get(theirs.queued)).toEqual(before.queued);
  });

  it("cannot retry their tasks: 404, and the task is as it was", async () => {
    // Act
    const response = await as(iam(callerArn)).retry(theirs.failed.id);

    // Assess
    expect(response.status).toBe(404);
    expect(await records.get(theirs.failed.id)).toEqual(before.failed);
  });
});

describe.each<{ who: string; operator: Caller; caller: string }>([
  {
    who: "an IAM principal the operator grant names (any session of its role)",
    operator: iam(OPERATOR_ARN),
    caller: "arn:aws:sts::123456789012:assumed-role/TasklaneOperator",
  },
  {
    who: "a JWT caller with the operator scope",
    operator: { authorizer: jwtAuthorizer("ops-person", ["tasks/read", OPERATOR_SCOPE]) },
    caller: "jwt:https://auth.example.com:ops-person",
  },
])("$who", ({ operator, caller }) => {
  it("sees and lists every caller's tasks", async () => {
    // Prepare
    const [alices, bobs] = [await tasksOf(ALICE), await tasksOf(BOB)];

    // Act
    const [alicesTask, bobsTask] = [
      await as(operator).get(alices.queued),
      await as(operator).get(bobs.queued),
    ];
    const listed = await as(operator).list();

    // Assess
    expect([alicesTask.status, bobsTask.status]).toEqual([200, 200]);
    expect(listed).toEqual(
      expect.arrayContaining([alices.queued, alices.failed.id, bobs.queued, bobs.failed.id]),
    );
  });

  it("cancels and retries another caller's tasks", async () => {
    // Prepare
    const [alices, bobs] = [await tasksOf(ALICE), await tasksOf(BOB)];

    // Act
    const cancelled = await as(operator).cancel(alices.queued);
    const retried = await as(operator).retry(bobs.failed.id);

    // Assess
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: alices.queued, status: "cancelled" });
    expect(await records.get(alices.queued)).toMatchObject({
      owner: ALICE,
      status: "cancelled",
      cancelledBy: caller,
    });
    expect(retried.status).toBe(202);
    expect(await records.get(bobs.failed.id)).toMatchObject({
      owner: BOB,
      generation: 2,
      status: "queued",
    });
  });
});

describe("a JWT caller without the operator scope", () => {
  it("sees only its own tasks, even with other scopes", async () => {
    // Prepare
    const jwtCaller: Caller = { authorizer: jwtAuthorizer("someone", ["tasks/read"]) };
    const alices = await tasksOf(ALICE);
    const own = await as(jwtCaller).submit({ mine: true });

    // Act
    const [foreign, listed] = [await as(jwtCaller).get(alices.queued), await as(jwtCaller).list()];

    // Assess
    expect(foreign.status).toBe(404);
    expect(listed).toEqual([own.body.id]);
  });
});

describe("an IAM principal of another role", () => {
  it("is no operator, even with a name that starts like the operators' role", async () => {
    // Prepare
    const lookalike = iam("arn:aws:sts::123456789012:assumed-role/TasklaneOperatorX/s");
    const alices = await tasksOf(ALICE);

    // Act
    const response = await as(lookalike).get(alices.queued);

    // Assess
    expect(response.status).toBe(404);
  });
});
