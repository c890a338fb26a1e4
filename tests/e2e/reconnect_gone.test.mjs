// End-to-end test of who the web app says is gone after chatd restarts: real chatd (the same
// database before and after) and wsproxy, Debian's chromium driven by playwright-core, bob and
// carol on chatd's plain mode (as nc).
//
// A restart drops everyone without an OFFLINE or LEAVE event. carol comes back and must do so
// silently (quiet_reconnect.test.mjs); bob does not, and alice's page must say so once the
// minute the app gives people to come back is over. The page's clock is Playwright's, so the
// test moves it on instead of waiting a minute.
//
//   node --test tests/e2e/reconnect_gone.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { retryStart, startChatd, startWsproxy, tempDatabase } from '../lib/processes.mjs';
import { LineClient } from '../lib/line_client.mjs';
import { WAIT, chromiumMissing as skip, launchChromium, newProfile, realErrors } from '../lib/chromium.mjs';
import {
  expectMessage, expectText, loginAsGuest, notice, noticesEverywhere,
} from '../lib/webapp_page.mjs';

const QUIET_MS = 60 * 1000; // webapp/reconnect_quiet.js

// A missing browser must turn the suite red, not skip it quietly.
it('chromium is installed', () => assert.ok(!skip, skip));

describe('people gone after chatd restarted, in the web app', { skip, timeout: 120000 }, () => {
  let database;
  let chatd;
  let proxy;
  let browser;
  let alice;
  const clients = [];
  const pageErrors = [];

  async function nc(nickname, ...lines) {
    const client = await LineClient.guest(chatd.port, nickname, ...lines);
    clients.push(client);
    return client;
  }

  before(async () => {
    database = tempDatabase();
    chatd = await startChatd(['--db', database.path]);
    proxy = await startWsproxy(chatd.port);
    browser = await launchChromium();
    alice = await (await newProfile(browser)).newPage();
    alice.setDefaultTimeout(WAIT);
    alice.on('pageerror', (error) => pageErrors.push(`alice: ${error.message}`));
    alice.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`alice console: ${message.text()}`);
    });
    await alice.clock.install(); // runs as usual until the test moves it on
    await alice.goto(`http://127.0.0.1:${proxy.port}/`);
    await loginAsGuest(alice, 'alice');
  });

  after(async () => {
    await browser?.close();
    for (const client of clients) client.close();
    await proxy?.stop();
    await chatd?.stop();
    database?.remove();
  });

  it('sees bob and carol in #main, and bob in a private conversation', async () => {
    await alice.getByTestId('room-create-input').fill('#main');
    await alice.getByTestId('room-create-submit').click();
    await alice.getByTestId('room-leave').waitFor();
    await nc('bob', 'JOIN #main', 'MSG @alice hi alice');
    await nc('carol', 'JOIN #main');
    await expectText(alice, 'conversation-subtitle', '3 members · alice, bob, carol');
    await alice.getByTestId('conv-dm-bob').click();
    await expectMessage(alice, 'dm-bob', 'bob', 'hi alice');
    await alice.getByTestId('conv-room-main').click();
  });

  it('after chatd restarts, says bob is gone once he has not come back for a minute; carol, back, is not mentioned', async () => {
    const port = chatd.port;
    await chatd.stop(); // bob's and carol's connections go with it, without a word
    for (const client of clients.splice(0)) client.close();
    await alice.getByTestId('connection-banner').waitFor();
    chatd = await retryStart(() => startChatd(['--db', database.path, '--port', String(port)]));
    await alice.getByTestId('connection-banner').waitFor({ state: 'hidden', timeout: 20000 });

    const carol = await nc('carol', 'JOIN #main');
    await expectText(alice, 'conversation-subtitle', '2 members · alice, carol');
    carol.send('MSG #main carol is back');
    await expectMessage(alice, 'room-main', 'carol', 'carol is back');
    // Not yet: bob may still be on his way back.
    assert.equal(await noticesEverywhere(alice, 'bob went offline').count(), 0);

    await alice.clock.fastForward(QUIET_MS + 1000);
    await notice(alice, 'room-main', 'bob left #main').waitFor();
    await notice(alice, 'everyone', 'bob went offline').waitFor({ state: 'attached' });
    await notice(alice, 'dm-bob', 'bob went offline').waitFor({ state: 'attached' });

    // Once: another minute adds nothing.
    await alice.clock.fastForward(QUIET_MS + 1000);
    carol.send('MSG #main barrier');
    await expectMessage(alice, 'room-main', 'carol', 'barrier');
    assert.equal(await notice(alice, 'room-main', 'bob left #main').count(), 1);
    assert.equal(await notice(alice, 'everyone', 'bob went offline').count(), 1);
    assert.equal(await notice(alice, 'dm-bob', 'bob went offline').count(), 1);
    for (const text of ['carol went offline', 'carol left #main']) {
      assert.equal(await noticesEverywhere(alice, text).count(), 0, text);
    }
    assert.equal(await notice(alice, 'room-main', 'carol joined #main').count(), 1);
    assert.equal(await notice(alice, 'everyone', 'carol is online').count(), 1);
  });

  it('had no page errors', () => {
    assert.deepEqual(realErrors(pageErrors), []);
  });
});
