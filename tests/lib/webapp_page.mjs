// What a test does and reads on the web app's page, as a person would: type a message, find one.
import assert from 'node:assert/strict';

export async function say(page, text) {
  const input = page.getByTestId('message-input');
  await input.fill(text);
  await input.press('Enter');
}

// The messages whose text is exactly `text` in a conversation's pane ("room-main", "dm-bob", ...).
export function message(page, pane, text) {
  return page.getByTestId(`messages-${pane}`).getByTestId('message')
    .filter({ has: page.getByTestId('message-text').getByText(text, { exact: true }) });
}

// Exactly one such message is shown, from `sender`.
export async function expectMessage(page, pane, sender, text) {
  const item = message(page, pane, text);
  await item.waitFor();
  assert.equal(await item.count(), 1, `one "${text}" in ${pane}`);
  assert.equal(await item.getByTestId('message-sender').textContent(), sender);
  return item;
}
