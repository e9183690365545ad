import { expect, expectNoSeriousViolations, test } from "./support/fixtures.js";

test.describe("accessibility", () => {
  test("no page has a serious or critical axe violation", async ({ page, runtime }) => {
    const id = await runtime.submit("flaky", { failures: 1 });
    await runtime.waitForStatus(id, "succeeded");
    await runtime.sendToDlq("not a task: for the scan");

    await page.goto("/tasks");
    await expect(page.locator(`tr[data-task-id="${id}"]`)).toBeVisible();
    await expectNoSeriousViolations(page);

    await page.goto(`/tasks/${id}`);
    await expect(page.locator('[data-field="status"]')).toHaveText("succeeded");
    await expectNoSeriousViolations(page);

    await page.goto("/submit?type=flaky");
    await page.getByRole("button", { name: "Submit task" }).click();
    await expect(page.getByLabel(/^failures/)).toHaveAttribute("aria-invalid", "true");
    await expectNoSeriousViolations(page);

    await page.goto("/dead-letters");
    await expect(page.locator("tbody tr")).not.toHaveCount(0);
    await expectNoSeriousViolations(page);
    await page.getByRole("button", { name: "Purge all" }).click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await expectNoSeriousViolations(page);
    await page.keyboard.press("Escape");
    await page.request.post("/console/dlq/purge", {
      headers: { "x-tasklane-console": "1" },
      data: { all: true, confirm: true },
    });

    await page.goto("/overview");
    await expect(page.locator('[data-card="queue"]')).toBeVisible();
    await expectNoSeriousViolations(page);
  });

  test("works from the keyboard alone", async ({ page, runtime }) => {
    await page.goto("/tasks");

    // The skip link comes first and lands on the page's content.
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.locator("main")).toBeFocused();

    // The navigation: Submit, reached with Tab, followed with Enter; focus goes to its heading.
    await page.getByRole("link", { name: "Tasks", exact: true }).focus();
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Submit" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/submit/);
    await expect(page.getByRole("heading", { level: 1 })).toBeFocused();

    // The form: choose the type, type the input, submit with Enter.
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("Task type")).toBeFocused();
    await page.keyboard.type("flaky");
    await expect(page.getByLabel("Task type")).toHaveValue("flaky");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await expect(page.getByLabel(/^failures/)).toBeFocused();
    await page.keyboard.type("0");
    await page.keyboard.press("Enter");
    const accepted = page.getByRole("status").filter({ hasText: "Accepted" });
    await expect(accepted).toBeVisible();
    await expect(page.locator(".summary-box")).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(accepted.getByRole("link")).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);

    // A dialog: Escape closes it and gives the focus back.
    await runtime.sendToDlq("not a task: keyboard");
    await page.goto("/dead-letters");
    const purgeAll = page.getByRole("button", { name: "Purge all" });
    await expect(purgeAll).toBeEnabled();
    await purgeAll.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(purgeAll).toBeFocused();
    await page.request.post("/console/dlq/purge", {
      headers: { "x-tasklane-console": "1" },
      data: { all: true, confirm: true },
    });
  });
});
