import type { BlobStore, ObjectLocation } from "../../src/index.js";
import { MemoryBlobStore } from "./memoryBlobStore.js";

/** An error as the AWS SDK v3 throws it for an S3 response: the fields Smithy sets. */
export function s3Error(name: string, httpStatusCode: number, message: string): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: httpStatusCode >= 500 ? "server" : "client",
    $metadata: { httpStatusCode, attempts: 3, totalRetryDelay: 700 },
  });
}

/** What S3 answers when it sheds load; the SDK rethrows it once its own retries are spent. */
export const slowDown = () => s3Error("SlowDown", 503, "Please reduce your request rate.");

export const accessDenied = () => s3Error("AccessDenied", 403, "Access Denied");

/** A connection the network dropped: what Node's HTTP client throws, with no HTTP status. */
export const connectionReset = () =>
  Object.assign(new Error("socket hang up"), { name: "Error", code: "ECONNRESET" });

interface Fault {
  operation: "get" | "put";
  key: RegExp;
  error: () => Error;
  remaining: number;
}

/**
 * A store in memory that fails the reads or writes a test arms, the way S3 fails them: each
 * armed fault throws on the next `times` matching calls, then the store works again.
 */
export class FailingBlobStore implements BlobStore {
  readonly memory = new MemoryBlobStore();
  readonly #faults: Fault[] = [];

  /** Makes the next `times` calls of `operation` on a key matching `key` throw `error()`. */
  failNext(operation: Fault["operation"], key: RegExp, error: () => Error, times = 1): this {
    this.#faults.push({ operation, key, error, remaining: times });
    return this;
  }

  /** Faults armed but not yet thrown; a test whose fault never fired proves nothing. */
  get pendingFaults(): number {
    return this.#faults.reduce((sum, fault) => sum + fault.remaining, 0);
  }

  async getText(location: ObjectLocation): Promise<string | undefined> {
    this.#trip("get", location);
    return this.memory.getText(location);
  }

  async putText(location: ObjectLocation, body: string): Promise<void> {
    this.#trip("put", location);
    await this.memory.putText(location, body);
  }

  #trip(operation: Fault["operation"], { key }: ObjectLocation): void {
    const fault = this.#faults.find(
      (f) => f.operation === operation && f.remaining > 0 && f.key.test(key),
    );
    if (!fault) return;
    fault.remaining -= 1;
    throw fault.error();
  }
}
