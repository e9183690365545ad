export { lambdaContext, sqsRecord, taskEnvelope } from "./factories.js";
export {
  type EventSourceQueue,
  receiveSqsEvent,
  sendMessages,
  settleSqsBatch,
} from "./sqsMessages.js";
export { type AwsEmulators, type EmulatorOptions, startAwsEmulators } from "./startAwsEmulators.js";
export {
  type RecordedExecution,
  type RecordedExecutionStatus,
  type StartCall,
  type StepFunctionsRecorder,
  startStepFunctionsRecorder,
} from "./stepFunctionsRecorder.js";
export { waitFor } from "./waitFor.js";
