import { Command } from "commander";
import type { CommandRunner } from "../commandRunner.js";
import { dlqListCommand } from "./dlqListCommand.js";
import { dlqPurgeCommand } from "./dlqPurgeCommand.js";
import { dlqRedriveCommand } from "./dlqRedriveCommand.js";

/** `tasklane dlq <list|redrive|purge>`: the dead-letter queue, straight through SQS. */
export function dlqCommand(run: CommandRunner): Command {
  return new Command("dlq")
    .description("inspect the dead-letter queue, move its messages back, or delete them")
    .addCommand(dlqListCommand(run))
    .addCommand(dlqRedriveCommand(run))
    .addCommand(dlqPurgeCommand(run));
}
