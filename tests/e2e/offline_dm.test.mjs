// End-to-end test of private messages to someone offline in the web app: real chatd and wsproxy,
// Debian's chromium driven by playwright-core, bob (an account) and carol (a guest) on raw TCP.
//
// chatd keeps a private message to an account that is offline and delivers it at its next login;
// it refuses one to a guest who has left (no-such-user). The page must let alice write to bob
// while he is offline, saying he will get it, and must not lose what she wrote to carol.
//
//   node --test tests/e2e/offline_dm.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ChatPool } from '../lib/chat_client.mjs';
import { LineClient } from '../lib/line_client.mjs';
import { DESKTOP, WAIT, chromiumMissing as skip, newProfile, realErrors } from '../lib/chromium.mjs';
import { composerIdle, expectMessage, expectText, say } from '../lib/webapp_page.mjs';
import { webappSuite } from '../lib/webapp_suite.mjs';

const PASSWORD = 'correct-horse-battery';
const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');

// A missing browser must turn the suite red, not skip it quietly.
it('chromium is installed', () => assert.ok(!skip, skip));

describe('private messages to someone offline in the web app', { skip, timeout: 120000 }, () => {
  const suite = webappSuite();
  let pool;
  let alice;
  const clients = [];

  // A guest on chatd's plain mode, as nc.
  async function nc(nickname, ...lines) {
    const client = await LineClient.guest(suite.chatd.port, nickname, ...lines);
    clients.push(client);
    return client;
  }

  async function logInWithPassword(page, nickname, intent) {
    await page.getByTestId('login-nickname').fill(nickname);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId(intent === 'register' ? 'login-register' : 'login-submit').click();
    await page.getByTestId('chat-screen').waitFor();
  }

  before(async () => {
    pool = new ChatPool(suite.chatd.port);
    alice = await suite.open('alice');
    await logInWithPassword(alice, 'alice', 'register');
  });

  after(() => {
    for (const client of [...clients, ...(pool?.clients ?? [])]) client.close();
  });

  it('lets alice write to bob while he is offline, saying he will get it; bob finds it when he logs in', async () => {
    const bob = await pool.account('bob', PASSWORD);
    bob.send('MSG @alice talk tomorrow?');
    await alice.getByTestId('conv-dm-bob').click();
    await expectMessage(alice, 'dm-bob', 'bob', 'talk tomorrow?');
    assert.equal(await alice.getByTestId('composer-hint').isHidden(), true, 'nothing to say while bob is online');

    await bob.quit();
    await expectText(alice, 'composer-hint', 'bob is offline and will get your messages when they log in.');
    await say(alice, 'yes, at ten');
    await expectMessage(alice, 'dm-bob', 'alice', 'yes, at ten');

    // After a reload the conversation comes from chatd (CONVERSATIONS), bob still offline.
    await alice.reload();
    await alice.getByTestId('conv-dm-bob').click();
    await expectMessage(alice, 'dm-bob', 'alice', 'yes, at ten');
    await expectText(alice, 'composer-hint', 'bob is offline and will get your messages when they log in.');
    await say(alice, 'bring the slides');
    await expectMessage(alice, 'dm-bob', 'alice', 'bring the slides');

    const bobPage = await suite.open('bob');
    await logInWithPassword(bobPage, 'bob', 'login');
    await bobPage.getByTestId('conv-dm-alice').click();
    await expectMessage(bobPage, 'dm-alice', 'alice', 'yes, at ten');
    await expectMessage(bobPage, 'dm-alice', 'alice', 'bring the slides');
    await bobPage.context().close();
  });

  it('keeps what alice wrote to carol, a guest who left, says why she cannot send it, and sends it when carol is back', async () => {
    await nc('carol', 'MSG @alice quick question');
    await alice.getByTestId('conv-dm-carol').click();
    await expectMessage(alice, 'dm-carol', 'carol', 'quick question');
    const input = alice.getByTestId('message-input');
    await input.fill('ask away');

    clients.pop().close();
    await expectText(alice, 'composer-hint', 'carol is offline and has no account, so the server cannot '
      + 'keep messages for them. You can write again when carol is back online.');
    assert.equal(await input.isDisabled(), true);
    assert.equal(await input.inputValue(), 'ask away');

    // Readable on the narrowest phone: the whole explanation fits the width.
    await alice.setViewportSize({ width: 320, height: 640 });
    const hint = await alice.getByTestId('composer-hint').boundingBox();
    assert.ok(hint.x >= 0 && hint.x + hint.width <= 320, `hint at ${hint.x}+${hint.width}`);
    fs.mkdirSync(artifacts, { recursive: true });
    await alice.screenshot({ path: path.join(artifacts, 'webapp-offline-dm-phone.png'), animations: 'disabled' });
    await alice.setViewportSize(DESKTOP);

    const carol = await nc('carol');
    await alice.getByTestId('composer-hint').waitFor({ state: 'hidden' });
    await input.press('Enter');
    await composerIdle(alice);
    await expectMessage(alice, 'dm-carol', 'alice', 'ask away');
    assert.equal(await carol.lineMatching(/^RECEIVE @carol /, WAIT), 'RECEIVE @carol alice ask away');
    assert.equal(await input.inputValue(), '');
  });

  it('keeps the text and says why when chatd refuses a message to a guest who has just left', async () => {
    // dave's page misses carol going offline (as when the event is still on its way), so it
    // still offers to send; chatd's refusal is what it learns from.
    const context = await newProfile(suite.browser);
    const dave = await context.newPage();
    dave.setDefaultTimeout(WAIT);
    dave.on('pageerror', (error) => suite.pageErrors.push(`dave: ${error.message}`));
    await dave.routeWebSocket(/\/ws$/, (page) => {
      const server = page.connectToServer();
      server.onMessage((frame) => {
        if (!/"event":"offline"/.test(String(frame))) page.send(frame);
      });
    });
    await dave.goto(suite.url);
    await dave.getByTestId('login-nickname').fill('dave');
    await dave.getByTestId('login-submit').click();
    await dave.getByTestId('user-carol').click();
    const input = dave.getByTestId('message-input');
    await input.fill('still there?');

    clients.pop().close(); // carol
    await alice.getByTestId('user-carol').waitFor({ state: 'detached' });
    await input.press('Enter');
    await dave.getByTestId('error-message').getByText('carol is offline and has no account, so the server '
      + 'cannot keep messages for them. Your message is still here: send it when carol is back online.').waitFor();
    await composerIdle(dave);
    assert.equal(await input.inputValue(), 'still there?');
    await context.close();
  });

  it('had no page errors', () => {
    assert.deepEqual(realErrors(suite.pageErrors), []);
  });
});
