import { expect, saveScreenshot, test } from "./support/fixtures.js";

test("the Overview page shows the queues, the running tasks and the tasks finished per minute", async ({
  page,
  runtime,
}) => {
  const running = await runtime.submit("sleep", { seconds: 600 });
  const done = await runtime.submit("word-count", { text: "the quick brown fox" });
  await runtime.waitForStatus(running, "running");
  await runtime.waitForStatus(done, "succeeded");

  await page.goto("/overview");

  await expect(page.locator('[data-card="queue"]')).toContainText("waiting");
  await expect(page.locator('[data-card="running"] .big')).not.toHaveText("0");
  await expect(page.locator('[data-card="dlq"]')).toContainText("messages");
  const legend = page.locator(".legend");
  await expect(legend).toContainText(/succeeded: [1-9]/);
  await page.getByText("The figures as a table").click();
  await expect(page.getByRole("table", { name: /Tasks finished per minute/ })).toBeVisible();
  await saveScreenshot(page, "overview");

  await page.request.delete(`/api/tasks/${running}`, { headers: { "x-tasklane-console": "1" } });
});
