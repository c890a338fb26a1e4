// End-to-end test of the web app's composer against chatd's line limit: real chatd and wsproxy,
// Debian's chromium driven by playwright-core. A message chatd refuses is never lost, and the
// app knows the limit in bytes, as chatd counts it.
//
//   node --test tests/e2e/message_limits.test.mjs
//
// Screenshot: tests/artifacts/webapp-too-long.png (phone width).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startChatd, startWsproxy } from '../lib/processes.mjs';
import { chromiumMissing as skip, openApp, realErrors } from '../lib/chromium.mjs';
import { composerIdle, expectMessage, loginAsGuest, message } from '../lib/webapp_page.mjs';
import { webappSuite } from '../lib/webapp_suite.mjs';

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');
const PHONE = { width: 320, height: 640 }; // the narrowest phone the app is made for
const LINE_LIMIT = 8192; // chatd's default --max-line (docs/protocol.md)
// Bytes of "MSG * " before a message to everyone in chatd's line.
const EVERYONE_MAX = LINE_LIMIT - Buffer.byteLength('MSG * ');

// A missing browser must turn the suite red, not skip it quietly.
it('chromium is installed', () => assert.ok(!skip, skip));

describe('message length in the web app', { skip, timeout: 120000 }, () => {
  const suite = webappSuite();
  let alice;

  async function typeAndSend(page, text) {
    const input = page.getByTestId('message-input');
    await input.fill(text);
    await input.press('Enter');
    await composerIdle(page);
  }

  // The error toast with this title; its text is returned and it is dismissed.
  async function takeToast(page, title) {
    const toast = page.getByTestId('error-toast').filter({ hasText: title }).first();
    await toast.waitFor();
    const text = await toast.getByTestId('error-message').textContent();
    await toast.getByTestId('error-dismiss').click();
    return text;
  }

  before(async () => {
    alice = await suite.open('alice', { viewport: PHONE });
    await loginAsGuest(alice, 'alice');
    fs.mkdirSync(artifacts, { recursive: true });
  });

  it('takes a 5,000-character paste whole and sends it', async () => {
    const text = `${'0123456789'.repeat(499)}and so on.`;
    assert.equal(text.length, 5000);
    const input = alice.getByTestId('message-input');
    await input.fill(text);
    assert.equal((await input.inputValue()).length, 5000, 'nothing cut from the paste');
    await input.press('Enter');
    await expectMessage(alice, 'everyone', 'alice', text);
    await composerIdle(alice);
    assert.equal(await input.inputValue(), '', 'cleared once chatd has accepted it');
  });

  it('counts bytes as chatd does: a message of exactly the limit goes, one byte more does not', async () => {
    const input = alice.getByTestId('message-input');
    const counter = alice.getByTestId('composer-count');
    // Two bytes a character in UTF-8: the limit is in bytes, not characters.
    const atLimit = 'é'.repeat(EVERYONE_MAX / 2);
    await input.fill(`${atLimit}a`);
    await counter.waitFor();
    assert.match(await counter.textContent(), /1 byte over the limit of 8,186 bytes/);
    await input.press('Enter');
    await alice.getByTestId('error-toast').filter({ hasText: 'Message too long' }).waitFor();
    await alice.mouse.move(0, 0);
    await alice.screenshot({ path: path.join(artifacts, 'webapp-too-long.png'), animations: 'disabled' });
    const refusal = await takeToast(alice, 'Message too long');
    assert.match(refusal, /8,192 bytes/, 'says what the limit is');
    assert.equal(await input.inputValue(), `${atLimit}a`, 'the text stays');

    await input.fill(atLimit);
    assert.match(await counter.textContent(), /^0 of 8,186 bytes left$/);
    await input.press('Enter');
    await expectMessage(alice, 'everyone', 'alice', atLimit); // chatd took it
    await composerIdle(alice);
    assert.equal(await input.inputValue(), '');
    assert.equal(await counter.isVisible(), false);
  });

  it('keeps 3,000 CJK characters (9,000 bytes) in the composer and says the limit', async () => {
    const text = '漢字かな'.repeat(750);
    const input = alice.getByTestId('message-input');
    await input.fill(text);
    const counter = alice.getByTestId('composer-count');
    await counter.waitFor();
    assert.match(await counter.textContent(), /over the limit/);
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    await input.press('Enter');
    assert.match(await takeToast(alice, 'Message too long'), /at most 8,186 bytes here .* 9,000 bytes/);
    assert.equal(await input.inputValue(), text, 'the text stays');
    assert.equal(await message(alice, 'everyone', text).count(), 0);
    await input.fill('');
  });

  it('leaves a message chatd refuses in the composer, with chatd\'s reason', async () => {
    const text = 'ring the \u0007 bell';
    await typeAndSend(alice, text);
    const reason = await takeToast(alice, 'Could not send the message');
    assert.match(reason, /control characters/);
    assert.equal(await alice.getByTestId('message-input').inputValue(), text, 'the text stays');
    await alice.getByTestId('message-input').fill('');
  });

  describe('with a chatd whose lines are shorter than the usual limit', () => {
    let smallChatd;
    let smallProxy;
    let bob;

    before(async () => {
      smallChatd = await startChatd(['--max-line', '1024']);
      smallProxy = await startWsproxy(smallChatd.port);
      bob = await openApp(suite.browser, `http://127.0.0.1:${smallProxy.port}/`, 'bob', suite.pageErrors);
      await loginAsGuest(bob, 'bob');
    });

    after(async () => {
      await smallProxy?.stop();
      await smallChatd?.stop();
    });

    it('says what the limit is when chatd answers "Line too long.", and keeps the text', async () => {
      const text = 'x'.repeat(2000);
      await typeAndSend(bob, text);
      const reason = await takeToast(bob, 'Could not send the message');
      assert.match(reason, /Line too long: the server takes lines of up to 8,192 bytes \(unless it was set lower\)/);
      assert.equal(await bob.getByTestId('message-input').inputValue(), text, 'the text stays');
      // The connection is still usable.
      await typeAndSend(bob, 'short enough');
      await expectMessage(bob, 'everyone', 'bob', 'short enough');
    });
  });

  it('had no page errors', () => {
    assert.deepEqual(realErrors(suite.pageErrors), []);
  });
});
