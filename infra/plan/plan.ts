import { parseArgs } from "node:util";
import { formatPlan } from "./formatPlan.js";
import { runUnderMocks } from "./mockStack.js";

/**
 * `pnpm --filter @tasklane/infra plan -- --stack prod`: prints the resources a `pulumi preview`
 * of a new stack would create, with their key settings, without the Pulumi CLI, an AWS account
 * or credentials. It runs the real program, with the stack's real config, under mocks.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    // pnpm may pass the `--` separator through.
    args: process.argv.slice(2).filter((arg) => arg !== "--"),
    options: { stack: { type: "string", short: "s", default: "dev" } },
  });
  const stack = values.stack;
  const { resources } = await runUnderMocks(stack, {}, () => import("../index.js"));
  console.log(formatPlan(stack, resources));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`plan failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
