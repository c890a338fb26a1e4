// End-to-end test of accounts, history and read markers in the web app: real chatd and wsproxy,
// Debian's chromium driven by playwright-core, and a raw TCP user on chatd's rich mode that
// seeds messages.
//
//   node --test tests/e2e/history.test.mjs
//
// Screenshots go to tests/artifacts/webapp-history.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { retryStart, startChatd, startWsproxy } from '../lib/processes.mjs';
import { ChatClient, parseMessage } from '../lib/chat_client.mjs';
import { WAIT, chromiumMissing as skip, launchChromium, newProfile, openTab as openAppTab, realErrors }
  from '../lib/chromium.mjs';
import { expectMessage, message, say } from '../lib/webapp_page.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = path.join(root, 'tests/artifacts');
const PASSWORD = 'correct-horse-battery';
const SEEDED = 120; // more than two pages of 50

// A missing browser must turn the suite red, not skip it quietly.
it('chromium is installed', () => assert.ok(!skip, skip));

describe('accounts, history and read markers in the web app', { skip, timeout: 180000 }, () => {
  let chatd;
  let proxy;
  let proxyPort;
  let browser;
  let seeder; // "seeder" on chatd's rich mode
  let context; // alice's browser profile: its tabs share the stored session
  const pages = {};
  const pageErrors = [];

  async function openTab(ctx, name) {
    pages[name] = await openAppTab(ctx, `http://127.0.0.1:${proxyPort}/`, name, pageErrors);
    return pages[name];
  }

  function badge(page, conversation) {
    return page.getByTestId(`conv-${conversation}`).getByTestId('unread-badge');
  }

  async function waitForUnread(page, conversation, count) {
    await page.waitForFunction(([slug, expected]) => {
      const element = document.querySelector(`[data-testid="conv-${slug}"] [data-testid="unread-badge"]`);
      return (element?.textContent ?? '') === expected;
    }, [conversation, count], { timeout: WAIT });
  }

  // Sends MSG lines as the seeder and waits until chatd has accepted every one.
  async function seed(target, texts) {
    for (const text of texts) seeder.send(`MSG ${target} ${text}`);
    for (let accepted = 0; accepted < texts.length;) {
      const line = await seeder.lineMatching((l) => l.startsWith('OK MSG ') || l.startsWith('ERROR '), 5000);
      assert.match(line, /^OK MSG /);
      accepted += 1;
    }
  }

  before(async () => {
    chatd = await startChatd();
    proxy = await startWsproxy(chatd.port);
    proxyPort = proxy.port;
    browser = await launchChromium();
    context = await newProfile(browser);
    seeder = await ChatClient.connect(chatd.port);
    await seeder.becomeRich();
    await seeder.login('seeder');
    fs.mkdirSync(artifacts, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    seeder?.close();
    await proxy?.stop();
    await chatd?.stop();
  });

  it('creates an account in the browser; after a reload it is still logged in and shows the messages from history', async () => {
    const alice = await openTab(context, 'alice');
    await alice.getByTestId('login-nickname').fill('alice');
    await alice.getByTestId('login-password').fill(PASSWORD);
    await alice.getByTestId('login-register').click();
    await alice.getByTestId('chat-screen').waitFor();
    assert.equal(await alice.getByTestId('me-nickname').textContent(), 'alice');

    await alice.getByTestId('room-create-input').fill('#main');
    await alice.getByTestId('room-create-submit').click();
    await alice.getByTestId('room-leave').waitFor();
    await say(alice, 'first message');
    await say(alice, 'second message');
    await expectMessage(alice, 'room-main', 'alice', 'first message');
    await expectMessage(alice, 'room-main', 'alice', 'second message');

    await alice.reload();
    await alice.getByTestId('chat-screen').waitFor();
    assert.equal(await alice.getByTestId('login-form').isVisible(), false, 'no login form after a reload');
    assert.equal(await alice.getByTestId('me-nickname').textContent(), 'alice');
    // Still in #main (the account kept its rooms), and its messages come from history.
    await alice.getByTestId('conv-room-main').click();
    await alice.getByTestId('room-leave').waitFor();
    await expectMessage(alice, 'room-main', 'alice', 'first message');
    await expectMessage(alice, 'room-main', 'alice', 'second message');
    await alice.getByTestId('messages-room-main').getByTestId('history-status')
      .getByText('This is the beginning of #main.').waitFor();
  });

  it('asks for the password of a registered nickname, refuses a wrong one and logs in with the right one', async () => {
    const elsewhere = await newProfile(browser);
    try {
      const page = await openTab(elsewhere, 'elsewhere');
      await page.getByTestId('login-nickname').fill('alice');
      await page.getByTestId('login-submit').click();
      const error = page.getByTestId('login-error');
      await error.getByText(/belongs to an account/).waitFor();

      await page.getByTestId('login-password').fill('not-the-password');
      assert.equal(await page.getByTestId('login-submit').textContent(), 'Log in');
      await page.getByTestId('login-submit').click();
      await error.getByText('Wrong nickname or password.').waitFor();
      assert.equal(await page.getByTestId('chat-screen').isVisible(), false);

      await page.getByTestId('login-password').fill(PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('chat-screen').waitFor();
      await page.getByTestId('conv-room-main').click();
      await expectMessage(page, 'room-main', 'alice', 'second message');
    } finally {
      await elsewhere.close();
    }
  });

  it('loads earlier messages when scrolled to the top, keeping the view in place, until the beginning', async () => {
    const { alice } = pages;
    seeder.send('JOIN #main');
    await seeder.lineMatching(/^OK JOIN /);
    await seed('#main', Array.from({ length: SEEDED }, (_, i) => `seed ${i + 1}`));

    // A fresh page shows the latest 50 only.
    await alice.reload();
    await alice.getByTestId('chat-screen').waitFor();
    await alice.getByTestId('conv-room-main').click();
    await expectMessage(alice, 'room-main', 'seeder', `seed ${SEEDED}`);
    await expectMessage(alice, 'room-main', 'seeder', `seed ${SEEDED - 49}`);
    assert.equal(await message(alice, 'room-main', `seed ${SEEDED - 50}`).count(), 0);

    const list = alice.getByTestId('messages-room-main');
    const status = list.getByTestId('history-status');
    const scrollToTop = () => list.evaluate((element) => { element.scrollTop = 0; });
    // Whether a message is inside the visible part of the list.
    const inView = (text) => message(alice, 'room-main', text).evaluate((item) => {
      const box = item.getBoundingClientRect();
      const view = item.closest('[data-testid^="messages-"]').getBoundingClientRect();
      return box.bottom > view.top && box.top < view.bottom;
    });

    await scrollToTop();
    await expectMessage(alice, 'room-main', 'seeder', `seed ${SEEDED - 50}`);
    await expectMessage(alice, 'room-main', 'seeder', `seed ${SEEDED - 99}`);
    assert.equal(await message(alice, 'room-main', `seed ${SEEDED - 100}`).count(), 0);
    // The message that was at the top is still in view: the page did not jump.
    assert.ok(await inView(`seed ${SEEDED - 49}`), 'the previous top message stays in view');
    assert.ok(await list.evaluate((element) => element.scrollTop) > 0);
    assert.equal(await status.textContent(), '');

    await scrollToTop();
    await expectMessage(alice, 'room-main', 'seeder', 'seed 1');
    await status.getByText('This is the beginning of #main.').waitFor();
    assert.ok(await inView(`seed ${SEEDED - 99}`), 'the previous top message stays in view');
    await expectMessage(alice, 'room-main', 'alice', 'first message');
    // Every message exactly once, in order.
    const texts = await list.getByTestId('message-text').allTextContents();
    assert.deepEqual(texts, ['first message', 'second message',
      ...Array.from({ length: SEEDED }, (_, i) => `seed ${i + 1}`)]);

    // At the beginning, scrolling to the top asks for nothing more.
    await scrollToTop();
    assert.equal(await status.textContent(), 'This is the beginning of #main.');
    await alice.mouse.move(0, 0);
    await alice.screenshot({ path: path.join(artifacts, 'webapp-history.png') });
  });

  it('shows the same unread count in two tabs of the account; reading in one clears it in the other', async () => {
    const { alice } = pages;
    const tab2 = await openTab(context, 'tab2'); // same profile: resumes the stored session
    await tab2.getByTestId('chat-screen').waitFor();
    assert.equal(await tab2.getByTestId('login-form').isVisible(), false);
    await tab2.getByTestId('conv-room-main').waitFor();
    await alice.getByTestId('conv-everyone').click();
    await tab2.getByTestId('conv-everyone').click();

    await seed('#main', ['unread one', 'unread two', 'unread three']);
    await waitForUnread(alice, 'room-main', '3');
    await waitForUnread(tab2, 'room-main', '3');

    // Reading #main in the first tab clears the count in the second.
    await alice.getByTestId('conv-room-main').click();
    await expectMessage(alice, 'room-main', 'seeder', 'unread three');
    await waitForUnread(alice, 'room-main', '');
    await waitForUnread(tab2, 'room-main', '');

    // A tab loaded later works the count out from the read marker and agrees.
    await alice.getByTestId('conv-everyone').click();
    await seed('#main', ['later one', 'later two']);
    await waitForUnread(alice, 'room-main', '2');
    await tab2.reload();
    await tab2.getByTestId('chat-screen').waitFor();
    await waitForUnread(tab2, 'room-main', '2');

    // And the other way round.
    await tab2.getByTestId('conv-room-main').click();
    await expectMessage(tab2, 'room-main', 'seeder', 'later two');
    await waitForUnread(alice, 'room-main', '');
  });

  it('shows what was sent while the tabs were disconnected exactly once after they reconnect', async () => {
    const { alice, tab2 } = pages;
    await alice.getByTestId('conv-room-main').click();
    await tab2.getByTestId('conv-room-main').click();

    await seeder.received(0); // forget older presence events: the next OFFLINE is this one
    await proxy.stop();
    for (const page of [alice, tab2]) await page.getByTestId('connection-banner').waitFor();
    // Once chatd has seen alice go, the room message is only in history and the private one is
    // kept for her next login.
    await seeder.lineMatching(/^EVENT \S+ OFFLINE \* \S+ alice$/, 5000);
    await seed('#main', ['missed while away']);
    await seed('@alice', ['private while away']);

    proxy = await retryStart(() => startWsproxy(chatd.port, ['--port', String(proxyPort)]));
    for (const [page, back] of [[alice, 'back in tab one'], [tab2, 'back in tab two']]) {
      await page.getByTestId('connection-banner').waitFor({ state: 'hidden', timeout: 20000 });
      await message(page, 'room-main', 'missed while away').waitFor();
      await badge(page, 'dm-seeder').waitFor();
      // A round trip on this tab's connection: everything it asked while reconnecting is in.
      await say(page, back);
      await message(page, 'room-main', back).waitFor();
    }
    for (const page of [alice, tab2]) {
      await expectMessage(page, 'room-main', 'seeder', 'missed while away');
      assert.equal(await message(page, 'room-main', 'later two').count(), 1);
      await waitForUnread(page, 'dm-seeder', '1');
    }
    await alice.getByTestId('conv-dm-seeder').click();
    await expectMessage(alice, 'dm-seeder', 'seeder', 'private while away');
    await waitForUnread(tab2, 'dm-seeder', '');
    await tab2.getByTestId('conv-dm-seeder').click();
    await expectMessage(tab2, 'dm-seeder', 'seeder', 'private while away');
  });

  it('a second browser with nothing stored lists the account\'s private conversations from the server, with their history and unread count', async () => {
    const { alice, tab2 } = pages;
    for (const page of [alice, tab2]) await page.getByTestId('conv-everyone').click();
    await seed('@alice', ['private for the new browser']);
    for (const page of [alice, tab2]) await waitForUnread(page, 'dm-seeder', '1');

    const laptop = await newProfile(browser);
    try {
      const page = await openTab(laptop, 'laptop');
      await page.getByTestId('login-form').waitFor();
      // What an earlier version kept about private conversations is removed as the page loads.
      await page.evaluate(() => localStorage.setItem('chat.dms.alice', JSON.stringify(['ghost'])));
      await page.reload();
      await page.getByTestId('login-form').waitFor();
      assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), []);

      await page.getByTestId('login-nickname').fill('alice');
      await page.getByTestId('login-password').fill(PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('chat-screen').waitFor();
      // The conversation with seeder, started before this browser existed, is listed by chatd;
      // its unread count comes from the read marker (the earlier message was read in a tab).
      await waitForUnread(page, 'dm-seeder', '1');
      assert.equal(await page.getByTestId('conv-dm-ghost').count(), 0);
      await page.getByTestId('conv-dm-seeder').click();
      await expectMessage(page, 'dm-seeder', 'seeder', 'private while away');
      await expectMessage(page, 'dm-seeder', 'seeder', 'private for the new browser');
      assert.deepEqual(await page.getByTestId('messages-dm-seeder').getByTestId('message-text').allTextContents(),
        ['private while away', 'private for the new browser']);
      // Reading it here clears the count in the other browser's tabs.
      for (const other of [alice, tab2]) await waitForUnread(other, 'dm-seeder', '');
      // Nothing about conversations is kept in the browser: only the session token.
      assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), ['chat.token']);
    } finally {
      await laptop.close();
    }
  });

  it('a tab that was behind does not move the read marker back; the counts follow the marker as it stands', async () => {
    const { alice, tab2 } = pages;
    // Another device of alice's, on chatd directly: it stays connected while the proxy is down.
    const device = await ChatClient.connect(chatd.port);
    try {
      await device.becomeRich();
      device.send(`LOGIN alice ${PASSWORD}`);
      await device.lineMatching(/^OK LOGIN alice /, 5000);

      await alice.getByTestId('conv-room-main').click();
      await tab2.getByTestId('conv-everyone').click();
      await waitForUnread(tab2, 'room-main', '');
      // The first tab shows the next message but, without focus, does not mark it read.
      await alice.evaluate(() => {
        window.realHasFocus = document.hasFocus.bind(document);
        document.hasFocus = () => false;
      });
      await seed('#main', ['behind one']);
      const one = parseMessage(await device.lineMatching(/^MESSAGE .* behind one$/, 5000));
      await expectMessage(alice, 'room-main', 'seeder', 'behind one');
      await waitForUnread(tab2, 'room-main', '1');

      // While the browser is away the other device reads further.
      await proxy.stop();
      for (const page of [alice, tab2]) await page.getByTestId('connection-banner').waitFor();
      await seed('#main', ['behind two']);
      const two = parseMessage(await device.lineMatching(/^MESSAGE .* behind two$/, 5000));
      device.send(`READ #main ${two.msgid}`);
      assert.equal(await device.lineMatching(/^(OK|ERROR) READ /), `OK READ #main ${two.msgid}`);

      // Back with focus, the first tab marks what it has seen ("behind one"): chatd keeps the
      // later marker, answers with it and tells nobody.
      const sent = [];
      const received = [];
      alice.on('websocket', (socket) => {
        socket.on('framesent', ({ payload }) => sent.push(JSON.parse(payload)));
        socket.on('framereceived', ({ payload }) => received.push(JSON.parse(payload)));
      });
      await alice.evaluate(() => { document.hasFocus = window.realHasFocus; });
      proxy = await retryStart(() => startWsproxy(chatd.port, ['--port', String(proxyPort)]));
      for (const page of [alice, tab2]) {
        await page.getByTestId('connection-banner').waitFor({ state: 'hidden', timeout: 20000 });
        await message(page, 'room-main', 'behind two').waitFor({ state: 'attached' });
        assert.equal(await message(page, 'room-main', 'behind two').count(), 1);
      }
      assert.deepEqual(sent.filter((frame) => frame.type === 'read' && frame.id),
        [{ type: 'read', target: '#main', id: one.msgid }]);
      // The answer to that, and to asking for the marker after re-joining.
      const replies = received.filter((frame) => frame.command === 'read' && frame.target === '#main');
      assert.ok(replies.length > 0);
      for (const reply of replies) assert.deepEqual(reply, { type: 'reply', command: 'read', target: '#main', id: two.msgid });
      await waitForUnread(alice, 'room-main', '');
      await waitForUnread(tab2, 'room-main', '');
      await alice.getByTestId('conv-everyone').click();
      await waitForUnread(alice, 'room-main', '');

      device.send('PING behind');
      const lines = [];
      for (let line = await device.line(5000); line !== 'OK PING behind'; line = await device.line(5000)) lines.push(line);
      assert.deepEqual(lines.filter((line) => / READ #main /.test(line)), [], 'no read event for an older message');
      device.send('READ #main');
      assert.equal(await device.lineMatching(/^(OK|ERROR) READ /), `OK READ #main ${two.msgid}`);
    } finally {
      device.close();
    }
  });

  it('counts unread from a read marker whose message is not loaded yet', async () => {
    const { alice } = pages;
    const counts = await alice.evaluate(async () => {
      const { ChatState } = await import('./state.js');
      const state = new ChatState();
      state.setMe('alice', 'alice-id', true);
      let n = 0;
      const receive = (text) => {
        n += 1;
        state.addMessage({ target: '#t', nickname: 'bob', message: text, id: `m${n}`, time: new Date(Date.UTC(2030, 0, 1, 0, 0, n)).toISOString() });
      };
      const unread = () => state.conversations.get('#t').unread;
      const seen = [];
      for (const text of ['a', 'b', 'c']) receive(text); // m1..m3, not in view (Everyone is)
      state.setReadMarker('#t', 'm1');
      seen.push(unread()); // b, c
      // The reply to marking m3 read names m9, later and not here yet: all three are read.
      state.setReadMarker('#t', 'm9', { readThrough: 'm3' });
      seen.push(unread(), state.isRead('#t', 'm3'));
      receive('d'); // m4: after m3, and (messages arriving in order) after m9 too
      seen.push(unread(), state.isRead('#t', 'm4'));
      // Another device reads further still: what was known read stays read.
      state.setReadMarker('#t', 'm10');
      seen.push(unread());
      // The marker's message arrives (a page caught up after a reconnect) and the count follows it.
      state.mergeHistory('#t', [{ target: '#t', nickname: 'bob', message: 'j', id: 'm10', time: new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toISOString() }], { mode: 'after', more: false });
      seen.push(unread(), state.isRead('#t', 'm4'));
      return seen;
    });
    assert.deepEqual(counts, [2, 0, true, 1, false, 1, 0, true]);
  });

  it('logging out forgets the session in every tab; a reload shows the login form', async () => {
    const { alice, tab2 } = pages;
    await alice.getByTestId('logout').click();
    await alice.getByTestId('login-form').waitFor();
    await tab2.getByTestId('login-form').waitFor();
    await alice.reload();
    await alice.getByTestId('login-form').waitFor();
    assert.equal(await alice.getByTestId('chat-screen').isVisible(), false);
    assert.equal(await alice.evaluate(() => localStorage.getItem('chat.token')), null);
  });

  it('had no page errors', () => {
    assert.deepEqual(realErrors(pageErrors), []);
  });
});
