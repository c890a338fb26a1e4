// What a test does and reads on the web app's page, as a person would: type a message, find one.
import assert from 'node:assert/strict';

// Types `text` in the composer and sends it; returns once chatd has answered (the composer keeps
// a message until then and takes no other meanwhile).
export async function say(page, text) {
  const input = page.getByTestId('message-input');
  await input.fill(text);
  await input.press('Enter');
  await composerIdle(page);
}

// Waits until no message is on its way from the composer.
export async function composerIdle(page) {
  await page.waitForFunction(() => document.querySelector('[data-testid="composer"]')
    ?.getAttribute('aria-busy') !== 'true');
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

// Logs in as a guest and waits for the chat screen.
export async function loginAsGuest(page, nickname) {
  await page.getByTestId('login-nickname').fill(nickname);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('chat-screen').waitFor();
}

// The notices (joins, topics, ...) whose text is exactly `text` in a conversation's pane.
export function notice(page, pane, text) {
  return page.getByTestId(`messages-${pane}`).getByTestId('notice')
    .filter({ has: page.getByTestId('notice-text').getByText(text, { exact: true }) });
}

// Every notice whose text is exactly `text`, in any conversation.
export function noticesEverywhere(page, text) {
  return page.getByTestId('notice')
    .filter({ has: page.getByTestId('notice-text').getByText(text, { exact: true }) });
}

// Waits until an element's text is exactly `text` (a header that follows the server, say).
export async function expectText(page, testId, text) {
  await page.waitForFunction(([id, expected]) => document.querySelector(`[data-testid="${id}"]`)
    ?.textContent === expected, [testId, text]);
}

// Makes the page look hidden (another tab in front, the window minimised) or shown again, as the
// app reads it: document.hidden, document.visibilityState and a 'visibilitychange' event.
// Playwright cannot minimise a headless page or put another tab in front of it for real, so the
// two properties are overridden on the document and the event dispatched as the browser would.
export async function setPageHidden(page, hidden) {
  await page.evaluate((isHidden) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => isHidden });
    Object.defineProperty(document, 'visibilityState', {
      configurable: true, get: () => (isHidden ? 'hidden' : 'visible'),
    });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

// Opens the open room's "More" menu (where Destroy is) with a click.
export async function openRoomMenu(page) {
  await page.getByTestId('room-more').click();
  await page.getByTestId('room-more-menu').waitFor();
}

// Exactly one action ("/me <text>" sent) saying `text` is shown in a conversation's pane, by
// `sender`, and it reads "* <sender> <text>", in italics.
export async function expectAction(page, pane, sender, text) {
  const item = await expectMessage(page, pane, sender, text);
  const line = item.getByTestId('message-action');
  assert.match(await line.innerText(), new RegExp(`^\\* ${escapeRegExp(sender)} ${escapeRegExp(text)}\\s`));
  assert.equal(await line.evaluate((element) => getComputedStyle(element).fontStyle), 'italic');
  return item;
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
