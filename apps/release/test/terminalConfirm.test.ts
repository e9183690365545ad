import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { terminalConfirm } from "../src/realDependencies.js";

/** A terminal whose input the test types into, and whose output it reads. */
function terminal(isTTY: boolean) {
  const input = Object.assign(new PassThrough(), { isTTY });
  const output = new PassThrough();
  let shown = "";
  output.on("data", (chunk: Buffer) => {
    shown += chunk.toString("utf8");
  });
  return { input, output, shown: () => shown };
}

const QUESTION = 'Deploy release 3f2a9c1d0b7e to prod? Type "prod" to confirm: ';

describe("terminalConfirm", () => {
  it("asks on the terminal and confirms when the stack's name is typed", async () => {
    // Prepare
    const t = terminal(true);
    const confirm = terminalConfirm(t);

    // Act
    const answer = confirm(QUESTION, "prod");
    t.input.write("  prod \n");

    // Assess
    expect(await answer).toBe(true);
    expect(t.shown()).toContain(QUESTION);
  });

  it.each([
    ["n", "n\n"],
    ["y: only the stack's name confirms", "y\n"],
    ["another stack's name", "dev\n"],
    ["nothing", "\n"],
  ])("declines when the answer is %s", async (_, typed) => {
    const t = terminal(true);

    const answer = terminalConfirm(t)(QUESTION, "prod");
    t.input.write(typed);

    expect(await answer).toBe(false);
  });

  it("declines when the input ends before an answer (Ctrl-D)", async () => {
    const t = terminal(true);

    const answer = terminalConfirm(t)(QUESTION, "prod");
    t.input.end();

    expect(await answer).toBe(false);
  });

  it("without a terminal, asks nothing, reads nothing and says there is nobody to ask", async () => {
    const t = terminal(false);
    t.input.write("prod\n");

    const answer = await terminalConfirm(t)(QUESTION, "prod");

    expect(answer).toBeUndefined();
    expect(t.shown()).toBe("");
    expect(t.input.read()?.toString()).toBe("prod\n");
  });

  it("treats a stream with no isTTY at all as no terminal", async () => {
    const input = new PassThrough();
    const output = new PassThrough();

    expect(await terminalConfirm({ input, output })(QUESTION, "prod")).toBeUndefined();
  });
});
