import { createInterface } from "node:readline/promises";
import { createTasklaneClient } from "@tasklane/api-client";
import { createAutomationStackGateway } from "./automationStackGateway.js";
import { createBundleBuilder } from "./bundleBuilder.js";
import type { DependencySettings } from "./cliEnvironment.js";
import { createGitRepository } from "./gitRepository.js";
import type { Confirm, PromoteDependencies } from "./promote.js";

/**
 * The dependencies of a real run: Pulumi through the Automation API on the repository's
 * `Pulumi.yaml`, git, the bundler, the Tasklane API signed with SigV4 (the standard AWS credential
 * chain), and the terminal for confirmation.
 */
export function realDependencies(settings: DependencySettings): PromoteDependencies {
  return {
    stacks: createAutomationStackGateway({ workDir: settings.repoRoot, color: settings.color }),
    git: createGitRepository(settings.repoRoot),
    bundles: createBundleBuilder({ repoRoot: settings.repoRoot }),
    smokeTestApi: (apiUrl) =>
      createTasklaneClient({
        apiUrl,
        sigv4: settings.region ? { region: settings.region } : {},
        correlationId: `tasklane-release-${Date.now()}`,
      }),
    confirm: terminalConfirm(),
    output: settings.output,
  };
}

/** The streams `terminalConfirm` talks through: the process's, unless a test passes its own. */
export interface ConfirmStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
}

/**
 * Asks on the terminal and confirms only when the answer, trimmed, is exactly the expected one
 * (the target stack's name). `undefined` when the input is not a terminal (CI without `--yes`):
 * then nothing is asked and nothing is read. Input that ends before an answer declines.
 */
export function terminalConfirm(
  streams: ConfirmStreams = { input: process.stdin, output: process.stdout },
): Confirm {
  return async (question, answer) => {
    if (!streams.input.isTTY) return undefined;
    const terminal = createInterface({ input: streams.input, output: streams.output });
    const closed = new Promise<string>((resolve) => terminal.once("close", () => resolve("")));
    try {
      const reply = await Promise.race([terminal.question(question), closed]);
      return reply.trim() === answer;
    } finally {
      terminal.close();
    }
  };
}
