import * as pulumi from "@pulumi/pulumi";

/** The IAM condition block: operator -> condition key -> value(s). */
export type PolicyCondition = Record<string, Record<string, pulumi.Input<string | string[]>>>;

/** One statement of an identity policy; ARNs may still be outputs of other resources. */
export interface PolicyStatement {
  /** Says what the statement is for; IAM shows it and the tests name it on failure. */
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: pulumi.Input<string>[];
  Condition?: PolicyCondition;
}

/** The resolved form, as it reaches IAM. */
export interface ResolvedPolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface ResolvedPolicyDocument {
  Version: "2012-10-17";
  Statement: ResolvedPolicyStatement[];
}

/**
 * The JSON text of a policy document, once every ARN in it is known. Rendering it ourselves
 * (rather than passing an object) keeps the statement order and the text stable between runs.
 */
export function policyJson(statements: pulumi.Input<PolicyStatement[]>): pulumi.Output<string> {
  return pulumi.output(statements).apply((resolved) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: resolved as ResolvedPolicyStatement[],
    } satisfies ResolvedPolicyDocument),
  );
}

/**
 * A role trust policy for an AWS service principal, optionally bound to the calling account and
 * resource (the confused-deputy guard services such as Step Functions document).
 */
export function assumeRolePolicy(
  service: string,
  condition?: pulumi.Input<PolicyCondition>,
): pulumi.Output<string> {
  return pulumi.output(condition).apply((resolved) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: service },
          Action: "sts:AssumeRole",
          ...(resolved ? { Condition: resolved } : {}),
        },
      ],
    }),
  );
}
