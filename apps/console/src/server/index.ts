// @tasklane/console: the console's server. The page it serves is built into dist/app.

export type { ConsoleTargetInfo } from "../shared/consoleViews.js";
export { ConsolePortInUseError, ConsoleServerError } from "./errors.js";
export { DEFAULT_CONSOLE_PORT, startConsoleServer } from "./startConsoleServer.js";
export { DEFAULT_APP_DIR } from "./staticFiles.js";
export type {
  ConsoleCredentials,
  ConsoleServer,
  ConsoleServerOptions,
  ConsoleTarget,
} from "./types.js";
