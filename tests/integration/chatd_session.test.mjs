// A connection's life: QUIT, LOGOUT, logging in again, renaming, and the small queries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatdPool, parseMessage } from '../lib/chat_client.mjs';

const pool = chatdPool();

const COMMANDS = ['USERNAME', 'SEND', 'MSG', 'CREATE', 'JOIN', 'LEAVE', 'DESTROY', 'ROOMS', 'USERS',
  'MEMBERS', 'LOGOUT', 'QUIT', 'PING', 'RICH', 'HELP'];

async function users(client) {
  return (await client.list('USERS')).sort();
}

// `sender` says `text` to everyone; `listener` (plain) must hear it from `nick`.
async function expectHeard(sender, listener, nick, text) {
  sender.send(`SEND ${text}`);
  if (sender.mode === 'rich') await sender.expectMessageOk('SEND', await sender.expectMessage('*', sender, text));
  await listener.expectLine(`RECEIVE ${nick} ${text}`);
}

test('plain QUIT closes the connection without a word and logs the user out', async () => {
  const { watcher, leaver } = await pool.users({ watcher: 'plain', leaver: 'plain' });
  leaver.send('QUIT');
  assert.equal(await leaver.waitClosed(), true);
  assert.equal(await leaver.received(0), '');
  assert.deepEqual(await users(watcher), ['watcher']);
});

test('rich QUIT answers OK QUIT, then closes the connection', async () => {
  const leaver = await pool.rich('leaver');
  leaver.send('QUIT');
  await leaver.expectLine('OK QUIT');
  assert.equal(await leaver.waitClosed(), true);
  assert.equal(await leaver.received(0), '');
});

test('QUIT works before logging in', async () => {
  const client = await pool.connect();
  client.send('QUIT');
  assert.equal(await client.waitClosed(), true);
  assert.equal(await client.received(0), '');
});

for (const mode of ['plain', 'rich']) {
  test(`${mode} LOGOUT keeps the connection open; the user is gone and can log in again`, async () => {
    const watcher = await pool.plain('watcher');
    const user = await pool[mode]('first');
    await expectHeard(user, watcher, 'first', 'before logout');

    await user.logout();
    assert.deepEqual(await users(watcher), ['watcher']);
    user.send('SEND nobody is here');
    await user.expectError('SEND', 'username-required');

    const other = await pool.plain('first');
    await user.login('second');
    await expectHeard(user, watcher, 'second', 'after logout');
    await other.expectLine('RECEIVE second after logout');
    assert.deepEqual(await users(watcher), ['first', 'second', 'watcher']);
  });

  test(`${mode} rename: messages carry the new name and the old one is free again`, async () => {
    const watcher = await pool.plain('watcher');
    const user = await pool[mode]('oldname');
    await user.login('newname');
    await expectHeard(user, watcher, 'newname', 'renamed');
    assert.deepEqual(await users(watcher), ['newname', 'watcher']);

    const taker = await pool.arrive('plain', 'oldname', [user]);
    assert.deepEqual(await users(watcher), ['newname', 'oldname', 'watcher']);
    watcher.send('MSG @newname are you still you?');
    if (mode === 'plain') {
      await user.expectLine('RECEIVE @newname watcher are you still you?');
    } else {
      const message = parseMessage(await user.line());
      assert.deepEqual([message.target, message.from, message.text], ['@newname', 'watcher', 'are you still you?']);
    }
    await taker.expectSilence();
  });
}

test('PING with and without a token, in both modes', async () => {
  const plain = await pool.connect();
  plain.send('PING');
  plain.send('ping token-1');
  await plain.expectLines(['PONG', 'PONG token-1']);
  const rich = await pool.rich();
  rich.send('PING');
  rich.send('PING token-2');
  await rich.expectLines(['OK PING', 'OK PING token-2']);
});

test('HELP answers one line that names every command', async () => {
  for (const client of [await pool.connect(), await pool.rich()]) {
    client.send('HELP');
    const head = client.mode === 'rich' ? 'OK HELP ' : 'HELP ';
    const line = await client.line();
    assert.ok(line.startsWith(head), line);
    const words = new Set(line.slice(head.length).toUpperCase().split(/[^A-Z]+/));
    for (const command of COMMANDS) assert.ok(words.has(command), `HELP does not mention ${command}: ${line}`);
    await client.expectAlive();
  }
});
