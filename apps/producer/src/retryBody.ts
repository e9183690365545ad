import { fieldIssues } from "@tasklane/shared-task";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import * as z from "zod";
import { readJsonBody } from "./httpRequest.js";
import { HttpProblem, problems } from "./problem.js";

/** Largest retry body: it holds one small number. */
const RETRY_BODY_MAX_BYTES = 1_024;

const retryBody = z.strictObject({
  /** The generation the caller saw: the retry applies only if the task is still at it. */
  generation: z.int().min(1).optional(),
});

/** `POST /tasks/{id}/retry`'s optional body: `{ "generation": n }`, or nothing. */
export function readRetryBody(event: APIGatewayProxyEventV2): { generation?: number } {
  if (!event.body) return {};
  const parsed = retryBody.safeParse(readJsonBody(event, RETRY_BODY_MAX_BYTES));
  if (!parsed.success) {
    throw new HttpProblem(problems.validation(fieldIssues(parsed.error)));
  }
  return parsed.data.generation === undefined ? {} : { generation: parsed.data.generation };
}
