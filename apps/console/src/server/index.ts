// @tasklane/console: the console's server. The page it serves is built into dist/app.

export { ConsolePortInUseError, ConsoleServerError } from "./errors.js";
export {
  type ConsoleTargetInfo,
  DEFAULT_CONSOLE_PORT,
  startConsoleServer,
} from "./startConsoleServer.js";
export { DEFAULT_APP_DIR } from "./staticFiles.js";
export type {
  ConsoleCredentials,
  ConsoleServer,
  ConsoleServerOptions,
  ConsoleTarget,
} from "./types.js";
