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
    confirm: terminalConfirm,
    output: settings.output,
  };
}

/** Asks on the terminal; `undefined` when stdin is not one (CI without --yes). */
const terminalConfirm: Confirm = async (question, answer) => {
  if (!process.stdin.isTTY) return undefined;
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await terminal.question(question)).trim() === answer;
  } finally {
    terminal.close();
  }
};
