// End-to-end test of links and mentions in the web app's messages: real chatd and wsproxy,
// Debian's chromium driven by playwright-core, bob on chatd's plain mode (as nc).
//
//   node --test tests/e2e/links_mentions.test.mjs
//
// Screenshot: tests/artifacts/webapp-mentions.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromiumMissing as skip, realErrors } from '../lib/chromium.mjs';
import { expectMessage } from '../lib/webapp_page.mjs';
import { webappSuite } from '../lib/webapp_suite.mjs';

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');

// A missing browser must turn the suite red, not skip it quietly.
it('chromium is installed', () => assert.ok(!skip, skip));

describe('links and mentions in the web app', { skip, timeout: 120000 }, () => {
  const suite = webappSuite();
  let alice;
  let bob;

  before(async () => {
    [alice, bob] = await suite.guestAndNc('alice', 'bob');
    fs.mkdirSync(artifacts, { recursive: true });
  });

  after(() => bob?.close());

  it('makes http and https links clickable, opening in a new tab without a referrer; nothing else', async () => {
    const text = 'docs at https://example.com/a?b=1&c=2. and http://wiki.example/Foo_(bar), '
      + 'not javascript:alert(1) nor <a href="https://evil.example">x</a> nor ftp://files.example';
    bob.send(`SEND ${text}`);
    const item = await expectMessage(alice, 'everyone', 'bob', text); // the text reads as sent
    const links = item.getByTestId('message-link');
    await links.first().waitFor();
    const found = await links.evaluateAll((elements) => elements.map((a) => ({
      href: a.getAttribute('href'), text: a.textContent, target: a.target, rel: a.rel,
    })));
    assert.deepEqual(found.map(({ text: shown }) => shown), [
      'https://example.com/a?b=1&c=2', 'http://wiki.example/Foo_(bar)', 'https://evil.example',
    ]);
    assert.deepEqual(found.map(({ href }) => href), [
      'https://example.com/a?b=1&c=2', 'http://wiki.example/Foo_(bar)', 'https://evil.example/',
    ]);
    for (const link of found) {
      assert.equal(link.target, '_blank');
      assert.equal(link.rel, 'noopener noreferrer');
    }
    // The markup in the message is text: no element came from it.
    assert.equal(await item.getByTestId('message-text').locator('a:not([data-testid="message-link"]), b').count(), 0);
  });

  it('highlights mentions of my nickname and counts them apart from the other unread messages', async () => {
    await alice.getByTestId('room-create-input').fill('#main');
    await alice.getByTestId('room-create-submit').click();
    await alice.getByTestId('room-leave').waitFor();
    bob.send('JOIN #main');
    await alice.getByTestId('conv-everyone').click();

    bob.send('MSG #main lunch anyone?');
    bob.send('MSG #main malice aforethought is not a mention');
    bob.send('MSG #main @Alice: can you review https://example.com/pr/1?');
    const conversation = alice.getByTestId('conv-room-main');
    await conversation.getByTestId('unread-badge').getByText('3').waitFor();
    assert.equal(await conversation.getByTestId('mention-badge').textContent(), '@1');

    await conversation.click();
    const mentioned = await expectMessage(alice, 'room-main', 'bob', '@Alice: can you review https://example.com/pr/1?');
    assert.deepEqual(await mentioned.getByTestId('mention').allTextContents(), ['Alice']);
    assert.equal(await mentioned.getByTestId('message-link').getAttribute('href'), 'https://example.com/pr/1');
    const other = await expectMessage(alice, 'room-main', 'bob', 'malice aforethought is not a mention');
    assert.equal(await other.getByTestId('mention').count(), 0);
    assert.equal(await conversation.getByTestId('mention-badge').count(), 0, 'read once opened');
    await alice.mouse.move(0, 0);
    await alice.screenshot({ path: path.join(artifacts, 'webapp-mentions.png'), animations: 'disabled' });
  });

  it('had no page errors', () => {
    assert.deepEqual(realErrors(suite.pageErrors), []);
  });
});
