// @tasklane/local: the runtime behind `pnpm dev`, and its emulators for tests.

export type { ApiEventContext, ReceivedRequest } from "./apiGatewayEvent.js";
export { toApiGatewayEvent } from "./apiGatewayEvent.js";
export type { ApiResponse } from "./apiGatewayResult.js";
export { GATEWAY_RESPONSES, toApiResponse } from "./apiGatewayResult.js";
export type { BatchVerdict } from "./batchResponse.js";
export { batchVerdict } from "./batchResponse.js";
export type { IamCaller, LocalAuthorizer, RequestCaller } from "./callerIdentity.js";
export { identifyCaller } from "./callerIdentity.js";
export {
  API_PAYLOAD_MAX_BYTES,
  DEFAULT_API_PORT,
  LAMBDA_PAYLOAD_MAX_BYTES,
  LOCAL_ACCOUNT_ID,
  LOCAL_CALLER_ARN,
} from "./constants.js";
export {
  DISCOVERY_FILE,
  type LocalRuntimeDiscovery,
  readDiscoveryFile,
  removeDiscoveryFile,
  writeDiscoveryFile,
} from "./discoveryFile.js";
export {
  BundlesMissingError,
  LambdaInvocationError,
  LocalRuntimeError,
  PortInUseError,
  StepFunctionsApiError,
} from "./errors.js";
export type { EventSourceMapping, EventSourceMappingOptions } from "./eventSourceMapping.js";
export { startEventSourceMapping } from "./eventSourceMapping.js";
export type { HandlerEnvironmentInput, HandlerLogLevel } from "./handlerEnvironment.js";
export { handlerEnvironment } from "./handlerEnvironment.js";
export type { HttpApi, HttpApiOptions } from "./httpApi.js";
export { startHttpApi } from "./httpApi.js";
export { invokeFunction } from "./invokeFunction.js";
export { createLambdaContext } from "./lambdaContext.js";
export { lambdaTaskHandler } from "./lambdaTaskHandler.js";
export type { LocalResourceNames } from "./localResources.js";
export { localResourceNames } from "./localResources.js";
export type {
  ExecutionDescription,
  ExecutionListItem,
  ExecutionStatus,
  ExecutionSummary,
  ExecutionTransition,
  LocalStepFunctionsOptions,
  StateMachineType,
  TaskHandler,
  TimingOverrides,
} from "./localStepFunctions.js";
export { LocalStepFunctions } from "./localStepFunctions.js";
export type { LocalTable, LocalTableOptions } from "./localTable.js";
export { startLocalTable } from "./localTable.js";
export type { Route, RouteMatch } from "./routeTable.js";
export { RouteTable } from "./routeTable.js";
export { RuntimeLog } from "./runtimeLog.js";
export type { ScheduledFunction, Schedules, SchedulesOptions } from "./schedules.js";
export { scheduledEvent, startSchedules } from "./schedules.js";
export { toSqsRecord } from "./sqsRecord.js";
export type { LocalRuntime, LocalRuntimeOptions } from "./startLocalRuntime.js";
export { startLocalRuntime } from "./startLocalRuntime.js";
export type {
  StepFunctionsEndpoint,
  StepFunctionsOutage,
  StepFunctionsRequest,
} from "./stepFunctionsEndpoint.js";
export { startStepFunctionsEndpoint } from "./stepFunctionsEndpoint.js";
export type {
  BatchReport,
  LambdaHandler,
  LocalFunction,
  LocalRuntimeEvent,
  LocalRuntimeEventSink,
  RequestReport,
} from "./types.js";
