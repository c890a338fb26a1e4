// End-to-end test of multi-line messages in the web app: real chatd and wsproxy, Debian's
// chromium driven by playwright-core, and as the other parties an nc user (plain mode), a rich
// client that asked for RICH MULTILINE, and a second browser.
//
//   node --test tests/e2e/multiline.test.mjs
//
// Screenshot: tests/artifacts/webapp-multiline-composer.png (a pasted snippet in the composer).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ChatPool, parseMessage } from '../lib/chat_client.mjs';
import { chromiumMissing as skip, realErrors } from '../lib/chromium.mjs';
import { LineClient } from '../lib/line_client.mjs';
import { composerIdle, loginAsGuest } from '../lib/webapp_page.mjs';
import { webappSuite } from '../lib/webapp_suite.mjs';

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');
// Bytes of "MSG * " before a message to everyone in chatd's 8,192-byte line.
const EVERYONE_MAX = 8192 - Buffer.byteLength('MSG * ');

// The message in a conversation's pane whose text, as shown, begins with `first` (a line of it).
function shown(page, pane, first) {
  return page.getByTestId(`messages-${pane}`).getByTestId('message')
    .filter({ has: page.getByTestId('message-text').getByText(first) });
}

// The text of that message as the browser lays it out: its line breaks are line breaks.
async function shownText(page, pane, first) {
  const item = shown(page, pane, first);
  await item.waitFor();
  assert.equal(await item.count(), 1, `one message beginning "${first}"`);
  return item.getByTestId('message-text').innerText();
}

// A missing browser must turn the suite red, not skip it quietly.
it('chromium is installed', () => assert.ok(!skip, skip));

describe('multi-line messages in the web app', { skip, timeout: 120000 }, () => {
  const suite = webappSuite();
  let pool;
  let alice; // writes in the browser
  let erin; // reads in another browser
  let carol; // nc
  let dave; // RICH MULTILINE: a message's line breaks escaped in its one line

  before(async () => {
    pool = new ChatPool(suite.chatd.port);
    alice = await suite.open('alice');
    await alice.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await loginAsGuest(alice, 'alice');
    erin = await suite.open('erin');
    await loginAsGuest(erin, 'erin');
    carol = await LineClient.guest(suite.chatd.port, 'carol');
    dave = await pool.multiline('dave');
    for (const page of [alice, erin]) await page.getByTestId('user-dave').waitFor();
  });

  after(async () => {
    carol?.close();
    await pool?.closeAll();
  });

  // The next message dave receives, as one line.
  const daveGets = async () => parseMessage(await dave.lineMatching(/^MESSAGE /)).text;

  it('sends lines typed with Shift+Enter as one message, and a pasted snippet whole', async () => {
    const input = alice.getByTestId('message-input');
    const height = () => input.evaluate((element) => element.clientHeight);
    const oneLine = await height();
    await input.click();
    await alice.keyboard.type('line one');
    await alice.keyboard.press('Shift+Enter');
    await alice.keyboard.type('line two');
    assert.equal(await input.inputValue(), 'line one\nline two', 'Shift+Enter did not send');
    const twoLines = await height();
    assert.ok(twoLines > oneLine, `the composer grew with its text (${oneLine} to ${twoLines} px)`);
    await alice.keyboard.press('Enter');
    await composerIdle(alice);
    assert.equal(await input.inputValue(), '');
    assert.equal(await height(), oneLine, 'one line again once sent');

    assert.equal(await carol.line(), 'RECEIVE alice line one');
    assert.equal(await carol.line(), 'RECEIVE alice line two');
    assert.equal(await daveGets(), 'line one\\nline two');
    assert.equal(await shownText(erin, 'everyone', 'line one'), 'line one\nline two');

    // Pasted from the clipboard: indentation, a blank line and a backslash kept.
    const snippet = 'def f(x):\n    return x \\ 2\n\nprint(f(4))';
    await alice.evaluate((text) => navigator.clipboard.writeText(text), snippet);
    await input.focus();
    await alice.keyboard.press('Control+V');
    assert.equal(await input.inputValue(), snippet);
    assert.ok(await height() > twoLines, 'the composer grew to show the lines');
    fs.mkdirSync(artifacts, { recursive: true });
    await alice.screenshot({ path: path.join(artifacts, 'webapp-multiline-composer.png'), animations: 'disabled' });
    await alice.keyboard.press('Enter');
    await composerIdle(alice);

    for (const line of ['def f(x):', '    return x \\ 2', ' ', 'print(f(4))']) {
      assert.equal(await carol.line(), `RECEIVE alice ${line}`);
    }
    assert.equal(await daveGets(), 'def f(x):\\n    return x \\\\ 2\\n\\nprint(f(4))');
    assert.equal(await shownText(erin, 'everyone', 'def f(x):'), snippet);
    assert.equal(await shownText(alice, 'everyone', 'def f(x):'), snippet);

    // One sender, one day: her name and the day once above both.
    const pane = erin.getByTestId('messages-everyone');
    assert.equal(await pane.getByTestId('message-sender').filter({ visible: true }).count(), 1);
    assert.deepEqual(await pane.locator('.day-divider').allInnerTexts(), ['Today']);
  });

  it('shows the lines of a message sent by a RICH MULTILINE client, links and mentions working', async () => {
    dave.send('MSG * first line\\n  indented, see https://example.com/x\\nthird for erin');
    await dave.lineMatching(/^OK MSG /); // its own copy before it
    const text = await shownText(erin, 'everyone', 'first line');
    assert.equal(text, 'first line\n  indented, see https://example.com/x\nthird for erin');
    const item = shown(erin, 'everyone', 'first line');
    assert.equal(await item.getByTestId('message-link').getAttribute('href'), 'https://example.com/x');
    assert.deepEqual(await item.getByTestId('mention').allTextContents(), ['erin']);
  });

  it('counts line breaks and backslashes as the two bytes each they take of chatd\'s line', async () => {
    const input = alice.getByTestId('message-input');
    const counter = alice.getByTestId('composer-count');
    // Half the limit in characters, all of it in bytes once escaped.
    const atLimit = '\\'.repeat(EVERYONE_MAX / 2);
    await input.fill(`${atLimit}\nx`);
    await counter.waitFor();
    assert.equal(await counter.textContent(), '3 bytes over the limit of 8,186 bytes');
    await input.press('Enter');
    const toast = alice.getByTestId('error-toast').filter({ hasText: 'Message too long' });
    assert.match(await toast.getByTestId('error-message').textContent(),
      /this one is 8,189 bytes \(line breaks and backslashes count as two\)/);
    await toast.getByTestId('error-dismiss').click();

    await input.fill(atLimit);
    assert.equal(await counter.textContent(), '0 of 8,186 bytes left');
    await input.press('Enter');
    await composerIdle(alice);
    assert.equal(await input.inputValue(), '', 'chatd took it');
    assert.equal(await daveGets(), '\\\\'.repeat(EVERYONE_MAX / 2));
  });

  it('says a message has more lines than chatd takes before sending it', async () => {
    const input = alice.getByTestId('message-input');
    await input.fill(Array.from({ length: 101 }, (_, i) => `line ${i + 1}`).join('\n'));
    assert.equal(await alice.getByTestId('composer-count').textContent(), '101 lines, over the limit of 100');
    await input.press('Enter');
    await alice.getByTestId('error-toast').filter({ hasText: 'at most 100 lines; this one has 101' }).waitFor();
    assert.equal((await input.inputValue()).split('\n').length, 101, 'the text stays');
  });

  it('had no page errors', () => {
    assert.deepEqual(realErrors(suite.pageErrors), []);
  });
});
