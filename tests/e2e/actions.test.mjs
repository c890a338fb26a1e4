// End-to-end test of actions ("/me" in IRC) in the web app: real chatd and wsproxy, Debian's
// chromium driven by playwright-core, bob on chatd's rich mode over raw TCP.
//
// A message whose text begins with "/me " is an action: chatd relays it as any text, the web app
// sends "/me waves" as typed and shows such a message as "* alice waves".
//
//   node --test tests/e2e/actions.test.mjs
//
// Screenshot: tests/artifacts/webapp-actions.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ChatPool, parseMessage } from '../lib/chat_client.mjs';
import { chromiumMissing as skip, realErrors } from '../lib/chromium.mjs';
import { expectAction, loginAsGuest, message, say } from '../lib/webapp_page.mjs';
import { webappSuite } from '../lib/webapp_suite.mjs';

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');

// A missing browser must turn the suite red, not skip it quietly.
it('chromium is installed', () => assert.ok(!skip, skip));

describe('actions (/me) in the web app', { skip, timeout: 120000 }, () => {
  const suite = webappSuite();
  let pool;
  let alice;
  let bob;

  // The next message from alice that bob receives (anything else in between is skipped).
  async function bobReceives() {
    return parseMessage(await bob.lineMatching((line) => line.startsWith('MESSAGE ')
      && parseMessage(line).from === 'alice', 10000));
  }

  // What bob received before the answer to a PING sent now (chatd answers in order).
  let pings = 0;
  async function bobLinesUntilPing() {
    const token = `actions${++pings}`;
    bob.send(`PING ${token}`);
    const lines = [];
    for (let line = await bob.line(10000); line !== `OK PING ${token}`; line = await bob.line(10000)) lines.push(line);
    return lines;
  }

  before(async () => {
    pool = new ChatPool(suite.chatd.port);
    bob = await pool.rich('bob');
    alice = await suite.open('alice');
    await loginAsGuest(alice, 'alice');
    await alice.getByTestId('user-bob').waitFor();
    fs.mkdirSync(artifacts, { recursive: true });
  });

  after(() => {
    for (const client of pool?.clients ?? []) client.close();
  });

  it('sends "/me waves" typed in the composer as the text "/me waves", shown as "* alice waves"', async () => {
    await alice.getByTestId('conv-everyone').click();
    await say(alice, '/me waves');
    const received = await bobReceives();
    assert.deepEqual([received.target, received.from, received.text], ['*', 'alice', '/me waves']);
    await expectAction(alice, 'everyone', 'alice', 'waves');
    assert.equal(await alice.getByTestId('message-input').inputValue(), '', 'the composer is cleared');
  });

  it('shows "/me dances" from someone else as "* bob dances", its text never markup', async () => {
    bob.send('MSG * /me dances');
    await expectAction(alice, 'everyone', 'bob', 'dances');
    assert.equal(await message(alice, 'everyone', '/me dances').count(), 0);
    assert.equal(await alice.getByTestId('messages-everyone').getByText('/me', { exact: false }).count(), 0);

    bob.send('MSG * /me <b>bows</b>');
    const bows = await expectAction(alice, 'everyone', 'bob', '<b>bows</b>');
    assert.equal(await bows.locator('b').count(), 0, 'the text is text, not markup');
  });

  it('says what /me needs when nothing follows it, and sends nothing', async () => {
    await alice.getByTestId('message-input').fill('/me');
    await alice.getByTestId('message-input').press('Enter');
    const toast = alice.getByTestId('error-toast').filter({ hasText: 'Type /me and what you are doing' });
    await toast.waitFor();
    await toast.getByTestId('error-dismiss').click();
    assert.equal(await alice.getByTestId('message-input').inputValue(), '/me', 'what was typed stays');
    const lines = await bobLinesUntilPing();
    assert.deepEqual(lines.filter((line) => line.startsWith('MESSAGE ') && parseMessage(line).from === 'alice'), []);
    await alice.getByTestId('message-input').fill('');
  });

  it('shows actions in a room with the name even after a message of the same sender, with links and mentions', async () => {
    await alice.getByTestId('room-create-input').fill('#main');
    await alice.getByTestId('room-create-submit').click();
    await alice.getByTestId('room-leave').waitFor();
    bob.send('JOIN #main');
    await bob.lineMatching(/^OK JOIN/, 10000);
    await alice.getByTestId('conv-everyone').click();

    bob.send('MSG #main back in a minute');
    bob.send('MSG #main /me waves at Alice, see https://example.com/pr/1');
    const conversation = alice.getByTestId('conv-room-main');
    await conversation.getByTestId('unread-badge').getByText('2').waitFor();
    assert.equal(await conversation.getByTestId('mention-badge').textContent(), '@1', 'the action mentions alice');

    await conversation.click();
    const action = await expectAction(alice, 'room-main', 'bob', 'waves at Alice, see https://example.com/pr/1');
    // Grouped under bob's message before it, the action still shows his name.
    const name = await action.getByTestId('message-sender').boundingBox();
    assert.ok(name && name.width > 10 && name.height > 5, `bob's name is shown: ${JSON.stringify(name)}`);
    assert.deepEqual(await action.getByTestId('mention').allTextContents(), ['Alice']);
    assert.equal(await action.getByTestId('message-link').getAttribute('href'), 'https://example.com/pr/1');
    await alice.mouse.move(0, 0);
    await alice.screenshot({ path: path.join(artifacts, 'webapp-actions.png'), animations: 'disabled' });
  });

  it('shows actions in a private conversation, and sends them there', async () => {
    bob.send('MSG @alice /me nods');
    await alice.getByTestId('conv-dm-bob').click();
    await expectAction(alice, 'dm-bob', 'bob', 'nods');
    await say(alice, '/me smiles back');
    const received = await bobReceives();
    assert.deepEqual([received.target, received.from, received.text], ['@bob', 'alice', '/me smiles back']);
    await expectAction(alice, 'dm-bob', 'alice', 'smiles back');
  });

  it('had no page errors', () => {
    assert.deepEqual(realErrors(suite.pageErrors), []);
  });
});
