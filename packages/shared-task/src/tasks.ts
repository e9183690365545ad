// The example tasks' code: for the consumer only.
export * from "./definitions/exampleTasks.js";
