import { readFile } from "node:fs/promises";
import { TargetError } from "../errors.js";

/** What the CLI reads from a stack's outputs. */
export interface StackOutputs {
  apiUrl?: string;
  queueUrl?: string;
  dlqUrl?: string;
}

const WRITE_IT = "write it with `pulumi stack output --json --stack <stack> > <file>`";

/**
 * Reads the JSON that `pulumi stack output --json` prints. The Pulumi program exports the DLQ as
 * `deadLetterQueueUrl`; `dlqUrl` is accepted too, for files written by hand.
 *
 * @throws TargetError when the file cannot be read, is not JSON, or names none of the URLs.
 */
export async function readStackOutputs(path: string): Promise<StackOutputs> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new TargetError(
      `cannot read the stack outputs file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { fix: WRITE_IT },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TargetError(
      `the stack outputs file ${path} is not JSON: ${(error as Error).message}`,
      { fix: WRITE_IT },
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new TargetError(`the stack outputs file ${path} is not a JSON object`, { fix: WRITE_IT });
  }
  const record = parsed as Record<string, unknown>;
  const field = (...names: string[]): string | undefined => {
    for (const name of names) {
      const value = record[name];
      if (value === undefined) continue;
      if (typeof value !== "string" || !isUrl(value)) {
        throw new TargetError(
          `\`${name}\` in the stack outputs file ${path} is not a URL: ${JSON.stringify(value)}`,
          { fix: WRITE_IT },
        );
      }
      return value;
    }
    return undefined;
  };
  const outputs: StackOutputs = {};
  const apiUrl = field("apiUrl");
  const queueUrl = field("queueUrl");
  const dlqUrl = field("deadLetterQueueUrl", "dlqUrl");
  if (apiUrl) outputs.apiUrl = apiUrl;
  if (queueUrl) outputs.queueUrl = queueUrl;
  if (dlqUrl) outputs.dlqUrl = dlqUrl;
  if (!apiUrl && !queueUrl && !dlqUrl) {
    throw new TargetError(
      `the stack outputs file ${path} has none of \`apiUrl\`, \`queueUrl\`, \`deadLetterQueueUrl\``,
      { fix: `is it a Tasklane stack's? ${WRITE_IT}` },
    );
  }
  return outputs;
}

function isUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
