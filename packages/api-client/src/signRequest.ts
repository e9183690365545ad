import { Sha256 } from "@aws-crypto/sha256-js";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentityProvider } from "@smithy/types";

export interface SigV4Options {
  /** The API's region; read from an `execute-api` URL when absent. */
  region?: string;
  /** Credentials; the standard AWS chain (env, profile, SSO, instance role) when absent. */
  credentials?: AwsCredentialIdentityProvider;
}

/** `abc123.execute-api.eu-west-1.amazonaws.com` -> `eu-west-1`. */
export function regionOfApiUrl(url: URL): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1];
}

/**
 * Signs requests for API Gateway with IAM auth (service `execute-api`): the headers to send,
 * `authorization` and `x-amz-date` (and `x-amz-security-token` for temporary credentials).
 */
export function createRequestSigner(apiUrl: URL, options: SigV4Options) {
  const region = options.region ?? regionOfApiUrl(apiUrl);
  if (!region) {
    throw new Error(`cannot tell the region of ${apiUrl.origin}; give it (--region or AWS_REGION)`);
  }
  const signer = new SignatureV4({
    service: "execute-api",
    region,
    credentials: options.credentials ?? fromNodeProviderChain(),
    sha256: Sha256,
  });
  return async (request: {
    method: string;
    url: URL;
    headers: Record<string, string>;
    body?: string;
  }): Promise<Record<string, string>> => {
    const { url } = request;
    const signed = await signer.sign({
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...request.headers, host: url.host },
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    return signed.headers as Record<string, string>;
  };
}
