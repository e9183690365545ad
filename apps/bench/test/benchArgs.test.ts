import { afterEach, describe, expect, it, vi } from "vitest";
import { readBenchArgs, runOptions } from "../src/benchArgs.js";

const USAGE = "Usage: bench [--tasks N]\n";

describe("readBenchArgs", () => {
  afterEach(() => vi.restoreAllMocks());

  it("reads the options and checks a number's bounds, naming the option", () => {
    // Act
    const args = readBenchArgs("bench:x", USAGE, ["--tasks", "30", "--json"], {
      tasks: { type: "string", default: "10" },
    });

    // Assess
    if ("exit" in args) throw new Error("the arguments are valid");
    expect(args.values.json).toBe(true);
    expect(args.number("tasks", 1, 100)).toBe(30);
    expect(() => args.number("tasks", 1, 20)).toThrow(
      "--tasks must be a whole number from 1 to 20",
    );
  });

  it("reads a run's options, a list and a choice, naming the option when one is wrong", () => {
    // Act
    const args = readBenchArgs(
      "bench:x",
      USAGE,
      ["--tasks", "7", "--timeout", "2", "--stack", " dev, ,prod", "--mode", "off"],
      { ...runOptions(10), stack: { type: "string" }, mode: { type: "string" } },
    );

    // Assess
    if ("exit" in args) throw new Error("the arguments are valid");
    expect(args.run(100)).toEqual({ tasks: 7, concurrency: 4, timeoutMs: 2000 });
    expect(() => args.run(5)).toThrow("--tasks must be a whole number from 1 to 5");
    expect(args.list("stack")).toEqual(["dev", "prod"]);
    expect(args.list("absent")).toEqual([]);
    expect(args.choice("mode", ["auto", "off"])).toBe("off");
    expect(args.choice("absent", ["auto", "off"])).toBeUndefined();
    expect(() => args.choice("mode", ["auto", "on"])).toThrow("--mode must be auto or on, not off");
  });

  it.each([
    [["--help"], 0],
    [["--nope"], 2],
  ])("answers %j with exit %i and the usage", (argv, exit) => {
    // Prepare
    const out = vi.spyOn(process.stdout, "write").mockReturnValue(true);
    const err = vi.spyOn(process.stderr, "write").mockReturnValue(true);

    // Act
    const args = readBenchArgs("bench:x", USAGE, argv, { tasks: { type: "string" } });

    // Assess
    expect(args).toEqual({ exit });
    expect(String((exit === 0 ? out : err).mock.calls[0]?.[0])).toContain(USAGE);
  });
});
