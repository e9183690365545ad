// @tasklane/local: the runtime behind `pnpm dev`, and its emulators for tests.

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
export type {
  EventSourceMapping,
  EventSourceMappingOptions,
} from "./emulators/eventSourceMapping.js";
export { startEventSourceMapping } from "./emulators/eventSourceMapping.js";
export type { LocalResourceNames } from "./emulators/localResources.js";
export { localResourceNames } from "./emulators/localResources.js";
export type {
  ExecutionSummary,
  ExecutionTransition,
  LocalStepFunctionsOptions,
  StateMachineType,
  TaskHandler,
  TimingOverrides,
} from "./emulators/localStepFunctions.js";
export { LocalStepFunctions } from "./emulators/localStepFunctions.js";
export type { LocalTable, LocalTableOptions } from "./emulators/localTable.js";
export { startLocalTable } from "./emulators/localTable.js";
export type { ScheduledFunction, Schedules, SchedulesOptions } from "./emulators/schedules.js";
export { scheduledEvent, startSchedules } from "./emulators/schedules.js";
export {
  BundlesMissingError,
  LambdaInvocationError,
  LocalRuntimeError,
} from "./errors.js";
export type { ApiEventContext, ReceivedRequest } from "./http/apiGatewayEvent.js";
export { toApiGatewayEvent } from "./http/apiGatewayEvent.js";
export type { ApiResponse } from "./http/apiGatewayResult.js";
export { GATEWAY_RESPONSES, toApiResponse } from "./http/apiGatewayResult.js";
export type { IamCaller, LocalAuthorizer, RequestCaller } from "./http/callerIdentity.js";
export { identifyCaller } from "./http/callerIdentity.js";
export type { HttpApi, HttpApiOptions } from "./http/httpApi.js";
export { startHttpApi } from "./http/httpApi.js";
export type { Route, RouteMatch } from "./http/routeTable.js";
export { RouteTable } from "./http/routeTable.js";
export type { HandlerEnvironmentInput, HandlerLogLevel } from "./lambda/handlerEnvironment.js";
export { handlerEnvironment } from "./lambda/handlerEnvironment.js";
export { invokeFunction } from "./lambda/invokeFunction.js";
export { createLambdaContext } from "./lambda/lambdaContext.js";
export { lambdaTaskHandler } from "./lambda/lambdaTaskHandler.js";
export { RuntimeLog } from "./runtimeLog.js";
export type { LocalRuntime, LocalRuntimeOptions } from "./startLocalRuntime.js";
export { startLocalRuntime } from "./startLocalRuntime.js";
export type {
  BatchReport,
  LambdaHandler,
  LocalFunction,
  LocalRuntimeEvent,
  LocalRuntimeEventSink,
  RequestReport,
} from "./types.js";
