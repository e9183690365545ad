import { resolveWorkflowBounds, type WorkflowBounds } from "@tasklane/shared-task";
import { FUNCTION_ENV, type FunctionEnvKey } from "./functionCatalog.js";

/** A handler started without the environment its function needs: a deployment bug. */
export class SettingsError extends Error {
  override name = "SettingsError";
}

/** The named environment variable, or a `SettingsError` that names it. */
export function requireEnv(key: FunctionEnvKey, env: NodeJS.ProcessEnv = process.env): string {
  const name = FUNCTION_ENV[key];
  const value = env[name];
  if (!value) throw new SettingsError(`environment variable ${name} is not set`);
  return value;
}

/** The named environment variable as a positive whole number. */
export function requirePositiveInt(
  key: FunctionEnvKey,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const value = Number(requireEnv(key, env));
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new SettingsError(
      `environment variable ${FUNCTION_ENV[key]} must be a positive whole number`,
    );
  }
  return value;
}

/** The stack's operator grant, as the Pulumi program passes it (`TASKLANE_OPERATORS`). */
export interface OperatorGrant {
  principals: string[];
  jwtScope?: string;
}

/** `TASKLANE_OPERATORS`, or no operators when it is not set. */
export function readOperators(env: NodeJS.ProcessEnv = process.env): OperatorGrant {
  const raw = env[FUNCTION_ENV.operators];
  if (!raw) return { principals: [] };
  try {
    const parsed = JSON.parse(raw) as Partial<OperatorGrant>;
    if (!Array.isArray(parsed.principals)) throw new Error("no principals array");
    return {
      principals: parsed.principals.map(String),
      ...(typeof parsed.jwtScope === "string" ? { jwtScope: parsed.jwtScope } : {}),
    };
  } catch (error) {
    throw new SettingsError(
      `environment variable ${FUNCTION_ENV.operators} must be JSON {"principals": [...], "jwtScope"?: "..."}: ${(error as Error).message}`,
    );
  }
}

/** `TASKLANE_RESULT_EXPIRATION_DAYS`: 0 (keep) when not set. */
export function readResultExpirationDays(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[FUNCTION_ENV.resultExpirationDays];
  if (raw === undefined || raw === "") return 0;
  const days = Number(raw);
  if (!Number.isSafeInteger(days) || days < 0) {
    throw new SettingsError(
      `environment variable ${FUNCTION_ENV.resultExpirationDays} must be a whole number of days`,
    );
  }
  return days;
}

/**
 * The named environment variable, or `""` for a function deployed without it: for settings
 * only some of a module's functions need (a step without large payloads never names a bucket).
 */
export function optionalEnv(key: FunctionEnvKey, env: NodeJS.ProcessEnv = process.env): string {
  return env[FUNCTION_ENV[key]] ?? "";
}

/** The Express workflow as the consumer's environment describes it. */
export interface ExpressWorkflowSetting {
  stateMachineArn: string;
  /** The bounds both workflows were built with: `workflowFor` decides from them. */
  bounds: WorkflowBounds;
}

/**
 * `TASKLANE_EXPRESS_STATE_MACHINE_ARN` with `TASKLANE_WORKFLOW_BOUNDS`, or `undefined` when the
 * stack deploys no Express workflow (`tasklane:workflow.express` off): every task runs on
 * Standard then.
 */
export function readExpressWorkflow(
  env: NodeJS.ProcessEnv = process.env,
): ExpressWorkflowSetting | undefined {
  const stateMachineArn = env[FUNCTION_ENV.expressStateMachineArn];
  if (!stateMachineArn) return undefined;
  const raw = requireEnv("workflowBounds", env);
  try {
    const bounds = JSON.parse(raw) as WorkflowBounds;
    // Validated here, so a deployment bug stops the function at cold start.
    resolveWorkflowBounds(bounds);
    return { stateMachineArn, bounds };
  } catch (error) {
    throw new SettingsError(
      `environment variable ${FUNCTION_ENV.workflowBounds} must be the JSON of the workflows' bounds: ${(error as Error).message}`,
    );
  }
}
