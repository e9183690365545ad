/** A console server that cannot start as asked: the message names the option that is wrong. */
export class ConsoleServerError extends Error {
  override name = "ConsoleServerError";
}

/** The port asked for is taken by another process. */
export class ConsolePortInUseError extends ConsoleServerError {
  override name = "ConsolePortInUseError";
  constructor(readonly port: number) {
    super(`port ${port} is in use; give another port (0 picks a free one)`);
  }
}
