import { describe, expect, it } from "vitest";
import { identifyCaller, LOCAL_CALLER_ARN, type LocalAuthorizer } from "../src/index.js";
import { bearer, sigV4Authorization } from "./helpers/callers.js";

const IAM: LocalAuthorizer = { kind: "iam", userArn: LOCAL_CALLER_ARN, accountId: "000000000000" };
const JWT: LocalAuthorizer = {
  kind: "jwt",
  claims: { sub: "tasklane-local", iss: "https://issuer.example/" },
};

describe("identifying the caller of a request", () => {
  it("takes a SigV4 request to be the user its access key names, as the IAM authorizer reports it", () => {
    // Act
    const alice = identifyCaller(IAM, sigV4Authorization("AKIAALICE0000000000A"));
    const bob = identifyCaller(IAM, sigV4Authorization("AKIABOB00000000000B0"));

    // Assess
    expect(alice).toEqual({
      caller: {
        kind: "iam",
        iam: {
          accessKey: "AKIAALICE0000000000A",
          accountId: "000000000000",
          callerId: expect.stringMatching(/^AIDA[0-9A-F]{17}$/),
          cognitoIdentity: null,
          principalOrgId: null,
          userArn: "arn:aws:iam::000000000000:user/AKIAALICE0000000000A",
          userId: expect.stringMatching(/^AIDA[0-9A-F]{17}$/),
        },
      },
    });
    expect(bob).toMatchObject({
      caller: { iam: { userArn: "arn:aws:iam::000000000000:user/AKIABOB00000000000B0" } },
    });
    const idOf = (identified: typeof alice) =>
      "caller" in identified && identified.caller.kind === "iam"
        ? identified.caller.iam.userId
        : "";
    expect(idOf(alice)).not.toBe(idOf(bob));
    expect(idOf(identifyCaller(IAM, sigV4Authorization("AKIAALICE0000000000A")))).toBe(idOf(alice));
  });

  it("takes a request without Authorization to be the default principal, a role session included", () => {
    // Act
    const user = identifyCaller(IAM, undefined);
    const session = identifyCaller(
      {
        kind: "iam",
        userArn: "arn:aws:sts::111122223333:assumed-role/operator/alice",
        accountId: "000000000000",
      },
      "",
    );

    // Assess
    expect(user).toMatchObject({ caller: { kind: "iam", iam: { userArn: LOCAL_CALLER_ARN } } });
    expect(session).toMatchObject({
      caller: {
        iam: {
          userArn: "arn:aws:sts::111122223333:assumed-role/operator/alice",
          accountId: "111122223333",
          userId: expect.stringMatching(/^AROA[0-9A-F]{17}:alice$/),
        },
      },
    });
  });

  it("passes a bearer JWT's claims as API Gateway does, strings all, with the scopes of `scope`", () => {
    // Prepare
    const token = bearer({
      sub: "user-42",
      iss: "https://issuer.example/",
      aud: ["tasklane", "console"],
      exp: 1_900_000_000,
      email_verified: true,
      scope: "tasks/read  tasklane/operator",
    });

    // Act
    const identified = identifyCaller(JWT, token);

    // Assess
    expect(identified).toEqual({
      caller: {
        kind: "jwt",
        claims: {
          sub: "user-42",
          iss: "https://issuer.example/",
          aud: "[tasklane console]",
          exp: "1900000000",
          email_verified: "true",
          scope: "tasks/read  tasklane/operator",
        },
        scopes: ["tasks/read", "tasklane/operator"],
      },
    });
  });

  it("takes a JWT request without Authorization to carry the default claims and no scopes", () => {
    // Act
    const identified = identifyCaller(JWT, undefined);

    // Assess
    expect(identified).toEqual({ caller: { kind: "jwt", claims: JWT.claims, scopes: null } });
  });

  describe.each([
    { case: "a token of two parts", header: "Bearer abc.def" },
    { case: "a payload that is not JSON", header: `Bearer eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.sig` },
    { case: "a payload that is a list", header: `Bearer eyJhbGciOiJIUzI1NiJ9.WzFd.sig` },
    { case: "characters outside base64url", header: "Bearer e30=.e30=.sig" },
    { case: "a SigV4 header", header: sigV4Authorization("AKIAALICE0000000000A") },
  ])("given $case", ({ header }) => {
    it("refuses the request with 401 problem+json and a Bearer challenge", () => {
      // Act
      const identified = identifyCaller(JWT, header);

      // Assess
      expect("refused" in identified).toBe(true);
      const refused = "refused" in identified ? identified.refused : undefined;
      expect(refused?.statusCode).toBe(401);
      expect(refused?.headers).toEqual([
        ["content-type", "application/problem+json"],
        ["www-authenticate", 'Bearer error="invalid_token"'],
      ]);
      expect(JSON.parse(refused?.body.toString() ?? "{}")).toMatchObject({
        type: "tag:tasklane.dev,2026:problem/unauthorized",
        status: 401,
        title: "Unauthorized",
      });
    });
  });

  describe.each([
    { case: "a bearer token", header: bearer({ sub: "x" }) },
    {
      case: "a SigV4 header for another service",
      header: sigV4Authorization("AKIAALICE0000000000A", "s3"),
    },
    { case: "no Credential", header: "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc" },
  ])("with IAM auth, given $case", ({ header }) => {
    it("refuses the request with 403 problem+json", () => {
      // Act
      const identified = identifyCaller(IAM, header);

      // Assess
      const refused = "refused" in identified ? identified.refused : undefined;
      expect(refused?.statusCode).toBe(403);
      expect(JSON.parse(refused?.body.toString() ?? "{}")).toMatchObject({
        type: "tag:tasklane.dev,2026:problem/forbidden",
        status: 403,
      });
    });
  });

  it("ignores the header entirely when the API has no auth", () => {
    // Act
    const identified = identifyCaller({ kind: "none" }, "Bearer not-even-a-token");

    // Assess
    expect(identified).toEqual({ caller: { kind: "none" } });
  });
});
