import type { Command } from "commander";
import { CommandContext, type GlobalOptions } from "./commandContext.js";

/** What a command does: resolves its exit code. `args` are its positional arguments. */
export type CommandAction<O> = (ctx: CommandContext, args: string[], options: O) => Promise<number>;

/** Wraps a command's action as a commander action handler. */
export type CommandRunner = <O>(
  action: CommandAction<O>,
) => (...commanderArgs: unknown[]) => Promise<void>;

/** What a command threw, with its context: the target it talked to shapes the fix suggested. */
export class CommandFailedError extends Error {
  override name = "CommandFailedError";
  constructor(
    readonly error: unknown,
    readonly ctx: CommandContext,
  ) {
    super((error as Error | undefined)?.message ?? String(error), { cause: error });
  }
}

/**
 * The runner `runCli` gives the commands: it builds the command's context from its options
 * (the global ones included), runs it, records the exit code, and closes the clients.
 */
export function commandRunner(
  io: CommandContext["io"],
  onExit: (code: number) => void,
): CommandRunner {
  return (action) =>
    async (...commanderArgs) => {
      const command = commanderArgs.at(-1) as Command;
      const args = commanderArgs
        .slice(0, -2)
        .flat()
        .filter((a): a is string => typeof a === "string");
      const ctx = new CommandContext(io, command.optsWithGlobals<GlobalOptions>());
      try {
        onExit(await action(ctx, args, command.opts() as Parameters<typeof action>[2]));
      } catch (error) {
        throw new CommandFailedError(error, ctx);
      } finally {
        ctx.close();
      }
    };
}
