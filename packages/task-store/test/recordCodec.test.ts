import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { type AwsEmulators, startAwsEmulators } from "@tasklane/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CorruptRecordError, type TaskRecords, tableClient } from "../src/index.js";
import { freshRecords, newTask } from "./helpers/taskFixtures.js";

let aws: AwsEmulators;
let records: TaskRecords;

beforeAll(async () => {
  aws = await startAwsEmulators();
  records = await freshRecords(aws);
});
afterAll(() => aws.stop());

describe("a record in the table", () => {
  it("keeps an input nested deeper than DynamoDB's 32 levels, and numbers exactly", async () => {
    // Prepare
    let deep: unknown = { n: 0.1 + 0.2, big: 2 ** 60, tiny: 1e-300 };
    for (let level = 0; level < 40; level++) deep = { level, deep };
    const task = newTask({ input: { kind: "inline", value: deep as never } });

    // Act
    await records.create(task);

    // Assess
    expect((await records.get(task.id))?.input).toEqual(task.input);
  });

  it("that breaks the record schema is refused, naming the task", async () => {
    // Prepare
    const id = newTask().id;
    await tableClient(aws.dynamodb).send(
      new PutCommand({ TableName: records.tableName, Item: { id, status: "unheard-of" } }),
    );

    // Act
    const reading = records.get(id);

    // Assess
    await expect(reading).rejects.toThrow(CorruptRecordError);
    await expect(records.get(id)).rejects.toThrow(`task record ${id} does not match its schema`);
  });
});
