import { expect, saveScreenshot, test } from "./support/fixtures.js";

test.describe("a task's page", () => {
  test("draws a flaky task's attempts on the workflow, and Retry runs it again as generation 2", async ({
    page,
    runtime,
  }) => {
    // Prepare: four failing attempts (one try and three retries) fail generation 1.
    const id = await runtime.submit("flaky", { failures: 4 });
    await runtime.waitForStatus(id, "failed");

    // Act
    await page.goto(`/tasks/${id}`);

    // Assess: the record, the input, the error and the run on the graph.
    await expect(page.locator('[data-field="status"]')).toHaveText("failed");
    await expect(page.locator('[data-field="attempts"]')).toHaveText("4");
    await expect(page.getByLabel("The task's input")).toContainText('"failures": 4');
    await expect(page.getByText("TaskRetryableError", { exact: true })).toBeVisible();
    const events = page.getByRole("list", { name: "Events of generation 1" });
    await expect(events.locator('[data-event="attempt-started"]')).toHaveCount(4);
    await expect(events.locator('[data-event="failed"]')).toHaveCount(1);
    const createTask = page.locator('g[data-state="CreateTask"]');
    await expect(createTask).toHaveAttribute("data-visits", "4");
    await expect(createTask).toHaveAttribute("data-retries", "3");
    await expect(page.locator('g[data-state="Failed"]')).toHaveClass(/visited/);

    // Act: retry from the page.
    await page.getByRole("button", { name: "Retry" }).click();

    // Assess: generation 2 runs its fifth attempt and succeeds; generation 1 is still there.
    await expect(page.getByRole("status")).toContainText("generation 2 is queued");
    await expect(page.locator('[data-field="status"]')).toHaveText("succeeded", {
      timeout: 15_000,
    });
    await expect(page.locator('[data-field="generation"]')).toHaveText("2");
    await expect(page.locator('g[data-state="Succeeded"]')).toHaveClass(/visited/);
    await expect(page.getByRole("button", { name: "Retry" })).toBeDisabled();
    await page.getByRole("radio", { name: "1" }).check();
    await expect(page.getByRole("list", { name: "Events of generation 1" })).toBeVisible();
    await expect(page.locator('g[data-state="MarkFailed"]')).toHaveClass(/visited/);
    await saveScreenshot(page, "task");
  });

  test("Cancel stops a running task, which can then be retried", async ({ page, runtime }) => {
    const id = await runtime.submit("sleep", { seconds: 600 });
    await runtime.waitForStatus(id, "running");
    await page.goto(`/tasks/${id}`);
    await expect(page.locator('[data-field="status"]')).toHaveText("running");

    await page.getByRole("button", { name: "Cancel" }).click();

    await expect(page.getByRole("status")).toContainText("Cancelled.");
    await expect(page.locator('[data-field="status"]')).toHaveText("cancelled");
    await expect(page.getByRole("button", { name: "Cancel" })).toBeDisabled();
    await expect(page.getByRole("button", { name: "Retry" })).toBeEnabled();
  });

  test("says so for a task that does not exist", async ({ page }) => {
    await page.goto("/tasks/01a00000-0000-7000-8000-000000000000");

    await expect(page.getByRole("heading", { level: 1, name: "Task not found" })).toBeVisible();
  });
});
