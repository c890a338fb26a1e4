// End-to-end test of typing notifications in the web app: real chatd and wsproxy, Debian's
// chromium driven by playwright-core, rich TCP clients (plain mode never sees typing) as the
// others in a room and a private conversation. Two of its tests wait out chatd's 6-second quiet
// (an indicator that expires, a "paused"): about 20 s in all.
//
//   node --test tests/e2e/typing.test.mjs
//
// Screenshots: tests/artifacts/webapp-typing-desktop.png and webapp-typing-phone.png (390 px
// wide): a multi-line message and someone typing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ChatPool, parseEvent, parseMessage } from '../lib/chat_client.mjs';
import { chromiumMissing as skip, realErrors } from '../lib/chromium.mjs';
import { composerIdle, expectText, loginAsGuest } from '../lib/webapp_page.mjs';
import { webappSuite } from '../lib/webapp_suite.mjs';

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');
const PHONE = { width: 390, height: 844 };
const QUIET_MS = 6000; // IRCv3's: "paused" after it, and an indicator without news goes

// The next typing event or message from alice that a rich client gets, with when it came.
async function nextNews(client, timeoutMs = 3000) {
  const line = await client.lineMatching(/^(EVENT \S+ TYPING \S+ \S+|MESSAGE \S+ \S+ \S+ \S+) alice /, timeoutMs);
  const at = Date.now();
  if (line.startsWith('MESSAGE ')) return { at, message: parseMessage(line) };
  const { room, identifier, nick, previous } = parseEvent(line);
  return { at, target: room, identifier, nick, state: previous };
}

// The typing indicator under the composer says `text` ('' for nobody).
const indicatorSays = (page, text) => expectText(page, 'typing-indicator', text);

// A missing browser must turn the suite red, not skip it quietly.
it('chromium is installed', () => assert.ok(!skip, skip));

describe('typing notifications in the web app', { skip, timeout: 120000 }, () => {
  const suite = webappSuite();
  let pool;
  let alice;
  let bob;
  let carl;
  let dana;

  before(async () => {
    fs.mkdirSync(artifacts, { recursive: true });
    pool = new ChatPool(suite.chatd.port);
    alice = await suite.open('alice');
    await loginAsGuest(alice, 'alice');
    await alice.getByTestId('room-create-input').fill('#team');
    await alice.getByTestId('room-create-submit').click();
    await alice.getByTestId('room-leave').waitFor();
    bob = await pool.multiline('bob');
    carl = await pool.rich('carl');
    dana = await pool.rich('dana');
    for (const client of [bob, carl, dana]) {
      client.send('JOIN #team');
      await client.lineMatching(/^OK JOIN/);
    }
    await expectText(alice, 'conversation-subtitle', '4 members · alice, bob, carl, dana');
  });

  after(() => pool?.closeAll());

  it('shows who is typing in the open room, until done, their message, or 6 s without news', async () => {
    assert.equal(await alice.getByTestId('typing-indicator').getAttribute('aria-live'), 'polite');
    bob.send('TYPING #team active');
    await indicatorSays(alice, 'bob is typing…');
    bob.send('TYPING #team done');
    await indicatorSays(alice, '');

    bob.send('TYPING #team active');
    carl.send('TYPING #team active');
    await indicatorSays(alice, 'bob and carl are typing…');
    dana.send('TYPING #team active');
    await indicatorSays(alice, 'Several people are typing…');
    dana.send('TYPING #team paused');
    await indicatorSays(alice, 'bob and carl are typing…');
    // Only the open conversation says it.
    await alice.getByTestId('conv-everyone').click();
    await indicatorSays(alice, '');
    await alice.getByTestId('conv-room-team').click();
    await indicatorSays(alice, 'bob and carl are typing…');

    carl.send('MSG #team here it is');
    await indicatorSays(alice, 'bob is typing…');
    // bob's tab was closed, say: no "done" will come.
    const lastNews = Date.now();
    bob.send('TYPING #team active');
    await alice.waitForFunction(
      () => document.querySelector('[data-testid="typing-indicator"]').textContent === '',
      null, { timeout: QUIET_MS + 4000 },
    );
    assert.ok(Date.now() - lastNews >= QUIET_MS - 500, 'gone once bob said nothing for 6 s');
  });

  it('tells the room while alice types: active at most every 3 s, paused, done once sent or cleared', async () => {
    const input = alice.getByTestId('message-input');
    await input.focus();
    await alice.keyboard.type('hello');
    const first = await nextNews(bob);
    assert.deepEqual([first.target, first.nick, first.state], ['#team', 'alice', 'active']);
    await alice.waitForTimeout(1500);
    await alice.keyboard.type(' there'); // within 3 s: nothing new to tell
    await alice.waitForTimeout(2000);
    await alice.keyboard.type('!');
    const again = await nextNews(bob);
    assert.equal(again.state, 'active');
    // 3.5 s after the first here; 1.5 s had " there" been told.
    assert.ok(again.at - first.at >= 2500, `the second "active" came ${again.at - first.at} ms after the first`);

    const paused = await nextNews(bob, QUIET_MS + 3000);
    assert.equal(paused.state, 'paused');
    assert.ok(paused.at - again.at >= QUIET_MS - 1000, 'paused after 6 s without a keystroke');

    await alice.keyboard.type(' bye');
    assert.equal((await nextNews(bob)).state, 'active');
    await alice.keyboard.press('Enter');
    await composerIdle(alice);
    const sent = await nextNews(bob);
    assert.equal(sent.message?.text, 'hello there! bye');
    const done = await nextNews(bob);
    assert.deepEqual([done.target, done.identifier, done.nick, done.state],
      ['#team', sent.message.identifier, 'alice', 'done']);

    // Typing something and taking it back.
    await alice.keyboard.type('hm');
    assert.equal((await nextNews(bob)).state, 'active');
    await alice.keyboard.press('Control+A');
    await alice.keyboard.press('Backspace');
    assert.equal((await nextNews(bob)).state, 'done');
  });

  it('shows and tells typing in a private conversation', async () => {
    bob.send('TYPING @alice active');
    await alice.getByTestId('user-bob').click();
    await expectText(alice, 'conversation-title', '@bob');
    await indicatorSays(alice, 'bob is typing…');
    await alice.getByTestId('conv-room-team').click();
    await indicatorSays(alice, ''); // not in the room
    await alice.getByTestId('conv-dm-bob').click();
    await indicatorSays(alice, 'bob is typing…');
    bob.send('TYPING @alice done');
    await indicatorSays(alice, '');

    // The private conversation is named as a private message's target: the recipient.
    await alice.getByTestId('message-input').focus();
    await alice.keyboard.type('psst');
    const typing = await nextNews(bob);
    assert.deepEqual([typing.target, typing.nick, typing.state], ['@bob', 'alice', 'active']);
    // Off to another conversation: what she typed is not for bob any more.
    await alice.getByTestId('conv-room-team').click();
    const gone = await nextNews(bob);
    assert.deepEqual([gone.target, gone.state], ['@bob', 'done']);
    await alice.getByTestId('message-input').fill('');
  });

  it('shows a multi-line message and who is typing on a desktop and a phone', async () => {
    const phone = await suite.open('phoebe', { viewport: PHONE });
    await loginAsGuest(phone, 'phoebe');
    await phone.getByTestId('sidebar-toggle').click();
    await phone.getByTestId('conv-room-team').click();
    await phone.getByTestId('empty-join').click();
    await phone.getByTestId('room-leave').waitFor();

    bob.send('MSG #team Deploy checklist for tonight:\\n1. tag the release\\n2. run the migrations\\n'
      + '3. watch https://status.example.com for ten minutes');
    carl.send('TYPING #team active');
    for (const page of [alice, phone]) {
      await page.getByTestId('messages-room-team').getByText('1. tag the release').waitFor();
      await indicatorSays(page, 'carl is typing…');
      await page.mouse.move(0, 0);
    }
    await alice.screenshot({ path: path.join(artifacts, 'webapp-typing-desktop.png'), animations: 'disabled' });
    await phone.screenshot({ path: path.join(artifacts, 'webapp-typing-phone.png'), animations: 'disabled' });
    const box = await phone.getByTestId('typing-indicator').boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, 'the indicator fits the phone');
  });

  it('had no page errors', () => {
    assert.deepEqual(realErrors(suite.pageErrors), []);
  });
});
