// Bundled in place of `@aws-sdk/credential-provider-node` (see `esbuildSettings`' `alias`):
// every AWS SDK client of a function takes its credentials from here.
//
// Why: the SDK's default chain tries, in order, environment variables, SSO, shared ini files,
// `credential_process`, a web identity token file, then the container and instance metadata
// endpoints, and bundles what they need (the STS, SSO and SSO-OIDC clients among them): about
// 120 kB in every bundle, parsed at every cold start. Lambda gives a function its role's
// credentials as environment variables only (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN), and the local runtime and the benchmark set the same variables.
//
// What is given up, none of which exists in Lambda: profiles (AWS_PROFILE, ~/.aws), SSO,
// `credential_process`, web identity token files, and container or instance metadata
// credentials. A bundle run anywhere else needs those variables set. Code run from sources
// (the tests, the CLI) still gets the SDK's full chain.
import { fromEnv } from "@aws-sdk/credential-provider-env";

/** The SDK's `defaultProvider`, reduced to the one source Lambda uses: environment variables. */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]): ReturnType<typeof fromEnv> =>
  fromEnv(init);
