// Seed 002's two netcat sessions, replayed byte for byte against chatd's plain mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatdPool } from '../lib/chat_client.mjs';

const pool = chatdPool();

// Waits until a separate, never-logged-in connection sees `nick` in USERS, so that the sessions'
// own connections carry exactly the seed's bytes and nothing else.
async function waitUntilOnline(nick) {
  const probe = await pool.connect();
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await probe.list('USERS')).includes(nick)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`${nick} never appeared in USERS`);
}

test('session 1: one nc connection receives exactly the two errors', async () => {
  const nc = await pool.connect();
  nc.send('USERNAME teixe');
  nc.send('SEND Hello, world!');
  nc.send('USERNAME not valid');
  nc.send('NOT_A_COMMAND test');
  assert.equal(
    await nc.receivedLines(2),
    'ERROR Username contains empty spaces.\nERROR Unrecognised command.\n',
  );
});

test('session 2: two nc connections each receive exactly the other one\'s message', async () => {
  const first = await pool.connect();
  const second = await pool.connect();

  first.send('USERNAME teixe'); // (1)
  await waitUntilOnline('teixe');
  second.send('USERNAME jeff'); // (2)
  await waitUntilOnline('jeff');
  first.send('SEND hi'); // (3)
  assert.equal(await second.receivedLines(1), 'RECEIVE teixe hi\n');
  second.send('SEND bye'); // (4)
  assert.equal(await first.receivedLines(1), 'RECEIVE jeff bye\n');
  assert.equal(await second.received(), '');
});
