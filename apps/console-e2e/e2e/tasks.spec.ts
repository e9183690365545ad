import { expect, saveScreenshot, test } from "./support/fixtures.js";

test.describe("the Tasks page", () => {
  test("shows a task submitted elsewhere, then its final status, without a reload", async ({
    page,
    runtime,
  }) => {
    // Prepare: the page is open before the task exists.
    await page.goto("/tasks");
    await expect(page.getByRole("heading", { level: 1, name: "Tasks" })).toBeVisible();
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));

    // Act
    const id = await runtime.submit("sleep", { seconds: 1 });

    // Assess
    const row = page.locator(`tr[data-task-id="${id}"]`);
    await expect(row).toBeVisible();
    await expect(row).toHaveAttribute("data-status", "succeeded", { timeout: 15_000 });
    await expect(row.getByRole("link", { name: id })).toHaveAttribute("href", `/tasks/${id}`);
    expect(await page.evaluate(() => "notReloaded" in globalThis)).toBe(true);
    await saveScreenshot(page, "tasks");
  });

  test("filters by status, type and age, and finds a task by its id", async ({ page, runtime }) => {
    const failed = await runtime.submit("fail", { reason: "filtered" });
    const echoed = await runtime.submit("echo", { filtered: true });
    await runtime.waitForStatus(failed, "failed");
    await runtime.waitForStatus(echoed, "succeeded");
    const row = (id: string) => page.locator(`tr[data-task-id="${id}"]`);

    await page.goto("/tasks");
    await expect(row(echoed)).toBeVisible();

    await page.getByRole("checkbox", { name: "failed" }).check();
    await expect(page).toHaveURL(/\/tasks\?status=failed$/);
    await expect(row(failed)).toBeVisible();
    await expect(row(echoed)).toHaveCount(0);
    await expect(page.locator("tbody tr:not([data-status=failed])")).toHaveCount(0);

    await page.getByRole("checkbox", { name: "failed" }).uncheck();
    await page.getByLabel("Type").selectOption("echo");
    await expect(row(echoed)).toBeVisible();
    await expect(row(failed)).toHaveCount(0);

    const listed = page.waitForRequest((r) => r.url().includes("/api/tasks?since=15m"));
    await page.getByLabel("Created in the last").selectOption("15m");
    await listed;
    await expect(page).toHaveURL(/type=echo&since=15m/);
    await expect(row(echoed)).toBeVisible();

    await page.getByLabel("Find a task by id").fill(failed);
    await page.getByLabel("Find a task by id").press("Enter");
    await expect(page).toHaveURL(`/tasks/${failed}`);
    await expect(page.getByRole("heading", { level: 1 })).toContainText(failed);
  });
});
