export {
  type DrivenExecution,
  driveToQuiescence,
  type QuiescenceDeps,
  type QuiescenceReport,
  settleDeliveries,
} from "./driveToQuiescence.js";
export { HANDLER_CRASHED, HandlerCrashedError, isHandlerCrash } from "./errors.js";
export { type FaultClients, faultClients, scanItems } from "./faultClients.js";
export {
  ALL_FAULT_VARIANTS,
  DEFAULT_FAULT_VARIANTS,
  describeFault,
  type FaultVariant,
  faultPoints,
  type Recording,
  recordCalls,
} from "./faultPoints.js";
export {
  type AslDocument,
  type AslStateDocument,
  type RunWorkflowOptions,
  runWorkflow,
  type WorkflowRun,
} from "./runWorkflow.js";
export { throttlingResponse } from "./throttlingResponses.js";
export type {
  CallPoint,
  Fault,
  FaultError,
  FaultKind,
  Interleave,
  PlanEntry,
  RecordedCall,
} from "./types.js";
export {
  type FaultableClient,
  type FaultableClients,
  type FaultSession,
  withFaults,
} from "./withFaults.js";
