// The laid-out workflow graph the build (src/build/buildApp.ts) puts in the page.
declare module "tasklane:workflow-graph" {
  export const graph: import("../shared/workflowGraph.js").WorkflowGraph;
  export const stateNames: import("./model/timeline.js").StateNames;
}
