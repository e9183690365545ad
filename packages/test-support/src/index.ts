export { createTaskTable } from "@tasklane/emulators";
export { chromiumLaunchOptions } from "./chromium.js";
export { e2eRuntimeOptions } from "./e2eRuntime.js";
export { lambdaContext, sqsRecord, taskEnvelope } from "./factories.js";
export {
  ALL_FAULT_VARIANTS,
  type AslDocument,
  type AslStateDocument,
  type CallPoint,
  DEFAULT_FAULT_VARIANTS,
  type DrivenExecution,
  describeFault,
  driveToQuiescence,
  type Fault,
  type FaultableClient,
  type FaultableClients,
  type FaultClients,
  type FaultError,
  type FaultKind,
  type FaultSession,
  type FaultVariant,
  faultClients,
  faultPoints,
  HANDLER_CRASHED,
  HandlerCrashedError,
  type Interleave,
  isHandlerCrash,
  type PlanEntry,
  type QuiescenceDeps,
  type QuiescenceReport,
  type RecordedCall,
  type Recording,
  type RunWorkflowOptions,
  recordCalls,
  runWorkflow,
  scanItems,
  settleDeliveries,
  throttlingResponse,
  type WorkflowRun,
  withFaults,
} from "./faults/index.js";
export { captureJsonLines, type JsonLine, jsonLinesOf, metricsIn } from "./jsonLines.js";
export {
  type EventSourceQueue,
  receiveSqsEvent,
  sendMessages,
  settleSqsBatch,
} from "./sqsMessages.js";
export {
  type RecordedRequest,
  type StandInAnswer,
  type StandInApi,
  startStandInApi,
} from "./standInApi.js";
export { type AwsEmulators, type EmulatorOptions, startAwsEmulators } from "./startAwsEmulators.js";
export {
  type FileHooks,
  type HandlerModules,
  type LoadedHandlers,
  lazily,
  loadHandlers,
  startedOnce,
} from "./startedOnce.js";
export {
  type RecordedExecution,
  type RecordedExecutionStatus,
  type StartCall,
  type StepFunctionsRecorder,
  startStepFunctionsRecorder,
} from "./stepFunctionsRecorder.js";
export { readTaskItem } from "./taskTable.js";
export { waitFor } from "./waitFor.js";
export { workflowStateHandlers } from "./workflowStateHandlers.js";
