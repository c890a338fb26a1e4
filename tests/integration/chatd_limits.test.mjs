// The limits that keep one client from hurting the server or everyone else (docs/operations.md).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { binaries, startChatd } from '../lib/processes.mjs';
import { LineClient } from '../lib/line_client.mjs';
import { errorLine } from '../lib/chat_client.mjs';

let chatd;
before(async () => {
  // Flood control off: these tests flood on purpose to reach the other limits.
  chatd = await startChatd(['--max-rooms', '5', '--max-rooms-per-user', '3', '--no-flood-control']);
});
after(() => chatd.stop());

async function richUser(nickname) {
  const client = await LineClient.connect(chatd.port);
  client.send('RICH');
  client.send(`USERNAME ${nickname}`);
  await client.lineMatching(/^OK USERNAME /);
  return client;
}

// Sends a command and returns its answer, skipping the events that may come before it.
async function answer(client, command) {
  client.send(command);
  return client.lineMatching((line) => line.startsWith('OK ') || line.startsWith('ERROR '));
}

test('rooms are capped per account, per guest address and in total; destroying one makes room', async () => {
  const amy = await richUser('amy');
  const ben = await richUser('ben');
  const dana = await richUser('dana');
  assert.match(await answer(dana, 'REGISTER correct-horse'), /^OK REGISTER dana /);

  for (const room of ['#a1', '#a2', '#a3']) assert.equal(await answer(amy, `CREATE ${room}`), `OK CREATE ${room}`);
  assert.equal(await answer(amy, 'CREATE #a4'), errorLine('rich', 'CREATE', 'room-limit'));
  // JOIN creates rooms too, so it is held to the same cap.
  assert.equal(await answer(amy, 'JOIN #a4'), errorLine('rich', 'JOIN', 'room-limit'));
  // Joining a room that exists is not creating one.
  assert.equal(await answer(ben, 'JOIN #a1'), 'OK JOIN #a1');
  // Guests count by address: another guest from it is held to the same three.
  assert.equal(await answer(ben, 'CREATE #b1'), errorLine('rich', 'CREATE', 'room-limit'));
  // Logging out does not reset the count: it reclaims amy's rooms nobody is in (#a2, #a3),
  // but #a1, where ben is, still counts.
  assert.equal(await answer(amy, 'LOGOUT'), 'OK LOGOUT');
  assert.match(await answer(amy, 'USERNAME amy2'), /^OK USERNAME amy2 /);
  assert.deepEqual((await answer(amy, 'ROOMS')).split(' ').slice(2).sort(), ['#a1']);
  assert.equal(await answer(amy, 'CREATE #a5'), 'OK CREATE #a5');
  assert.equal(await answer(amy, 'CREATE #a6'), 'OK CREATE #a6');
  assert.equal(await answer(amy, 'CREATE #a7'), errorLine('rich', 'CREATE', 'room-limit'));

  // An account has its own count; the server's total (5) stops it first here.
  assert.equal(await answer(dana, 'CREATE #d1'), 'OK CREATE #d1');
  assert.equal(await answer(dana, 'CREATE #d2'), 'OK CREATE #d2');
  assert.equal(await answer(dana, 'CREATE #d3'), errorLine('rich', 'CREATE', 'room-limit'));
  assert.equal(await answer(amy, 'DESTROY #a5'), 'OK DESTROY #a5');
  assert.equal(await answer(dana, 'CREATE #d3'), 'OK CREATE #d3');
  const rooms = (await answer(dana, 'ROOMS')).split(' ').slice(2).sort();
  assert.deepEqual(rooms, ['#a1', '#a6', '#d1', '#d2', '#d3']);
  for (const client of [amy, ben, dana]) client.close();
});

test("a guest's room is reclaimed when its last member leaves after the owner; an account's rooms stay", async () => {
  const watcher = await richUser('reclaimwatch');
  const owner = await richUser('shortstay');
  const member = await richUser('laststay');
  assert.equal(await answer(owner, 'JOIN #passing'), 'OK JOIN #passing');
  assert.equal(await answer(member, 'JOIN #passing'), 'OK JOIN #passing');
  owner.close();
  await watcher.lineMatching(/ OFFLINE \* \S+ shortstay$/);
  assert.ok((await answer(watcher, 'ROOMS')).split(' ').includes('#passing'), 'a member is still in it');
  member.close();
  assert.match(await watcher.lineMatching(/ DESTROY #passing /), / DESTROY #passing \S+ laststay$/);
  assert.ok(!(await answer(watcher, 'ROOMS')).split(' ').includes('#passing'));

  // A guest that registers takes its rooms along: they count against the account, and stay.
  const keeper = await richUser('roomkeeper');
  assert.equal(await answer(keeper, 'CREATE #kept-room'), 'OK CREATE #kept-room');
  assert.match(await answer(keeper, 'REGISTER correct-horse'), /^OK REGISTER roomkeeper /);
  keeper.close();
  await watcher.lineMatching(/ OFFLINE \* \S+ roomkeeper$/);
  assert.ok((await answer(watcher, 'ROOMS')).split(' ').includes('#kept-room'));
  watcher.close();
});

test('a client flooding itself with tiny replies it never reads is dropped', async () => {
  const watcher = await richUser('watcher');
  const flooder = await LineClient.connect(chatd.port);
  flooder.send('USERNAME flooder');
  flooder.socket.pause();
  // 5-byte PONGs: far under the limit in bytes, far over it counting what each queued line costs.
  // Enough to fill the kernel's socket buffers first (about 4 MiB here), which chatd's large
  // writes pack full.
  flooder.write('PING\n'.repeat(2000000));
  const offline = await watcher.lineMatching(/^EVENT \S+ OFFLINE \* \S+ flooder$/, 30000);
  assert.ok(offline);
  assert.equal(await answer(watcher, 'USERS'), 'OK USERS watcher');
  flooder.close();
  watcher.close();
});

test('a client that half-closes still gets every answer', async () => {
  const client = await LineClient.connect(chatd.port);
  client.write('USERNAME halfway\nUSERS\nPING done\n');
  client.socket.end();
  assert.equal(await client.line(), 'USERS halfway');
  assert.equal(await client.line(), 'PONG done');
  assert.ok(await client.waitClosed());
});

test('limits that contradict each other are refused at start', () => {
  const result = spawnSync(binaries.chatd, ['--port', '0', '--max-line', '1000000'], { encoding: 'utf8', timeout: 5000 });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /--max-sendq must be at least 4 times --max-line/);
});

test('a client that quits but never reads its answers is closed within seconds', async () => {
  const roomy = await startChatd(['--max-sendq', String(32 * 1024 * 1024), '--no-flood-control']);
  const sockets = () => readdirSync(`/proc/${roomy.process.pid}/fd`)
    .filter((fd) => { try { return readlinkSync(`/proc/${roomy.process.pid}/fd/${fd}`).startsWith('socket:'); } catch { return false; } })
    .length;
  try {
    const listening = sockets();
    const quitter = await LineClient.connect(roomy.port);
    quitter.socket.pause();
    // ~9 MB of HELP answers: more than the kernel's socket buffers hold, less than the queue.
    quitter.write('HELP\n'.repeat(30000) + 'QUIT\n');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(sockets(), listening + 1, 'still connected while its answers are unread');
    const deadline = Date.now() + 15000;
    while (sockets() > listening && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.equal(sockets(), listening, 'closed after the linger limit');
    quitter.close();
  } finally {
    await roomy.stop();
  }
});

test('one answer longer than the whole send queue still goes out whole on an empty queue', async () => {
  // The smallest queue chatd allows for its line length: 4 x 1,024 bytes.
  const small = await startChatd(['--max-line', '1024', '--max-sendq', '4096', '--max-rooms-per-user', '200', '--no-flood-control']);
  try {
    const maker = await LineClient.connect(small.port);
    maker.send('RICH');
    maker.send('USERNAME maker');
    await maker.lineMatching(/^OK USERNAME /);
    const rooms = Array.from({ length: 120 }, (_, i) => `#r${String(i).padStart(3, '0')}_${'x'.repeat(40)}`);
    maker.write(rooms.map((room) => `CREATE ${room}\n`).join(''));
    await maker.lineMatching(new RegExp(`^OK CREATE ${rooms.at(-1)}$`), 10000);

    const reader = await LineClient.connect(small.port);
    reader.send('ROOMS');
    const list = await reader.line(5000);
    assert.ok(list.length > 4096, `the answer is ${list.length} bytes`);
    assert.equal(list, `ROOMS ${rooms.join(' ')}`);
    reader.send('PING still-here');
    assert.equal(await reader.line(), 'PONG still-here');
    maker.close();
    reader.close();
  } finally {
    await small.stop();
  }
});

test('with the default limits: 100 rooms per user, and a reader that stalls is dropped', async () => {
  // Flood control off only so that the test need not wait out the room-creation rate.
  const plain = await startChatd(['--no-flood-control']);
  try {
    const maker = await LineClient.connect(plain.port);
    maker.send('RICH');
    maker.send('USERNAME maker');
    await maker.lineMatching(/^OK USERNAME /);
    maker.write(Array.from({ length: 101 }, (_, i) => `CREATE #d${i}\n`).join(''));
    await maker.lineMatching(/^OK CREATE #d99$/, 10000);
    assert.equal(await maker.lineMatching(/^(OK|ERROR) CREATE/), errorLine('rich', 'CREATE', 'room-limit'));

    // The stalled reader's queue has a limit by default too: flooding it ends with its OFFLINE.
    const stalled = await LineClient.connect(plain.port);
    stalled.send('USERNAME stalled');
    stalled.send('PING ready');
    assert.equal(await stalled.line(), 'PONG ready');
    stalled.socket.pause();
    const sender = await LineClient.connect(plain.port);
    sender.send('USERNAME flooder');
    const text = 'q'.repeat(4000);
    let offline = false;
    const watch = maker.lineMatching(/^EVENT \S+ OFFLINE \* \S+ stalled$/, 60000).then(() => { offline = true; });
    // At most 10,000 x 4 KB = 40 MB: far beyond 1 MiB plus what the kernel buffers on loopback.
    let sent = 0;
    while (!offline && sent < 10000) {
      sender.write(`SEND ${text}\n`.repeat(100));
      sent += 100;
      sender.send(`PING ${sent}`);
      assert.equal(await sender.line(10000), `PONG ${sent}`);
    }
    await watch;
    assert.ok(offline, `still connected after ${sent} messages`);
    sender.close();
    stalled.close();
    maker.close();
  } finally {
    await plain.stop();
  }
});

test('a client that stops reading is closed after --send-timeout, even below the queue limit', async (t) => {
  const roomy = await startChatd(['--max-sendq', String(32 * 1024 * 1024), '--no-flood-control',
    '--send-timeout', '1']);
  t.after(() => roomy.stop());
  const stuck = await LineClient.connect(roomy.port);
  stuck.socket.pause();
  stuck.write('USERNAME stuck\n');
  const talker = await LineClient.connect(roomy.port);
  talker.send('USERNAME talker');
  // ~10 MB: more than the socket buffers hold, far less than the 32 MiB queue.
  const text = 'z'.repeat(4000);
  talker.write(`MSG @stuck ${text}\n`.repeat(2500));
  const started = performance.now();
  let gone = false;
  while (!gone && performance.now() - started < 8000) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    talker.send('USERS');
    gone = !(await talker.lineMatching(/^USERS /, 5000)).split(' ').includes('stuck');
  }
  assert.ok(gone, 'the stalled reader is still connected');
  t.diagnostic(`closed after ${(performance.now() - started).toFixed(0)} ms`);
  talker.close();
});
