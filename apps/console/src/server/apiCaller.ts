import { createRequestSigner } from "@tasklane/api-client";
import type { AwsCredentialIdentityProvider } from "./credentials.js";

export interface ApiCall {
  method: string;
  /** The API's path, such as `/tasks/123`; joined to the API's base URL. */
  path: string;
  /** The query string, `?` included, or empty. */
  search?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Calls the Tasklane API, signed with SigV4 when it asks for it. */
export type ApiCaller = (call: ApiCall) => Promise<Response>;

export interface ApiCallerOptions {
  apiUrl: string;
  /** Sign with SigV4 for this region (and credentials: the standard chain when absent). */
  sigv4?: { region: string; credentials?: AwsCredentialIdentityProvider };
  fetch?: typeof fetch;
}

/**
 * The proxy's way to the API: the page's request as it came, signed with api-client's signer
 * (as the overview's client is), so the credentials never leave this process.
 */
export function createApiCaller(options: ApiCallerOptions): ApiCaller {
  const base = new URL(options.apiUrl.endsWith("/") ? options.apiUrl : `${options.apiUrl}/`);
  const doFetch = options.fetch ?? fetch;
  const sign = options.sigv4 ? createRequestSigner(base, options.sigv4) : undefined;
  return async (call) => {
    const url = new URL(`${call.path.replace(/^\/+/, "")}${call.search ?? ""}`, base);
    let headers = { ...call.headers };
    if (sign) {
      headers = await sign({
        method: call.method,
        url,
        headers,
        ...(call.body === undefined ? {} : { body: call.body }),
      });
    }
    return doFetch(url, {
      method: call.method,
      headers,
      redirect: "manual",
      ...(call.body === undefined ? {} : { body: call.body }),
    });
  };
}
