import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";

/**
 * Runs the Pulumi program with no engine, no cloud and no credentials: under
 * `pulumi.runtime.setMocks`, with a stack's real `Pulumi.<stack>.yaml`. Every resource the
 * program asks for is recorded with its inputs and options, and the mocks answer with
 * realistic ids, ARNs and URLs, so the program's own wiring (policies, definitions, routes) is
 * computed exactly as in a deployment. The tests and the offline plan both use it.
 */

/** The account id every mocked ARN carries. */
export const MOCK_ACCOUNT_ID = "123456789012";

/**
 * The ARN the mocks give the KMS key of this logical name: each key its own, so a policy that
 * names the wrong key is caught.
 */
export function mockKeyArn(logicalName: string, region = "us-east-1"): string {
  const suffix = createHash("sha256").update(logicalName).digest("hex").slice(0, 12);
  return `arn:aws:kms:${region}:${MOCK_ACCOUNT_ID}:key/0b3c1e5e-mock-4d2a-9f10-${suffix}`;
}

/** A resource the program asked for, with the inputs and options it gave. */
export interface RecordedResource {
  type: string;
  name: string;
  /** A custom (cloud) resource, as opposed to a component. */
  custom: boolean;
  inputs: Record<string, unknown>;
  /** The `urn::id` reference of the provider that manages it, when it is a custom resource. */
  provider: string | undefined;
  /** The URN of the parent ("" at the top). */
  parent: string;
  protect: boolean;
  retainOnDelete: boolean;
}

/** `Pulumi.<stack>.yaml`'s config as `pulumi.runtime.allConfig()` presents it. */
export function stackConfigMap(
  stack: string,
  overrides: Record<string, unknown> = {},
): Record<string, string> {
  const file = fileURLToPath(new URL(`../../Pulumi.${stack}.yaml`, import.meta.url));
  const { config } = parseYaml(readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  const merged = { ...config, ...overrides };
  return Object.fromEntries(
    Object.entries(merged)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProtect(): boolean;
  getRetainondelete(): boolean;
}

type ResourceState = Record<string, unknown>;

/** Ids and outputs as AWS would return them, derived from the inputs. */
function mockResource(
  type: string,
  name: string,
  inputs: ResourceState,
  region: string,
): { id: string; state: ResourceState } {
  const account = MOCK_ACCOUNT_ID;
  const physical = typeof inputs.name === "string" ? inputs.name : name;
  switch (type) {
    case "aws:lambda/function:Function": {
      const arn = `arn:aws:lambda:${region}:${account}:function:${physical}`;
      return {
        id: physical,
        state: {
          name: physical,
          arn,
          qualifiedArn: `${arn}:$LATEST`,
          invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        },
      };
    }
    case "aws:sqs/queue:Queue": {
      const url = `https://sqs.${region}.amazonaws.com/${account}/${physical}`;
      return {
        id: url,
        state: { name: physical, url, arn: `arn:aws:sqs:${region}:${account}:${physical}` },
      };
    }
    case "aws:s3/bucket:Bucket": {
      const bucket =
        typeof inputs.bucket === "string" ? inputs.bucket : `${inputs.bucketPrefix ?? name}mock`;
      return { id: bucket, state: { bucket, arn: `arn:aws:s3:::${bucket}` } };
    }
    case "aws:sfn/stateMachine:StateMachine":
      return {
        id: physical,
        state: {
          name: physical,
          arn: `arn:aws:states:${region}:${account}:stateMachine:${physical}`,
        },
      };
    case "aws:iam/role:Role":
      return {
        id: physical,
        state: { name: physical, arn: `arn:aws:iam::${account}:role/${physical}` },
      };
    case "aws:cloudwatch/logGroup:LogGroup":
      return {
        id: physical,
        state: { name: physical, arn: `arn:aws:logs:${region}:${account}:log-group:${physical}` },
      };
    case "aws:apigatewayv2/api:Api": {
      const id = `${name.toLowerCase().replace(/[^a-z0-9]/g, "")}0mock`;
      return {
        id,
        state: {
          apiEndpoint: `https://${id}.execute-api.${region}.amazonaws.com`,
          executionArn: `arn:aws:execute-api:${region}:${account}:${id}`,
        },
      };
    }
    case "aws:apigatewayv2/stage:Stage":
      return {
        id: physical,
        state: {
          invokeUrl: `https://${inputs.apiId}.execute-api.${region}.amazonaws.com/`,
          executionArn: `arn:aws:execute-api:${region}:${account}:${inputs.apiId}/${physical}`,
        },
      };
    case "aws:sns/topic:Topic":
      return {
        id: `arn:aws:sns:${region}:${account}:${physical}`,
        state: { name: physical, arn: `arn:aws:sns:${region}:${account}:${physical}` },
      };
    case "aws:kms/key:Key": {
      const arn = mockKeyArn(name, region);
      const keyId = arn.slice(arn.indexOf("/") + 1);
      return { id: keyId, state: { keyId, arn } };
    }
    case "aws:dynamodb/table:Table":
      return {
        id: physical,
        state: { name: physical, arn: `arn:aws:dynamodb:${region}:${account}:table/${physical}` },
      };
    case "aws:cloudwatch/eventRule:EventRule":
      return {
        id: physical,
        state: { name: physical, arn: `arn:aws:events:${region}:${account}:rule/${physical}` },
      };
    default:
      return { id: `${name}-id`, state: { arn: `arn:aws:mock:${region}:${account}:${name}` } };
  }
}

/** The data sources the program reads, answered for the mock account. */
function mockCall(token: string, region: string): ResourceState {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        id: MOCK_ACCOUNT_ID,
        accountId: MOCK_ACCOUNT_ID,
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/deployer`,
        userId: "AIDAMOCKDEPLOYER",
      };
    case "aws:index/getPartition:getPartition":
      return {
        id: "aws",
        partition: "aws",
        dnsSuffix: "amazonaws.com",
        reverseDnsPrefix: "com.amazonaws",
      };
    case "aws:index/getRegion:getRegion":
      return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com` };
    default:
      throw new Error(`the offline mocks do not answer ${token}; add it to plan/mockStack.ts`);
  }
}

/**
 * Loads the program (through `load`, which imports it) under mocks with a stack's config and
 * resolves once every resource is registered.
 *
 * @param configOverrides replace whole `Pulumi.<stack>.yaml` keys (undefined removes one).
 */
export async function runUnderMocks<Program>(
  stack: string,
  configOverrides: Record<string, unknown>,
  load: () => Promise<Program>,
): Promise<{ program: Program; resources: RecordedResource[] }> {
  const config = stackConfigMap(stack, configOverrides);
  const region = config["aws:region"] ?? "us-east-1";
  const resources: RecordedResource[] = [];
  const options = new Map<string, { parent: string; protect: boolean; retainOnDelete: boolean }>();

  pulumi.runtime.setAllConfig(config);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const key = `${args.type}::${args.name}`;
        const opts = options.get(key) ?? { parent: "", protect: false, retainOnDelete: false };
        resources.push({
          type: args.type,
          name: args.name,
          custom: args.custom ?? false,
          inputs: args.inputs,
          provider: args.provider || undefined,
          ...opts,
        });
        return mockResource(args.type, args.name, args.inputs, region);
      },
      call: (args) => mockCall(args.token, region),
    },
    "tasklane",
    stack,
    false,
  );
  // The mock hands `newResource` no resource options; read them off each registration.
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, callback: unknown): unknown;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    options.set(`${req.getType()}::${req.getName()}`, {
      parent: req.getParent(),
      protect: req.getProtect(),
      retainOnDelete: req.getRetainondelete(),
    });
    return register(req, callback);
  };

  let program: Program;
  try {
    program = await load();
  } catch (error) {
    // A program stopped part-way (a bad config value) still has registrations in flight: let
    // them finish against this run's mocks, or they land on the next run's and fail there.
    await waitForRegistrations().catch(() => undefined);
    throw error;
  }
  await waitForRegistrations();
  return { program, resources };
}

/** Resolves when no resource registration (or other engine call) is outstanding. */
async function waitForRegistrations(): Promise<void> {
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (typeof runtime.waitForRPCs !== "function") {
    throw new Error(
      "@pulumi/pulumi no longer exposes runtime.waitForRPCs; update plan/mockStack.ts",
    );
  }
  await runtime.waitForRPCs();
}
