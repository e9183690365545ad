import { readFileSync } from "node:fs";
import { join } from "node:path";
import { validateAction, validateWorkflow } from "@action-validator/core";
import { findRepoRoot } from "@tasklane/lambda-bundler";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// The delivery pipeline cannot run here; these tests hold its files to the schema GitHub uses and
// to the policies the release process relies on.

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

interface Job {
  name?: string;
  needs?: string | string[];
  uses?: string;
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  steps?: Step[];
}

interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean | string };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const repoRoot = findRepoRoot(process.cwd());
const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");
const WORKFLOW_FILES = [".github/workflows/ci.yml", ".github/workflows/deploy.yml"];
const SETUP_ACTION = ".github/actions/setup/action.yml";

const ci = parse(read(".github/workflows/ci.yml")) as Workflow;
const deploy = parse(read(".github/workflows/deploy.yml")) as Workflow;
const setup = parse(read(SETUP_ACTION)) as { runs: { steps: Step[] } };

/** A GitHub expression as it is written in a workflow: `${{ body }}`. */
function expression(body: string): string {
  return `\${{ ${body} }}`;
}

/** A job's steps, with the local setup action's steps in place of the action. */
function stepsOf(job: Job): Step[] {
  return (job.steps ?? []).flatMap((step) =>
    step.uses === "./.github/actions/setup" ? [step, ...setup.runs.steps] : [step],
  );
}

function environmentOf(job: Job): string | undefined {
  return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

function runs(job: Job): string[] {
  return stepsOf(job).flatMap((step) => (step.run ? [step.run] : []));
}

function allJobs(): [string, string, Job][] {
  return [
    ...Object.entries(ci.jobs).map(([id, job]) => ["ci.yml", id, job] as [string, string, Job]),
    ...Object.entries(deploy.jobs).map(
      ([id, job]) => ["deploy.yml", id, job] as [string, string, Job],
    ),
  ];
}

describe("the workflow files", () => {
  it.each(WORKFLOW_FILES)("%s is a valid GitHub workflow", (file) => {
    expect(validateWorkflow(read(file)).errors).toEqual([]);
  });

  it("the setup action is a valid GitHub action", () => {
    expect(validateAction(read(SETUP_ACTION)).errors).toEqual([]);
  });

  it("the validator does reject a broken workflow (a control for the tests above)", () => {
    const broken = read(".github/workflows/deploy.yml").replace("runs-on:", "run-on:");

    expect(validateWorkflow(broken).errors).not.toEqual([]);
  });
});

describe("policy: AWS access", () => {
  it("no workflow or action holds static AWS keys", () => {
    for (const file of [...WORKFLOW_FILES, SETUP_ACTION]) {
      expect(read(file), file).not.toMatch(
        /aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN/,
      );
    }
  });

  it("every job that reaches AWS assumes a role through OIDC, scoped to its environment", () => {
    const awsJobs = allJobs().filter(([, , job]) =>
      stepsOf(job).some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@")),
    );

    expect(awsJobs.map(([file, id]) => `${file}:${id}`)).toEqual([
      "deploy.yml:deploy-dev",
      "deploy.yml:promote-prod",
    ]);
    for (const [file, id, job] of awsJobs) {
      const where = `${file}:${id}`;
      expect(job.permissions?.["id-token"], where).toBe("write");
      expect(environmentOf(job), `${where} must run in an environment`).toBeDefined();
      const credentials = stepsOf(job).find((s) =>
        s.uses?.startsWith("aws-actions/configure-aws-credentials@"),
      );
      expect(credentials?.with?.["role-to-assume"], where).toBe(expression("vars.AWS_ROLE_ARN"));
    }
  });

  it("only jobs that assume a role may ask for an OIDC token; workflows default to reading contents", () => {
    for (const workflow of [ci, deploy]) {
      expect(workflow.permissions).toEqual({ contents: "read" });
    }
    for (const [file, id, job] of allJobs()) {
      if (job.permissions?.["id-token"] === "write") {
        expect(
          stepsOf(job).some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@")),
          `${file}:${id}`,
        ).toBe(true);
      }
    }
  });
});

describe("policy: promotion to prod", () => {
  const promoteJob = deploy.jobs["promote-prod"] as Job;
  const devJob = deploy.jobs["deploy-dev"] as Job;

  it("runs in the protected `prod` environment, after dev is deployed and smoke-tested", () => {
    expect(environmentOf(promoteJob)).toBe("prod");
    expect(promoteJob.needs).toBe("deploy-dev");
    expect(devJob.needs).toBe("ci");
  });

  it("promotes with pnpm promote --from dev --to prod --yes, the gates deciding", () => {
    expect(runs(promoteJob)).toContain("pnpm promote --from dev --to prod --yes");
  });

  it("is the only job that touches prod", () => {
    for (const [file, id, job] of allJobs()) {
      if (id === "promote-prod") continue;
      for (const command of runs(job)) {
        expect(command, `${file}:${id}`).not.toMatch(/--stack prod|--to prod/);
      }
    }
  });

  it("checks out full history, so gate 1 can tell a newer release from an older one", () => {
    const checkout = stepsOf(promoteJob).find((s) => s.uses?.startsWith("actions/checkout@"));

    expect(checkout?.with?.["fetch-depth"]).toBe(0);
  });
});

describe("policy: delivery", () => {
  it("deploys on pushes to main (and by hand), never from a pull request", () => {
    expect(Object.keys(deploy.on).sort()).toEqual(["push", "workflow_dispatch"]);
    expect(deploy.on.push).toEqual({ branches: ["main"] });
  });

  it("runs one delivery at a time and never cancels one in progress", () => {
    expect(deploy.concurrency).toEqual({ group: "deploy", "cancel-in-progress": false });
  });

  it("tests before it deploys: the first job is ci.yml itself", () => {
    expect(deploy.jobs.ci?.uses).toBe("./.github/workflows/ci.yml");
    expect(Object.keys(ci.on)).toContain("workflow_call");
  });

  it("builds, deploys dev with pulumi up, then smoke-tests dev, in that order", () => {
    const commands = runs(deploy.jobs["deploy-dev"] as Job);
    const build = commands.indexOf("pnpm turbo build");
    const up = commands.findIndex((c) => c.startsWith("pulumi up --stack dev --yes"));
    const smoke = commands.findIndex((c) => c.includes("smoke-test --stack dev"));

    expect(build).toBeGreaterThanOrEqual(0);
    expect(up).toBeGreaterThan(build);
    expect(smoke).toBeGreaterThan(up);
  });

  it("installs the Pulumi CLI at the version of the Automation API it drives", () => {
    const release = JSON.parse(read("apps/release/package.json")) as {
      dependencies: Record<string, string>;
    };

    expect(deploy.env?.PULUMI_VERSION).toBe(release.dependencies["@pulumi/pulumi"]);
    for (const id of ["deploy-dev", "promote-prod"]) {
      const install = stepsOf(deploy.jobs[id] as Job).find((s) =>
        s.uses?.startsWith("pulumi/actions@"),
      );
      expect(install?.with, id).toEqual({ "pulumi-version": expression("env.PULUMI_VERSION") });
    }
  });

  it("takes the Pulumi backend from configuration: an S3 URL variable, else Pulumi Cloud", () => {
    for (const id of ["deploy-dev", "promote-prod"]) {
      const job = deploy.jobs[id] as Job;
      expect(job.env, id).toMatchObject({
        PULUMI_BACKEND_URL: expression("vars.PULUMI_BACKEND_URL"),
        PULUMI_ACCESS_TOKEN: expression("secrets.PULUMI_ACCESS_TOKEN"),
      });
      expect(runs(job), id).toContain("pulumi login");
    }
  });
});

describe("policy: CI is .ci/run on GitHub", () => {
  const test = ci.jobs.test as Job;

  it("installs the pnpm of package.json's packageManager and the Node.js of .nvmrc", () => {
    const steps = stepsOf(test);
    const pnpm = steps.find((s) => s.uses?.startsWith("pnpm/action-setup@"));
    const node = steps.find((s) => s.uses?.startsWith("actions/setup-node@"));

    // No version here: pnpm/action-setup reads packageManager, so the pin lives in one place.
    expect(pnpm?.with?.version).toBeUndefined();
    expect(node?.with?.["node-version-file"]).toBe(".nvmrc");
  });

  it("installs the locked dependencies, lints, type-checks, installs the console tests' browser and runs the README's test command", () => {
    expect(runs(test)).toEqual([
      "pnpm install --frozen-lockfile",
      "pnpm turbo run lint typecheck",
      "pnpm --filter @tasklane/console-e2e exec playwright install --with-deps chromium",
      "pnpm turbo test",
    ]);
  });

  it("keeps turbo's cache between runs, one per job, falling back to any job's", () => {
    const cache = stepsOf(test).find((s) => s.uses?.startsWith("actions/cache@"));
    const os = `turbo-${expression("runner.os")}-`;
    const lock = `${os}${expression("hashFiles('pnpm-lock.yaml')")}-`;

    expect(cache?.with?.path).toBe(".turbo/cache");
    // A cache key is saved once: one key for every job of a commit would keep one job's tasks.
    expect(cache?.with?.key).toBe(`${lock}${expression("github.job")}-${expression("github.sha")}`);
    expect(String(cache?.with?.["restore-keys"]).trim().split("\n")).toEqual([
      `${lock}${expression("github.job")}-`,
      lock,
      os,
    ]);
  });
});

describe("policy: third-party actions", () => {
  it("are pinned to a release, never a branch", () => {
    const uses = [
      ...allJobs().flatMap(([, , job]) => [job.uses, ...stepsOf(job).map((s) => s.uses)]),
    ].filter((u): u is string => u !== undefined && !u.startsWith("./"));

    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) {
      expect(action).toMatch(/^[\w.-]+\/[\w.-]+@v\d+(\.\d+){0,2}$/);
    }
  });
});
