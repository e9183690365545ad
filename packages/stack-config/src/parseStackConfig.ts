import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { StackConfigError } from "./errors.js";
import { type StackConfig, stackConfigSchema } from "./stackConfigSchema.js";

export interface StackRef {
  project: string;
  stack: string;
}

/**
 * Stacks that may open the API without auth, force-destroy non-empty buckets and alarm to a topic
 * nobody reads.
 */
export const DEV_STACKS: ReadonlySet<string> = new Set(["dev"]);

function formatPath(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

/**
 * Validates a stack's `tasklane:*` config (prefix already stripped) and fills in defaults.
 *
 * @throws StackConfigError naming the stack, every bad key and what is wrong with it.
 */
export function parseStackConfig(raw: Record<string, unknown>, ref: StackRef): StackConfig {
  const parsed = stackConfigSchema.safeParse(raw);
  const where = `stack \`${ref.stack}\``;
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      if (issue.code === "unrecognized_keys") {
        const parent = issue.path.length ? `${formatPath(issue.path)}.` : "";
        return issue.keys
          .map((key) => `config key \`${ref.project}:${parent}${key}\` is not a Tasklane setting`)
          .join("; ");
      }
      const key = `${ref.project}:${formatPath(issue.path)}`;
      if (issue.code === "invalid_type" && issue.input === undefined) {
        return `config key \`${key}\` is required (pulumi config set ${key} <value> -s ${ref.stack})`;
      }
      return `config key \`${key}\`: ${issue.message}`;
    });
    throw new StackConfigError(`${where}: ${problems.join("; ")}`);
  }
  const config = parsed.data;
  if (!DEV_STACKS.has(ref.stack)) {
    if (config.api.auth === "none") {
      throw new StackConfigError(
        `${where}: config key \`${ref.project}:api.auth\` is \`none\`, which only a dev stack may use; use \`iam\` or \`jwt\``,
      );
    }
    if (config.storage.forceDestroy) {
      throw new StackConfigError(
        `${where}: config key \`${ref.project}:storage.forceDestroy\` may only be true in a dev stack`,
      );
    }
    if (config.alarms.email === undefined && config.alarms.topicArn === undefined) {
      throw new StackConfigError(
        `${where}: config key \`${ref.project}:alarms.email\` or \`${ref.project}:alarms.topicArn\` is required outside a dev stack, or its alarms notify nobody (pulumi config set --path ${ref.project}:alarms.email <on-call address> -s ${ref.stack})`,
      );
    }
  }
  return config;
}

/** Domains reserved for documentation and testing (RFC 2606, RFC 6761): no mail reaches them. */
const RESERVED_DOMAIN = /(^|\.)(example\.(com|net|org)|example|invalid|test|localhost)$/i;

/**
 * What is valid in a stack's config but still needs a person's attention, one message per
 * finding naming the key and the stack. The Pulumi program prints them as warnings.
 */
export function stackConfigWarnings(config: StackConfig, ref: StackRef): string[] {
  const warnings: string[] = [];
  const domain = config.alarms.email?.split("@").at(-1);
  if (domain !== undefined && RESERVED_DOMAIN.test(domain)) {
    warnings.push(
      `stack \`${ref.stack}\`: config key \`${ref.project}:alarms.email\` is at ${domain}, a reserved domain no mail reaches, so alarms notify nobody; set the on-call address or \`${ref.project}:alarms.topicArn\``,
    );
  }
  return warnings;
}

/**
 * Turns Pulumi's config map (`pulumi.runtime.allConfig()`: `"tasklane:queue" -> JSON text`)
 * into the raw object `parseStackConfig` takes. Keys of other namespaces are left out.
 */
export function fromPulumiConfig(
  all: Record<string, string>,
  project: string,
): Record<string, unknown> {
  const prefix = `${project}:`;
  const raw: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(all)) {
    if (!fullKey.startsWith(prefix)) continue;
    raw[fullKey.slice(prefix.length)] = decodeConfigValue(text);
  }
  return raw;
}

/** Pulumi hands objects, numbers and booleans over as JSON text and strings as themselves. */
function decodeConfigValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export interface StackConfigFile {
  config: StackConfig;
  /** `aws:region` of the stack, when set. */
  region?: string;
}

/**
 * Reads `Pulumi.<stack>.yaml` the way `pulumi up` would read it, for tools that run without
 * the Pulumi CLI (the local runtime). Secret values cannot be read here and are refused.
 */
export function readStackConfigFile(path: string, ref: StackRef): StackConfigFile {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, "utf8"));
  } catch (error) {
    throw new StackConfigError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const entries = (document as { config?: unknown } | null)?.config ?? {};
  if (typeof entries !== "object" || entries === null || Array.isArray(entries)) {
    throw new StackConfigError(`${path}: \`config\` must be a map of keys to values`);
  }
  const raw: Record<string, unknown> = {};
  let region: string | undefined;
  for (const [fullKey, value] of Object.entries(entries)) {
    if (fullKey === "aws:region" && typeof value === "string") region = value;
    if (!fullKey.startsWith(`${ref.project}:`)) continue;
    if (typeof value === "object" && value !== null && "secure" in value) {
      throw new StackConfigError(
        `${path}: config key \`${fullKey}\` is a secret, which only the Pulumi CLI can decrypt`,
      );
    }
    raw[fullKey.slice(ref.project.length + 1)] = value;
  }
  const config = parseStackConfig(raw, ref);
  return region === undefined ? { config } : { config, region };
}
