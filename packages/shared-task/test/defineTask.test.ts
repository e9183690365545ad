import { describe, expect, it } from "vitest";
import * as z from "zod";
import {
  defineTask,
  defineTaskContract,
  TaskDefinitionError,
  TaskRegistry,
  TaskRegistryError,
  UnknownTaskTypeError,
} from "../src/index.js";

const valid = {
  type: "resize-image",
  description: "Resizes an image.",
  input: z.object({ width: z.int() }),
  output: z.object({ key: z.string() }),
};

describe("defineTaskContract", () => {
  it("accepts a well-formed contract and freezes it", () => {
    const contract = defineTaskContract({ ...valid, timeoutSeconds: 300 });

    expect(contract.type).toBe("resize-image");
    expect(contract.timeoutSeconds).toBe(300);
    expect(Object.isFrozen(contract)).toBe(true);
  });

  describe.each([
    ["an upper-case type", { type: "Resize" }, "`type` must be lower-case words"],
    ["a type with spaces", { type: "resize image" }, "`type` must be lower-case words"],
    ["a type with a trailing hyphen", { type: "resize-" }, "`type` must be lower-case words"],
    ["an empty type", { type: "" }, "`type` must be lower-case words"],
    ["a type that is not a string", { type: 42 }, "`type` must be lower-case words"],
    ["a type over 64 characters", { type: `a${"-b".repeat(40)}` }, "the limit is 64"],
    ["an empty description", { description: "   " }, "`description` must be a non-empty string"],
    ["a description over 500 characters", { description: "x".repeat(501) }, "the limit is 500"],
    [
      "an input that is not a zod schema",
      { input: { type: "object" } },
      "`input` must be a zod schema",
    ],
    ["an output that is not a zod schema", { output: null }, "`output` must be a zod schema"],
    ["a zero timeout", { timeoutSeconds: 0 }, "`timeoutSeconds` must be a whole number"],
    ["a fractional timeout", { timeoutSeconds: 1.5 }, "`timeoutSeconds` must be a whole number"],
    [
      "a timeout over a year",
      { timeoutSeconds: 31_536_001 },
      "`timeoutSeconds` must be a whole number",
    ],
  ])("rejects %s", (_case, override, message) => {
    it("with a TaskDefinitionError naming the field", () => {
      const act = () => defineTaskContract({ ...valid, ...override } as never);

      expect(act).toThrow(TaskDefinitionError);
      expect(act).toThrow(message);
    });
  });
});

describe("defineTask", () => {
  const contract = defineTaskContract(valid);

  it("joins a contract and its handlers", () => {
    const task = defineTask(contract, {
      start: () => ({ status: "succeeded", output: { key: "k" } }),
    });

    expect(task.type).toBe("resize-image");
    expect(task.contract).toEqual(contract);
    expect(task.poll).toBeUndefined();
  });

  it.each([
    ["no start", {}, "`start` must be a function"],
    ["a start that is not a function", { start: "go" }, "`start` must be a function"],
    [
      "a poll that is not a function",
      { start: () => undefined, poll: 3 },
      "`poll` must be a function",
    ],
    ["no handlers at all", null, "handlers must be an object"],
  ])("rejects %s, naming the task", (_case, handlers, message) => {
    const act = () => defineTask(contract, handlers as never);

    expect(act).toThrow(TaskDefinitionError);
    expect(act).toThrow(message);
    expect(act).toThrow("task `resize-image`");
  });
});

describe("TaskRegistry", () => {
  it("rejects two tasks with one type", () => {
    const act = () => new TaskRegistry([{ type: "echo" }, { type: "echo" }]);

    expect(act).toThrow(TaskRegistryError);
    expect(act).toThrow("task type `echo` is registered twice");
  });

  it("lists types in alphabetical order", () => {
    const registry = new TaskRegistry([{ type: "sleep" }, { type: "echo" }, { type: "fail" }]);

    expect(registry.types()).toEqual(["echo", "fail", "sleep"]);
    expect(registry.size).toBe(3);
  });

  it("names the unknown type and the known ones", () => {
    const registry = new TaskRegistry([{ type: "echo" }, { type: "sleep" }]);

    const act = () => registry.get("resize");

    expect(act).toThrow(UnknownTaskTypeError);
    expect(act).toThrow("unknown task type `resize`; known types: echo, sleep");
  });
});
