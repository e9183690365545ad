import { SQSClient } from "@aws-sdk/client-sqs";
import { createTasklaneClient, type TasklaneClient } from "@tasklane/api-client";
import { RECEIVE_WAIT_SECONDS } from "@tasklane/dead-letters";
import { UsageError } from "./errors.js";
import type { CliIo } from "./output/cliIo.js";
import { Output } from "./output/output.js";
import {
  requireApiUrl,
  resolveTarget,
  type Target,
  type TargetFlags,
} from "./target/resolveTarget.js";

/** The options every command takes (see `tasklane --help`). */
export interface GlobalOptions extends TargetFlags {
  json?: boolean;
}

/** Dummy credentials for a local emulator, which checks none. */
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

/**
 * What a running command has: its io and output, and, made on first use, its target, the API
 * client and the SQS client. `close()` releases the clients' sockets so the process can exit.
 */
export class CommandContext {
  readonly output: Output;
  private target?: Promise<Target>;
  private sqsClient?: SQSClient;
  /** The target once resolved, for error messages. */
  resolvedTarget?: Target;

  constructor(
    readonly io: CliIo,
    readonly globals: GlobalOptions,
  ) {
    this.output = new Output(io, globals.json === true);
  }

  /** The target, resolved once. */
  resolveTarget(): Promise<Target> {
    this.target ??= resolveTarget(this.globals, this.io).then((target) => {
      this.resolvedTarget = target;
      return target;
    });
    return this.target;
  }

  /** The API client; SigV4-signed for a deployed stack, plain for the local runtime. */
  async api(): Promise<TasklaneClient> {
    const target = await this.resolveTarget();
    const apiUrl = requireApiUrl(target);
    if (target.signApi && !target.region) {
      throw new UsageError(`cannot tell the region of ${apiUrl}, which requests are signed for`, {
        fix: "give it with --region or AWS_REGION",
      });
    }
    return createTasklaneClient({
      apiUrl,
      ...(target.signApi ? { sigv4: target.region ? { region: target.region } : {} } : {}),
      ...(this.io.fetch ? { fetch: this.io.fetch } : {}),
    });
  }

  /** The SQS client of the target's queues: the emulator's endpoint locally, AWS otherwise. */
  async sqs(): Promise<SQSClient> {
    const target = await this.resolveTarget();
    if (!this.sqsClient) {
      if (!target.region && !target.sqsEndpoint) {
        throw new UsageError("cannot tell the queues' region", {
          fix: "give it with --region or AWS_REGION",
        });
      }
      this.sqsClient = new SQSClient({
        region: target.region ?? "us-east-1",
        ...(target.sqsEndpoint
          ? { endpoint: target.sqsEndpoint, credentials: LOCAL_CREDENTIALS }
          : {}),
      });
    }
    return this.sqsClient;
  }

  /** The long poll of DLQ receives: none for a local emulator, which answers exactly. */
  async receiveWaitSeconds(): Promise<number> {
    return (await this.resolveTarget()).sqsEndpoint ? 0 : RECEIVE_WAIT_SECONDS;
  }

  close(): void {
    this.sqsClient?.destroy();
  }
}
