import type { OperatorGrant } from "@tasklane/stack-config";
import type { Actor } from "@tasklane/task-store";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { callerIdentity } from "./httpRequest.js";

interface Authorizer {
  iam?: { userArn?: string };
  jwt?: { claims?: Record<string, unknown>; scopes?: string[] | null };
}

/**
 * Who is calling, and whether the stack's operator grant covers them: an IAM principal named
 * in it (a role's ARN covers every session of the role), or a JWT carrying its scope.
 * Everyone else acts on their own tasks only.
 */
export function actorOf(event: APIGatewayProxyEventV2, grant: OperatorGrant): Actor {
  const caller = callerIdentity(event);
  const authorizer = (event.requestContext as { authorizer?: Authorizer }).authorizer;
  return { caller, operator: isOperator(caller, authorizer, grant) };
}

function isOperator(
  caller: string,
  authorizer: Authorizer | undefined,
  grant: OperatorGrant,
): boolean {
  const userArn = authorizer?.iam?.userArn;
  if (userArn) {
    // callerIdentity folds an assumed-role session into `arn:aws:sts::<acct>:assumed-role/<role>`.
    const role = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)$/.exec(caller);
    const asRole = role ? `arn:${role[1]}:iam::${role[2]}:role/${role[3]}` : undefined;
    return grant.principals.some((p) => p === userArn || p === caller || p === asRole);
  }
  if (!grant.jwtScope) return false;
  const scopes = authorizer?.jwt?.scopes ?? scopesOf(authorizer?.jwt?.claims);
  return scopes.includes(grant.jwtScope);
}

function scopesOf(claims: Record<string, unknown> | undefined): string[] {
  const scope = claims?.scope ?? claims?.scp;
  if (typeof scope === "string") return scope.split(" ").filter(Boolean);
  return Array.isArray(scope) ? scope.map(String) : [];
}
