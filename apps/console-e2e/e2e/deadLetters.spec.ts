import { expect, saveScreenshot, test } from "./support/fixtures.js";

test("the Dead letters page lists the DLQ, redrives one, the selected and all, and purges after a confirmation", async ({
  page,
  runtime,
}) => {
  // Prepare: Step Functions refuses every start, so each delivery fails until the tasks
  // reach the DLQ after maxReceiveCount receives.
  await runtime.setOutage("unavailable");
  const ids: string[] = [];
  try {
    for (const n of [1, 2, 3]) ids.push(await runtime.submit("echo", { n }));
    await runtime.waitForDlqDepth(3);
  } finally {
    await runtime.setOutage(undefined);
  }
  const [one, two, three] = ids as [string, string, string];
  const row = (id: string) => page.locator(`tr[data-letter-id="${id}"]`);

  await page.goto("/dead-letters");
  for (const id of ids) await expect(row(id)).toBeVisible();
  await expect(row(one)).toContainText('input {"n":1}');
  await saveScreenshot(page, "dead-letters");

  // One, by its row's button.
  await page.getByRole("button", { name: `Redrive ${one}` }).click();
  await expect(page.getByRole("status")).toContainText("1 message redriven");
  await expect(row(one)).toHaveCount(0);
  await runtime.waitForStatus(one, "succeeded");

  // The selected ones.
  await page.getByRole("checkbox", { name: `Select ${two}` }).check();
  await page.getByRole("button", { name: "Redrive selected (1)" }).click();
  await expect(row(two)).toHaveCount(0);
  await expect(row(three)).toBeVisible();

  // All the rest.
  await page.getByRole("button", { name: "Redrive all" }).click();
  await expect(page.getByText("The DLQ is empty.")).toBeVisible();
  await runtime.waitForStatus(two, "succeeded");
  await runtime.waitForStatus(three, "succeeded");

  // Purge: nothing happens until it is confirmed.
  await runtime.sendToDlq("not a task: a");
  await runtime.sendToDlq("not a task: b");
  await page.getByRole("button", { name: "Refresh" }).click();
  await expect(page.locator("tbody tr")).toHaveCount(2);
  await page.getByRole("button", { name: "Purge all" }).click();
  const dialog = page.getByRole("dialog", { name: "Purge 2 messages?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator("tbody tr")).toHaveCount(2);

  await page.getByRole("button", { name: "Purge all" }).click();
  await dialog.getByRole("button", { name: "Purge 2 messages" }).click();
  await expect(page.getByRole("status")).toContainText("2 messages deleted");
  await expect(page.getByText("The DLQ is empty.")).toBeVisible();
  await runtime.waitForDlqDepth(0);
});
