import type { Request } from "@playwright/test";
import { expect, saveScreenshot, test } from "./support/fixtures.js";

test.describe("the Submit page", () => {
  test("builds the form from the type's schema, checks it before sending, and submits", async ({
    page,
  }) => {
    const posts: Request[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().endsWith("/api/tasks")) posts.push(r);
    });
    await page.goto("/submit");
    await page.getByLabel("Task type").selectOption("flaky");
    const failures = page.getByLabel(/^failures/);

    // An input the schema refuses is shown at its field, and nothing is sent.
    await failures.fill("11");
    await page.getByRole("button", { name: "Submit task" }).click();
    await expect(page.getByText("failures must be at most 10").first()).toBeVisible();
    await expect(failures).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator(".summary-box")).toBeFocused();
    expect(posts).toEqual([]);
    await saveScreenshot(page, "submit");

    // A valid one is accepted, with a link to the task.
    await failures.fill("1");
    await page.getByRole("button", { name: "Submit task" }).click();
    const accepted = page.getByRole("status").filter({ hasText: "Accepted" });
    await expect(accepted).toBeVisible();
    expect(posts).toHaveLength(1);
    await accepted.getByRole("link").click();
    await expect(page.locator('[data-field="status"]')).toHaveText("succeeded", {
      timeout: 15_000,
    });
  });

  test("shows the API's problem document field by field", async ({ page }) => {
    // The page's copy of the schema is stale (a deploy changed it): it no longer requires
    // `failures`, so only the API can say it is missing.
    await page.route("**/api/task-types", async (route) => {
      const answer = await route.fetch();
      const body = (await answer.json()) as {
        types: { type: string; inputSchema: Record<string, unknown> }[];
      };
      for (const t of body.types) if (t.type === "flaky") delete t.inputSchema.required;
      await route.fulfill({ response: answer, json: body });
    });
    await page.goto("/submit?type=flaky");

    await page.getByRole("button", { name: "Submit task" }).click();

    const summary = page.locator(".summary-box");
    await expect(summary).toContainText("The request does not match the schema");
    await expect(page.locator("#field-failures-error")).toContainText(
      /^failures .*expected number/,
    );
    await expect(page.getByLabel(/^failures/)).toHaveAttribute("aria-invalid", "true");
  });

  test("takes JSON for a type whose input is any value, and says when it is not JSON", async ({
    page,
  }) => {
    await page.goto("/submit?type=echo");
    const input = page.getByLabel("Input (JSON)");

    await input.fill('{"hello": ');
    await page.getByRole("button", { name: "Submit task" }).click();
    await expect(page.locator("#input-json-error")).toContainText("is not valid JSON");

    await input.fill('{"hello": "world"}');
    await page.getByRole("button", { name: "Submit task" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Accepted" })).toBeVisible();
  });
});
