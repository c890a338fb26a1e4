// End-to-end test of the web app: real chatd and wsproxy, Debian's chromium driven by
// playwright-core, and a raw TCP (nc-like) user on chatd's plain mode.
//
//   node --test tests/e2e/browser.test.mjs
//
// Screenshots go to tests/artifacts/webapp.png and tests/artifacts/webapp-phone.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { retryStart, startChatd, startWsproxy } from '../lib/processes.mjs';
import { LineClient } from '../lib/line_client.mjs';
import { DESKTOP, WAIT, chromiumMissing as skip, launchChromium, openApp, realErrors } from '../lib/chromium.mjs';
import { expectMessage, message, openRoomMenu, say } from '../lib/webapp_page.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = path.join(root, 'tests/artifacts');
const PHONE = { width: 390, height: 780 };

// A missing browser must turn the suite red, not skip it quietly.
it('chromium is installed', () => assert.ok(!skip, skip));

describe('web app through wsproxy', { skip, timeout: 120000 }, () => {
  let chatd;
  let proxy;
  let proxyPort;
  let browser;
  let carol;
  const pages = {};
  const pageErrors = [];

  async function openUser(name) {
    pages[name] = await openApp(browser, `http://127.0.0.1:${proxyPort}/`, name, pageErrors);
    return pages[name];
  }

  async function login(page, nickname) {
    await page.getByTestId('login-nickname').fill(nickname);
    await page.getByTestId('login-submit').click();
  }

  async function unread(page, conversation) {
    const badge = page.getByTestId(`conv-${conversation}`).getByTestId('unread-badge');
    return (await badge.count()) ? (await badge.textContent()).trim() : '';
  }

  async function waitUntil(page, fn, arg) {
    await page.waitForFunction(fn, arg, { timeout: WAIT });
  }

  before(async () => {
    chatd = await startChatd();
    proxy = await startWsproxy(chatd.port);
    proxyPort = proxy.port;
    browser = await launchChromium();
    fs.mkdirSync(artifacts, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    carol?.close();
    await proxy?.stop();
    await chatd?.stop();
  });

  it('logs in, shows the server\'s error for a taken nickname and lets the user retry', async () => {
    const alice = await openUser('alice');
    await login(alice, 'alice');
    await alice.getByTestId('chat-screen').waitFor();
    assert.equal(await alice.getByTestId('me-nickname').textContent(), 'alice');

    const bob = await openUser('bob');
    await login(bob, 'ALICE');
    const error = bob.getByTestId('login-error');
    await error.waitFor();
    assert.equal(await error.textContent(), 'Username is already taken.');
    assert.equal(await bob.getByTestId('chat-screen').isVisible(), false);
    await login(bob, 'bob');
    await bob.getByTestId('chat-screen').waitFor();
    assert.equal(await bob.getByTestId('login-error').isVisible(), false);

    // Online users come from the users reply (bob) and the online event (alice).
    await alice.getByTestId('user-bob').waitFor();
    await bob.getByTestId('user-alice').waitFor();
  });

  it('creates and joins #main and chats in the room with the browser and nc users', async () => {
    const { alice, bob } = pages;
    // alice creates #main in the sidebar; a room you create is one you join.
    await alice.getByTestId('room-create-input').fill('#main');
    await alice.getByTestId('room-create-submit').click();
    await alice.getByTestId('room-leave').waitFor();
    assert.equal(await alice.getByTestId('conversation-title').textContent(), '#main');

    // bob sees the room appear (create event) and joins it with the button.
    await bob.getByTestId('conv-room-main').click();
    await bob.getByTestId('empty-state').waitFor();
    await bob.getByTestId('room-join').click();
    await bob.getByTestId('room-leave').waitFor();

    // carol, on nc, joins too; the members line follows the join events.
    carol = await LineClient.connect(chatd.port);
    carol.send('USERNAME carol');
    carol.send('JOIN #main');
    await waitUntil(alice, () => /3 members · alice, bob, carol/.test(
      document.querySelector('[data-testid="conversation-subtitle"]').textContent));

    await say(alice, 'Hello guys!');
    const item = await expectMessage(bob, 'room-main', 'alice', 'Hello guys!');
    const time = item.getByTestId('message-time');
    assert.match(await time.textContent(), /^\d\d:\d\d$/);
    assert.ok(await time.getAttribute('title'), 'full time in the title attribute');
    assert.match(await time.getAttribute('datetime'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await expectMessage(alice, 'room-main', 'alice', 'Hello guys!'); // the sender's echo
    assert.equal(await carol.lineMatching(/^RECEIVE #main /), 'RECEIVE #main alice Hello guys!');

    await say(bob, 'Hi alice, bob here');
    await expectMessage(alice, 'room-main', 'bob', 'Hi alice, bob here');
    assert.equal(await carol.lineMatching(/^RECEIVE #main /), 'RECEIVE #main bob Hi alice, bob here');

    carol.send('MSG #main hello from the terminal');
    await expectMessage(alice, 'room-main', 'carol', 'hello from the terminal');
    await expectMessage(bob, 'room-main', 'carol', 'hello from the terminal');
  });

  it('shows user text as text, never as markup', async () => {
    const { alice, bob } = pages;
    const text = '<img src=x onerror="window.pwned=1"> <b>bold?</b> & "quotes"';
    await say(alice, text);
    await expectMessage(bob, 'room-main', 'alice', text);
    assert.equal(await bob.getByTestId('messages-room-main').locator('img, b').count(), 0);
    assert.equal(await bob.evaluate(() => window.pwned), undefined);
  });

  it('counts unread messages for a conversation not in view', async () => {
    const { alice, bob } = pages;
    await alice.getByTestId('conv-everyone').click();
    assert.equal(await alice.getByTestId('conversation-title').textContent(), 'Everyone');
    await say(bob, 'are you there?');
    await say(bob, 'alice?');
    await waitUntil(alice, () => document.querySelector(
      '[data-testid="conv-room-main"] [data-testid="unread-badge"]')?.textContent === '2');
    assert.equal(await unread(alice, 'everyone'), '');
    assert.equal(await unread(bob, 'room-main'), '', 'no unread count for the conversation in view');
    assert.match(await alice.title(), /^\(2\) /);

    await alice.getByTestId('conv-room-main').click();
    await expectMessage(alice, 'room-main', 'bob', 'alice?');
    assert.equal(await unread(alice, 'room-main'), '');
  });

  it('chats privately; the third party does not see it', async () => {
    const { alice, bob } = pages;
    await carol.received(200); // drop what carol has seen so far

    await bob.getByTestId('user-alice').click();
    assert.equal(await bob.getByTestId('conversation-title').textContent(), '@alice');
    await say(bob, 'psst alice, this is private');
    await expectMessage(bob, 'dm-alice', 'bob', 'psst alice, this is private');

    // alice gets a new conversation keyed by the sender, with an unread count.
    await alice.getByTestId('conv-dm-bob').getByTestId('unread-badge').waitFor();
    assert.equal(await unread(alice, 'dm-bob'), '1');
    await alice.getByTestId('conv-dm-bob').click();
    await expectMessage(alice, 'dm-bob', 'bob', 'psst alice, this is private');
    await say(alice, 'got it, bob');
    // alice's own echo (target "@bob") lands in the same conversation, not a new "@alice" one.
    await expectMessage(alice, 'dm-bob', 'alice', 'got it, bob');
    assert.equal(await alice.getByTestId('conv-dm-alice').count(), 0);
    await expectMessage(bob, 'dm-alice', 'alice', 'got it, bob');

    const seenByCarol = await carol.received(500);
    assert.doesNotMatch(seenByCarol, /psst|got it/);
    assert.equal(await message(alice, 'room-main', 'psst alice, this is private').count(), 0);
    assert.equal(await message(alice, 'everyone', 'psst alice, this is private').count(), 0);
  });

  it('keeps keyboard focus on a user when the online list changes', async () => {
    const { alice } = pages;
    const focusedId = () => alice.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    await alice.getByTestId('user-bob').focus();
    const dave = await LineClient.connect(chatd.port);
    dave.send('USERNAME dave');
    await alice.getByTestId('user-dave').waitFor();
    assert.equal(await focusedId(), 'user-bob');
    dave.close();
    await alice.getByTestId('user-dave').waitFor({ state: 'detached' });
    assert.equal(await focusedId(), 'user-bob');
  });

  it('shows errors from the server', async () => {
    const { alice } = pages;
    await alice.getByTestId('room-create-input').fill('#main');
    await alice.getByTestId('room-create-submit').click();
    const toast = alice.getByTestId('error-toast').filter({ hasText: 'Room already exists.' }).first();
    await toast.waitFor();
    await toast.getByTestId('error-dismiss').click();
    await toast.waitFor({ state: 'detached' });
  });

  it('creates, leaves and destroys rooms with the buttons', async () => {
    const { alice, bob } = pages;
    for (const page of [alice, bob]) page.on('dialog', (dialog) => dialog.accept());

    await bob.getByTestId('room-create-input').fill('side');
    await bob.getByTestId('room-create-submit').click();
    await bob.getByTestId('room-leave').waitFor();
    assert.equal(await bob.getByTestId('conversation-title').textContent(), '#side');

    await alice.getByTestId('conv-room-side').click();
    await alice.getByTestId('empty-join').click();
    await alice.getByTestId('room-leave').waitFor();

    // Only the creator may destroy a room while online: alice is not offered it.
    await alice.getByTestId('topic-edit').waitFor(); // asked after its owner before its topic
    assert.equal(await alice.getByTestId('room-more').isVisible(), false);

    await alice.getByTestId('room-leave').click();
    await alice.getByTestId('room-join').waitFor();
    await bob.getByTestId('messages-room-side').getByTestId('notice')
      .filter({ hasText: 'alice left #side' }).waitFor();

    await openRoomMenu(bob);
    await bob.getByTestId('room-destroy').click();
    for (const page of [alice, bob]) await page.getByTestId('conv-room-side').waitFor({ state: 'detached' });
    assert.equal(await bob.getByTestId('conversation-title').textContent(), 'Everyone');
  });

  it('saves desktop and phone screenshots; the sidebar collapses at phone width', async () => {
    const { alice, bob } = pages;
    await alice.getByTestId('conv-room-main').click();
    for (const page of [alice, bob]) {
      const dismiss = page.getByTestId('error-dismiss');
      while (await dismiss.count()) await dismiss.first().click();
    }
    await alice.mouse.move(0, 0);
    await alice.screenshot({ path: path.join(artifacts, 'webapp.png') });

    await bob.setViewportSize(PHONE);
    await bob.getByTestId('sidebar').waitFor({ state: 'hidden' }); // collapsed on a phone
    assert.equal(await bob.getByTestId('sidebar-toggle').isVisible(), true);
    await bob.getByTestId('sidebar-toggle').click();
    await bob.getByTestId('conv-room-main').click();
    await waitUntil(bob, () => getComputedStyle(document.querySelector('[data-testid="sidebar"]')).visibility === 'hidden');
    assert.equal(await bob.getByTestId('conversation-title').textContent(), '#main');
    await bob.screenshot({ path: path.join(artifacts, 'webapp-phone.png') });
    await bob.setViewportSize(DESKTOP);
  });

  it('shows "Reconnecting…" while wsproxy is down, then logs in again and re-joins rooms', async () => {
    const { alice, bob } = pages;
    await proxy.stop();
    for (const page of [alice, bob]) {
      const banner = page.getByTestId('connection-banner');
      await banner.waitFor();
      assert.match(await banner.textContent(), /Reconnecting/);
    }
    await alice.screenshot({ path: path.join(artifacts, 'webapp-reconnecting.png') });

    proxy = await startOnPort(chatd.port, proxyPort);
    for (const page of [alice, bob]) {
      await page.getByTestId('connection-banner').waitFor({ state: 'hidden', timeout: 20000 });
      assert.equal(await page.getByTestId('me-nickname').textContent(), page === alice ? 'alice' : 'bob');
    }
    await alice.getByTestId('room-leave').waitFor(); // re-joined #main

    await carol.received(100);
    await say(alice, 'back again');
    assert.equal(await carol.lineMatching(/^RECEIVE #main /), 'RECEIVE #main alice back again');
    await expectMessage(bob, 'room-main', 'alice', 'back again');
    carol.send('MSG #main welcome back');
    await expectMessage(alice, 'room-main', 'carol', 'welcome back');
  });

  it('logs out back to the login screen', async () => {
    const { bob } = pages;
    await bob.getByTestId('logout').click();
    await bob.getByTestId('login-form').waitFor();
    assert.equal(await bob.getByTestId('login-nickname').inputValue(), 'bob');
    await pages.alice.getByTestId('user-bob').waitFor({ state: 'detached' });
  });

  it('survives a chatd restart: logs in again and re-creates the rooms it was in', async () => {
    const { alice } = pages;
    const chatdPort = chatd.port;
    carol.close();
    await chatd.stop();
    await alice.getByTestId('connection-banner').waitFor();
    chatd = await retryStart(() => startChatd(['--port', String(chatdPort)]));
    await alice.getByTestId('connection-banner').waitFor({ state: 'hidden', timeout: 20000 });
    await waitUntil(alice, () => document.querySelector('[data-testid="conversation-subtitle"]')
      .textContent === '1 member · alice');
    await say(alice, 'anyone here after the restart?');
    await expectMessage(alice, 'room-main', 'alice', 'anyone here after the restart?');
  });

  it('had no page errors', () => {
    assert.deepEqual(realErrors(pageErrors), []);
  });
});

// A new wsproxy on the port the old one used.
function startOnPort(chatdPort, port) {
  return retryStart(() => startWsproxy(chatdPort, ['--port', String(port)]));
}
