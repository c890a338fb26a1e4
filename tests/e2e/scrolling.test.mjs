// End-to-end test of reading a busy conversation in the web app: the "New messages" line, the
// jump to the latest message, and a viewport that changes height. Real chatd and wsproxy,
// Debian's chromium driven by playwright-core, and bob on chatd's plain mode (as nc).
//
//   node --test tests/e2e/scrolling.test.mjs
//
// Screenshot: tests/artifacts/webapp-new-messages.png (phone width).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { DESKTOP, chromiumMissing as skip, realErrors } from '../lib/chromium.mjs';
import { expectMessage, message } from '../lib/webapp_page.mjs';
import { webappSuite } from '../lib/webapp_suite.mjs';

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');
const PHONE = { width: 390, height: 700 };
const PHONE_WITH_KEYBOARD = { width: 390, height: 400 };

// A missing browser must turn the suite red, not skip it quietly.
it('chromium is installed', () => assert.ok(!skip, skip));

describe('scrolling through new messages in the web app', { skip, timeout: 120000 }, () => {
  const suite = webappSuite();
  let alice;
  let bob;

  // Whether a message is inside the visible part of its list.
  function inView(pane, text) {
    return message(alice, pane, text).evaluate((item) => {
      const box = item.getBoundingClientRect();
      const view = item.closest('[data-testid^="messages-"]').getBoundingClientRect();
      return box.top >= view.top - 1 && box.bottom <= view.bottom + 1;
    });
  }

  async function waitInView(pane, text) {
    await alice.waitForFunction(([slug, wanted]) => {
      const list = document.querySelector(`[data-testid="messages-${slug}"]`);
      const item = [...list.querySelectorAll('[data-testid="message"]')]
        .find((li) => li.querySelector('[data-testid="message-text"]').textContent === wanted);
      if (!item) return false;
      const box = item.getBoundingClientRect();
      const view = list.getBoundingClientRect();
      return box.top >= view.top - 1 && box.bottom <= view.bottom + 1;
    }, [pane, text]);
  }

  // What comes just before a message in its list ("new-messages", "message", ...).
  function before_(pane, text) {
    return message(alice, pane, text).evaluate((item) => item.previousElementSibling?.dataset.testid);
  }

  before(async () => {
    [alice, bob] = await suite.guestAndNc('alice', 'bob');
    fs.mkdirSync(artifacts, { recursive: true });
  });

  after(() => bob?.close());

  it('marks where the unread messages of a conversation begin when it is opened', async () => {
    await alice.getByTestId('room-create-input').fill('#side');
    await alice.getByTestId('room-create-submit').click();
    await alice.getByTestId('room-leave').waitFor();
    bob.send('JOIN #side');
    bob.send('MSG #side read before');
    await expectMessage(alice, 'room-side', 'bob', 'read before');

    await alice.getByTestId('conv-everyone').click();
    for (const text of ['side 1', 'side 2', 'side 3']) bob.send(`MSG #side ${text}`);
    await alice.getByTestId('conv-room-side').getByTestId('unread-badge').getByText('3').waitFor();
    await alice.getByTestId('conv-room-side').click();
    await expectMessage(alice, 'room-side', 'bob', 'side 3');
    assert.equal(await before_('room-side', 'side 1'), 'new-messages');
    assert.equal(await alice.getByTestId('new-messages').count(), 1);

    // Read once the person moves on: no line when they come back.
    await alice.getByTestId('conv-everyone').click();
    await alice.getByTestId('conv-room-side').click();
    assert.equal(await alice.getByTestId('messages-room-side').getByTestId('new-messages').count(), 0);
    await alice.getByTestId('conv-everyone').click();
  });

  it('while scrolled up: a "New messages" line and a button that counts them and jumps to the latest', async () => {
    await alice.getByTestId('conv-everyone').click();
    await alice.setViewportSize(PHONE);
    for (let i = 1; i <= 40; i += 1) bob.send(`SEND line ${i}`);
    await expectMessage(alice, 'everyone', 'bob', 'line 40');
    await waitInView('everyone', 'line 40');
    const jump = alice.getByTestId('jump-latest');
    assert.equal(await jump.isVisible(), false, 'no button at the newest message');

    await alice.getByTestId('messages-everyone').evaluate((list) => { list.scrollTop = 0; });
    await jump.getByText('Jump to latest').waitFor();

    bob.send('SEND news 1');
    bob.send('SEND news 2');
    await expectMessage(alice, 'everyone', 'bob', 'news 2');
    await jump.getByText('2 new messages').waitFor();
    assert.equal(await before_('everyone', 'news 1'), 'new-messages');
    assert.equal(await inView('everyone', 'news 2'), false, 'the view did not move');
    await alice.screenshot({ path: path.join(artifacts, 'webapp-new-messages.png'), animations: 'disabled' });

    await jump.click();
    await waitInView('everyone', 'news 2');
    await jump.waitFor({ state: 'hidden' });
    // The line stays while the conversation is open, to find one's place again.
    assert.equal(await before_('everyone', 'news 1'), 'new-messages');
  });

  it('keeps the newest message in view when the viewport gets shorter (a phone\'s keyboard) and taller', async () => {
    await alice.setViewportSize(DESKTOP);
    await alice.getByTestId('conv-everyone').click();
    await alice.setViewportSize(PHONE);
    bob.send('SEND before the keyboard');
    await expectMessage(alice, 'everyone', 'bob', 'before the keyboard');
    const list = alice.getByTestId('messages-everyone');
    await list.evaluate((element) => { element.scrollTop = element.scrollHeight; });
    await waitInView('everyone', 'before the keyboard');
    await alice.setViewportSize(PHONE_WITH_KEYBOARD);
    await waitInView('everyone', 'before the keyboard');
    bob.send('SEND typed while the keyboard is open');
    await waitInView('everyone', 'typed while the keyboard is open');
    await alice.setViewportSize(PHONE);
    await waitInView('everyone', 'typed while the keyboard is open');
    await alice.setViewportSize(DESKTOP);
    await waitInView('everyone', 'typed while the keyboard is open');
  });

  it('had no page errors', () => {
    assert.deepEqual(realErrors(suite.pageErrors), []);
  });
});
