import type { SigV4Options } from "@tasklane/api-client";

/** AWS credentials: fixed keys, or a provider such as the standard chain's. */
export type ConsoleCredentials =
  | NonNullable<SigV4Options["credentials"]>
  | { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** What the console talks to: a Tasklane API, and the tasks queue and its DLQ. */
export interface ConsoleTarget {
  /** The API's base URL: a stack's `apiUrl` output, or the local runtime's `http://127.0.0.1:3000`. */
  apiUrl: string;
  /**
   * The region requests are signed for and the queues are in.
   * @default the region in an `execute-api` URL
   */
  region?: string;
  /** The tasks queue, where a redrive sends messages; the overview shows its depth. */
  queueUrl?: string;
  /** The dead-letter queue the Dead letters page shows. */
  dlqUrl?: string;
  /**
   * The credentials the server signs API and SQS calls with. They stay in the server: the
   * browser never sees them.
   * @default the standard AWS chain (env, profile, SSO, instance role)
   */
  credentials?: ConsoleCredentials;
  /**
   * Sign API requests with SigV4, as a deployed stack (IAM auth) requires.
   * @default true, unless the API is on this machine (the local runtime checks no auth)
   */
  signApi?: boolean;
  /**
   * A local SQS emulator's endpoint (fauxqs, `http://127.0.0.1:<port>`), used with dummy
   * credentials unless `credentials` are given.
   * @default AWS's SQS endpoint of `region`
   */
  sqsEndpoint?: string;
  /** Names the target in the page's header: "the local runtime", "the stack in dev.json". */
  description?: string;
}

export interface ConsoleServerOptions {
  target: ConsoleTarget;
  /**
   * The port to listen on; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * The loopback address to listen on. Any other address is refused: the server acts with the
   * operator's credentials, so it must not be reachable from the network.
   * @default "127.0.0.1"
   */
  host?: string;
  /**
   * The built single-page app.
   * @default this package's `dist/app`
   */
  appDir?: string;
  /** The HTTP client of the API (tests route requests to a local server). @default fetch */
  fetch?: typeof fetch;
}

export interface ConsoleServer {
  /** Where to open the console, e.g. `http://127.0.0.1:4000/`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and closes the open connections and the SQS client. */
  stop(): Promise<void>;
}
