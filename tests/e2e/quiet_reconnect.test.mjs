// End-to-end test of what the web app says about a reconnect: real chatd and wsproxy, Debian's
// chromium driven by playwright-core, bob and carol on chatd's plain mode (as nc).
//
// When wsproxy restarts, everyone behind it drops and comes back, one after the other. alice's
// page must not fill up with "bob is online" and "bob joined" for people she never saw leave,
// nor with a "Reconnected." notice: the banner going away says she is back.
//
//   node --test tests/e2e/quiet_reconnect.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { retryStart, startWsproxy } from '../lib/processes.mjs';
import { LineClient } from '../lib/line_client.mjs';
import { chromiumMissing as skip, realErrors } from '../lib/chromium.mjs';
import {
  expectMessage, loginAsGuest, message, notice, noticesEverywhere,
} from '../lib/webapp_page.mjs';
import { webappSuite } from '../lib/webapp_suite.mjs';

// A missing browser must turn the suite red, not skip it quietly.
it('chromium is installed', () => assert.ok(!skip, skip));

describe('quiet reconnects in the web app', { skip, timeout: 120000 }, () => {
  const suite = webappSuite();
  let alice;
  const clients = [];

  async function nc(nickname, ...lines) {
    const client = await LineClient.guest(suite.chatd.port, nickname, ...lines);
    clients.push(client);
    return client;
  }

  before(async () => {
    alice = await suite.open('alice');
    await loginAsGuest(alice, 'alice');
  });

  after(() => {
    for (const client of clients) client.close();
  });

  it('announces bob once when he first comes online and joins', async () => {
    await alice.getByTestId('room-create-input').fill('#main');
    await alice.getByTestId('room-create-submit').click();
    await alice.getByTestId('room-leave').waitFor();
    const bob = await nc('bob', 'JOIN #main', 'MSG @alice hi alice');
    await alice.getByTestId('conv-dm-bob').click();
    await expectMessage(alice, 'dm-bob', 'bob', 'hi alice');
    await alice.getByTestId('conv-room-main').click();
    bob.send('MSG #main hello room');
    await expectMessage(alice, 'room-main', 'bob', 'hello room');
    await notice(alice, 'room-main', 'bob joined #main').waitFor();
    await notice(alice, 'everyone', 'bob is online').waitFor({ state: 'attached' });
  });

  it('says nothing of bob coming back after wsproxy restarted, and no "Reconnected." either', async () => {
    const proxyPort = suite.proxy.port;
    await suite.proxy.stop();
    await alice.getByTestId('connection-banner').waitFor();
    // bob drops too while alice is away, and comes back after her, as after any restart.
    clients.shift().close();
    suite.proxy = await retryStart(() => startWsproxy(suite.chatd.port, ['--port', String(proxyPort)]));
    await alice.getByTestId('connection-banner').waitFor({ state: 'hidden', timeout: 20000 });
    await alice.getByTestId('user-bob').waitFor({ state: 'detached' });

    const bob = await nc('bob', 'JOIN #main');
    await alice.getByTestId('user-bob').waitFor();
    bob.send('MSG #main I am back');
    await expectMessage(alice, 'room-main', 'bob', 'I am back'); // after his join and online events
    bob.send('MSG @alice me too');
    await message(alice, 'dm-bob', 'me too').waitFor({ state: 'attached' }); // not the open one

    assert.equal(await notice(alice, 'room-main', 'bob joined #main').count(), 1);
    assert.equal(await notice(alice, 'everyone', 'bob is online').count(), 1);
    assert.equal(await notice(alice, 'dm-bob', 'bob is online').count(), 0);
    assert.equal(await noticesEverywhere(alice, 'Reconnected.').count(), 0);
    assert.equal(await alice.getByTestId('me-status').textContent(), 'Online');
  });

  // A guard against saying too little: this passes without the change too.
  it('still announces someone new, and someone who leaves and comes back after the reconnect', async () => {
    const joins = await notice(alice, 'room-main', 'bob joined #main').count();
    const carol = await nc('carol', 'JOIN #main');
    await notice(alice, 'room-main', 'carol joined #main').waitFor();
    await notice(alice, 'everyone', 'carol is online').waitFor({ state: 'attached' });

    clients.shift().close(); // bob
    await notice(alice, 'everyone', 'bob went offline').waitFor({ state: 'attached' });
    await nc('bob', 'JOIN #main');
    await alice.getByTestId('user-bob').waitFor();
    carol.send('MSG #main barrier');
    await expectMessage(alice, 'room-main', 'carol', 'barrier');
    await alice.waitForFunction((expected) => [...document.querySelectorAll(
      '[data-testid="messages-room-main"] [data-testid="notice-text"]')]
      .filter((element) => element.textContent === 'bob joined #main').length === expected, joins + 1);
  });

  it('had no page errors', () => {
    assert.deepEqual(realErrors(suite.pageErrors), []);
  });
});
