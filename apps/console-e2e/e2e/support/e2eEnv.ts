/** The variable the global setup hands the tests' processes the endpoints in. */
export const E2E_ENV = "TASKLANE_CONSOLE_E2E";

export interface E2eEnv {
  consoleUrl: string;
  apiUrl: string;
  region: string;
  sqsEndpoint: string;
  queueUrl: string;
  dlqUrl: string;
  /** The global setup's control endpoint: `POST /outage?mode=unavailable|none`. */
  controlUrl: string;
}

export function readE2eEnv(): E2eEnv {
  const text = process.env[E2E_ENV];
  if (!text) throw new Error(`${E2E_ENV} is not set: run the tests with \`playwright test\``);
  return JSON.parse(text) as E2eEnv;
}
