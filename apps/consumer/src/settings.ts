import { FUNCTION_ENV, type FunctionEnvKey } from "@tasklane/stack-config";

/** The named environment variable, or an error naming it: the function was deployed without it. */
export function requireEnv(key: FunctionEnvKey, env: NodeJS.ProcessEnv = process.env): string {
  const name = FUNCTION_ENV[key];
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
