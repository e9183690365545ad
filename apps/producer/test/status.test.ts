import { randomUUID } from "node:crypto";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { fingerprintSubmission, newTaskId, s3Keys } from "@tasklane/shared-task";
import { describe, expect, it } from "vitest";
import { LIST_PAGE_MAX_BYTES } from "../src/listTasks.js";
import { apiEvent, call, taskEvent } from "./helpers/apiEvents.js";
import { seedTask } from "./helpers/producerEnvironment.js";
import { producerSuite } from "./helpers/producerSuite.js";

const { aws, records, status } = producerSuite({}, ["status"]);

/** A caller of its own, so a listing holds only the test's tasks. */
const newCaller = () => `arn:aws:iam::123456789012:user/${randomUUID()}`;

const getTask = (id: string, callerArn: string) =>
  call(status, taskEvent("GET /tasks/{id}", id, { callerArn }));

const listTasks = (callerArn: string, query: Record<string, string> = {}) =>
  call(status, apiEvent({ routeKey: "GET /tasks", path: "/tasks", query, callerArn }));

/** Every page of `GET /tasks`, following `nextCursor`. */
async function listAll(callerArn: string, query: Record<string, string>) {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await listTasks(callerArn, { ...query, ...(cursor ? { cursor } : {}) });
    expect(page.status).toBe(200);
    ids.push(...page.body.tasks.map((t: { id: string }) => t.id));
    cursor = page.body.nextCursor;
    pages += 1;
  } while (cursor && pages < 50);
  return { ids, pages };
}

/** A succeeded task whose output (`bytes` of JSON) was stored in the results bucket. */
async function succeededWithLargeOutput(owner: string, bytes: number) {
  const id = newTaskId();
  const input = { n: 1 };
  await records.create({
    id,
    type: "echo",
    owner,
    input: { kind: "inline", value: input },
    fingerprint: fingerprintSubmission({ type: "echo", input }),
    correlationId: "req-large",
    createdAt: new Date().toISOString(),
  });
  const text = "o".repeat(bytes - 12);
  const key = s3Keys.output(id, 1);
  const body = JSON.stringify({ text });
  await aws.s3.send(new PutObjectCommand({ Bucket: aws.buckets.results, Key: key, Body: body }));
  await records.claimAttempt(id, 1, "run-1");
  const output = { kind: "s3" as const, bucket: aws.buckets.results, key, bytes: body.length };
  await records.complete(id, { generation: 1, runId: "run-1" }, { output, polls: 0 });
  return { id, key, bytes: body.length };
}

describe("GET /tasks/{id}", () => {
  it("shows a queued task from its record: its input, its timeline, nothing cached", async () => {
    // Prepare
    const caller = newCaller();
    const task = await seedTask(records, { owner: caller, status: "queued", input: { a: 1 } });

    // Act
    const response = await getTask(task.id, caller);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.body).toEqual({
      id: task.id,
      type: "echo",
      status: "queued",
      generation: 1,
      attempts: 0,
      createdAt: task.createdAt,
      updatedAt: task.updatedAt,
      input: { a: 1 },
      timeline: [expect.objectContaining({ event: "queued", generation: 1 })],
    });
  });

  it("shows a failed task's error and attempts", async () => {
    // Prepare
    const caller = newCaller();
    const task = await seedTask(records, { owner: caller, status: "failed" });

    // Act
    const response = await getTask(task.id, caller);

    // Assess
    expect(response.body).toMatchObject({
      status: "failed",
      attempts: 1,
      error: { name: "TaskPermanentError", message: "bad data" },
      finishedAt: expect.any(String),
    });
  });

  it("returns a large output read from the results bucket", async () => {
    // Prepare
    const caller = newCaller();
    const { id } = await succeededWithLargeOutput(caller, 900 * 1024);

    // Act
    const response = await getTask(id, caller);

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.output.text).toHaveLength(900 * 1024 - 12);
    expect(response.body).not.toHaveProperty("outputLocation");
  });

  it.each([
    ["a task that does not exist", newTaskId()],
    ["an id that is not a task id", "nope"],
  ])("answers 404 for %s", async (_case, id) => {
    expect((await getTask(id, newCaller())).status).toBe(404);
  });
});

describe("GET /tasks", () => {
  it("lists 100 tasks with 900 KiB outputs in one page well under LIST_PAGE_MAX_BYTES", async () => {
    // Prepare
    const caller = newCaller();
    const tasks: { id: string; key: string; bytes: number }[] = [];
    for (let batch = 0; batch < 10; batch++) {
      tasks.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, () => succeededWithLargeOutput(caller, 900 * 1024)),
        )),
      );
    }

    // Act
    const response = await call(
      status,
      apiEvent({
        routeKey: "GET /tasks",
        path: "/tasks",
        query: { limit: "100" },
        callerArn: caller,
      }),
    );

    // Assess
    expect(response.status).toBe(200);
    const bytes = Buffer.byteLength(JSON.stringify(response.body));
    console.log(`GET /tasks: 100 tasks of 900 KiB outputs in a ${bytes}-byte page`);
    expect(bytes).toBeLessThan(LIST_PAGE_MAX_BYTES);
    expect(response.body.tasks).toHaveLength(100);
    expect(response.body.nextCursor).toBeUndefined();
    expect(new Set(response.body.tasks.map((t: { id: string }) => t.id))).toEqual(
      new Set(tasks.map((t) => t.id)),
    );
    for (const listed of response.body.tasks) {
      expect(listed).not.toHaveProperty("output");
      expect(listed.outputLocation).toEqual({
        bucket: aws.buckets.results,
        key: s3Keys.output(listed.id, 1),
        bytes: expect.any(Number),
      });
    }
  }, 60_000);

  it("ends a page early, with a cursor to the rest, rather than grow past LIST_PAGE_MAX_BYTES", async () => {
    // Prepare: errors of 20 KiB each, so 100 of them cannot fit one page.
    const caller = newCaller();
    const ids: string[] = [];
    const start = Date.now() - 60_000;
    for (let i = 0; i < 100; i++) {
      const createdAt = new Date(start + i).toISOString();
      const task = await seedTask(records, { owner: caller, status: "running", createdAt });
      await records.fail(
        task.id,
        { generation: 1, runId: "run-seed" },
        {
          name: "TaskPermanentError",
          message: "e".repeat(20 * 1024),
        },
      );
      ids.push(task.id);
    }

    // Act
    const first = await listTasks(caller, { limit: "100" });
    const { ids: all } = await listAll(caller, { limit: "100" });

    // Assess
    expect(first.status).toBe(200);
    expect(Buffer.byteLength(JSON.stringify(first.body))).toBeLessThan(LIST_PAGE_MAX_BYTES);
    expect(first.body.tasks.length).toBeLessThan(100);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(all).toEqual(ids);
  }, 60_000);

  it("pages through the caller's tasks oldest first, with status and type filters", async () => {
    // Prepare
    const caller = newCaller();
    const made = [];
    const start = Date.now() - 60_000;
    for (const [i, status] of (
      ["queued", "failed", "succeeded", "failed", "queued"] as const
    ).entries()) {
      for (const type of ["echo", "sleep"]) {
        made.push(
          await seedTask(records, {
            owner: caller,
            status,
            type,
            input: type === "sleep" ? { seconds: i } : { i },
            createdAt: new Date(start + made.length).toISOString(),
          }),
        );
      }
    }

    // Act
    const all = await listAll(caller, { limit: "3" });
    const failed = await listAll(caller, { limit: "2", status: "failed" });
    const sleeps = await listAll(caller, { limit: "4", type: "sleep", status: "queued,failed" });

    // Assess
    expect(all.ids).toEqual(made.map((t) => t.id));
    expect(all.pages).toBeGreaterThan(1);
    expect(failed.ids).toEqual(made.filter((t) => t.status === "failed").map((t) => t.id));
    expect(sleeps.ids).toEqual(
      made.filter((t) => t.type === "sleep" && t.status !== "succeeded").map((t) => t.id),
    );
  });

  it.each([
    ["status", { status: "paused" }],
    ["limit", { limit: "0" }],
    ["limit", { limit: "101" }],
    ["since", { since: "yesterday" }],
    ["type", { type: "Not A Type!" }],
    ["cursor", { cursor: "bm90LWEtY3Vyc29y" }],
  ])("answers 400 naming `%s` when it is %o", async (path, query) => {
    // Act
    const response = await listTasks(newCaller(), query);

    // Assess
    expect(response.status).toBe(400);
    expect(response.contentType).toBe("application/problem+json");
    expect(response.body.errors).toEqual([expect.objectContaining({ path })]);
  });
});
