#!/usr/bin/env node
// dynalite in a process of its own, so that DynamoDB's work runs on another core than the
// handlers and the other emulators of the local runtime (Node runs each process on one thread).
// Started by src/startDynalite.ts: argv[2] is the port (0 picks one), argv[3] the host; it reports
// the port it got over IPC and exits when its parent goes away.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const dynalite = require("dynalite");
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.on("error", (error) => {
  process.send?.({ error: error.code === "EADDRINUSE" ? "EADDRINUSE" : String(error.message) });
  process.exit(1);
});
server.listen(Number(process.argv[2] ?? 0), process.argv[3] ?? "127.0.0.1", () => {
  process.send?.({ port: server.address().port });
});
process.on("disconnect", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
