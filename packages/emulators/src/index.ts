// @tasklane/emulators: the emulator pieces the local runtime and the tests share.

export {
  type BatchSettlement,
  type BatchVerdict,
  batchVerdict,
  type SettledRecord,
  settleBatch,
} from "./batchResponse.js";
export { EmulatorError, PortInUseError, StepFunctionsApiError } from "./errors.js";
export { closeServer, listen, readBody } from "./httpServer.js";
export { type RecordSource, toSqsRecord } from "./sqsRecord.js";
export { type Dynalite, startDynalite } from "./startDynalite.js";
export {
  type ExecutionDescription,
  type ExecutionListItem,
  type ExecutionStatus,
  type ServedStateMachine,
  type StepFunctionsEndpoint,
  type StepFunctionsOutage,
  type StepFunctionsRequest,
  startStepFunctionsEndpoint,
} from "./stepFunctionsEndpoint.js";
export { EXPRESS_EXECUTION_ARN, stepFunctionsRefusals } from "./stepFunctionsRefusals.js";
export { createTaskTable } from "./taskTable.js";
