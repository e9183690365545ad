import type { SigV4Options } from "@tasklane/api-client";
import type { ConsoleCredentials } from "./types.js";

export type AwsCredentialIdentityProvider = NonNullable<SigV4Options["credentials"]>;

/** Dummy keys for a local emulator, which checks none. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;

/** The credentials as a provider, as the signer and the SDK clients take them. */
export function credentialProvider(credentials: ConsoleCredentials): AwsCredentialIdentityProvider {
  return typeof credentials === "function" ? credentials : async () => credentials;
}
