import { FUNCTION_ENV, type FunctionEnvKey } from "@tasklane/stack-config";

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
