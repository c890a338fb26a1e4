// Seed 003's JSON, sent exactly as written there, through the real wsproxy to the real chatd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatdWithProxy } from '../lib/processes.mjs';
import { WsClient } from '../lib/ws_client.mjs';
import { LineClient } from '../lib/line_client.mjs';

// User identifiers are random (version 4) UUIDs; message ids are time-ordered (version 7).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MSGID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

// The browser's frames, verbatim from seed 003 (whitespace included).
const SEED = {
  create: `{
  "type": "command",
  "action": "create",
  "target": "#main"
}`,
  join: `{
  "type": "command",
  "action": "join",
  "target": "#main"
}`,
  message: `{
  "type": "message",
  "target": "#main",
  "message": "Hello guys!"
}`,
  leave: `{
  "type": "command",
  "action": "leave",
  "target": "#main"
}`,
  destroy: `{
  "type": "command",
  "action": "destroy",
  "target": "#main"
}`,
};

// A server frame is seed 003's object (same keys, same order, same values) followed by exactly
// the documented extra keys (docs/protocol.md).
function assertSeedFrame(frame, seedObject, extraKeys) {
  assert.deepEqual(Object.keys(frame), [...Object.keys(seedObject), ...extraKeys], JSON.stringify(frame));
  for (const [key, value] of Object.entries(seedObject)) assert.equal(frame[key], value, key);
  if (extraKeys.includes('time')) assert.match(frame.time, TIME);
  if (extraKeys.includes('id')) assert.match(frame.id, MSGID);
}

const servers = chatdWithProxy();

async function login(nickname) {
  const client = await WsClient.connect(servers.proxy.port);
  client.send({ type: 'login', nickname });
  const reply = await client.frame();
  assert.deepEqual(Object.keys(reply), ['type', 'command', 'nickname', 'identifier']);
  assert.equal(reply.type, 'reply');
  assert.equal(reply.command, 'login');
  assert.equal(reply.nickname, nickname);
  assert.match(reply.identifier, UUID);
  client.id = reply.identifier;
  return client;
}

test('seed 003 user flow: create, join, message, leave, destroy', async () => {
  const alice = await login('alice');
  const bob = await login('bob');
  const carol = await login('carol'); // online, never in #main
  await Promise.all([alice, bob, carol].map((c) => c.received(150)));

  // 1. Create: every client of the server hears of it.
  alice.send(SEED.create);
  for (const client of [alice, bob, carol]) {
    const event = await client.frameMatching((f) => f.type === 'event');
    assertSeedFrame(event, { type: 'event', emitter: 'channel', identifier: '#main', event: 'create' },
      ['nickname', 'time']);
    assert.equal(event.nickname, 'alice');
  }
  assert.deepEqual(await alice.frame(), { type: 'reply', command: 'create', target: '#main' });

  // 2. Join: all of the channel's participants, the joiner included.
  alice.send(SEED.join);
  assertSeedFrame(await alice.frame(),
    { type: 'event', emitter: 'participant', identifier: alice.id, event: 'join' },
    ['target', 'nickname', 'time']);
  assert.deepEqual(await alice.frame(), { type: 'reply', command: 'join', target: '#main' });
  bob.send(SEED.join);
  for (const client of [alice, bob]) {
    assertSeedFrame(await client.frame(),
      { type: 'event', emitter: 'participant', identifier: bob.id, event: 'join' },
      ['target', 'nickname', 'time']);
  }
  assert.deepEqual(await bob.frame(), { type: 'reply', command: 'join', target: '#main' });

  // 3. Message: broadcast to all of the channel's participants, the sender included.
  alice.send(SEED.message);
  for (const client of [alice, bob]) {
    const message = await client.frame();
    assertSeedFrame(message,
      { type: 'message', emitter: 'participant', target: '#main', identifier: alice.id, message: 'Hello guys!' },
      ['nickname', 'id', 'time']);
    assert.equal(message.nickname, 'alice');
  }
  const ack = await alice.frame();
  assert.deepEqual(Object.keys(ack), ['type', 'command', 'id', 'time']);
  assert.equal(ack.command, 'message');

  // 4. Leave: the other participants are told.
  bob.send(SEED.leave);
  assertSeedFrame(await alice.frame(),
    { type: 'event', emitter: 'participant', identifier: bob.id, event: 'left' },
    ['target', 'nickname', 'time']);
  assert.deepEqual(await bob.frame(), { type: 'reply', command: 'leave', target: '#main' });

  // Nobody outside the channel heard any of 2-4.
  await carol.expectSilence();

  // 5. Destroy: every client of the server hears of it.
  alice.send(SEED.destroy);
  for (const client of [alice, bob, carol]) {
    const event = await client.frameMatching((f) => f.type === 'event');
    assertSeedFrame(event, { type: 'event', emitter: 'channel', identifier: '#main', event: 'destroy' },
      ['nickname', 'time']);
  }
  assert.deepEqual(await alice.frame(), { type: 'reply', command: 'destroy', target: '#main' });

  for (const client of [alice, bob, carol]) client.close();
});

test('private messages to @user and to a bare username', async () => {
  const dora = await login('dora');
  const eve = await login('eve');
  const frank = await login('frank');
  await Promise.all([dora, eve, frank].map((c) => c.received(150)));

  dora.send({ type: 'message', target: '@eve', message: 'psst' });
  dora.send({ type: 'message', target: 'eve', message: 'again' });
  for (const text of ['psst', 'again']) {
    const received = await eve.frame();
    assertSeedFrame(received,
      { type: 'message', emitter: 'participant', target: '@eve', identifier: dora.id, message: text },
      ['nickname', 'id', 'time']);
    assert.equal(received.nickname, 'dora');
  }
  await frank.expectSilence();
  for (const client of [dora, eve, frank]) client.close();
});

test('lists, errors from chatd and the nc user in the same room', async () => {
  const gina = await login('gina');
  await gina.received(100);
  gina.send({ type: 'command', action: 'join', target: '#mixed' });
  await gina.frameMatching((f) => f.type === 'reply' && f.command === 'join');

  const nc = await LineClient.connect(servers.chatd.port);
  nc.send('USERNAME henry');
  nc.send('JOIN #mixed');
  await gina.frameMatching((f) => f.event === 'join' && f.nickname === 'henry');

  gina.send({ type: 'message', target: '#mixed', message: 'hello from the browser' });
  assert.equal(await nc.line(), 'RECEIVE #mixed gina hello from the browser');
  nc.send('MSG #mixed hi from nc');
  const reply = await gina.frameMatching((f) => f.type === 'message' && f.nickname === 'henry');
  assert.equal(reply.message, 'hi from nc');
  assert.equal(reply.target, '#mixed');

  gina.send({ type: 'command', action: 'members', target: '#mixed' });
  const members = await gina.frameMatching((f) => f.type === 'reply' && f.command === 'members');
  assert.deepEqual(members, { type: 'reply', command: 'members', target: '#mixed', members: ['gina', 'henry'] });

  gina.send({ type: 'command', action: 'rooms' });
  const rooms = await gina.frameMatching((f) => f.type === 'reply' && f.command === 'rooms');
  assert.ok(rooms.rooms.includes('#mixed'), JSON.stringify(rooms));

  gina.send({ type: 'command', action: 'leave', target: '#nowhere' });
  assert.deepEqual(await gina.frameMatching((f) => f.type === 'error'),
    { type: 'error', command: 'leave', code: 'no-such-room', message: 'No such room.' });

  gina.send({ type: 'login', nickname: 'not valid' });
  assert.deepEqual(await gina.frameMatching((f) => f.type === 'error'),
    { type: 'error', command: 'login', code: 'username-has-spaces', message: 'Username contains empty spaces.' });
  nc.close();
  gina.close();
});

test('a taken nickname is refused and the socket stays usable', async () => {
  const first = await login('ivy');
  const second = await WsClient.connect(servers.proxy.port);
  second.send({ type: 'login', nickname: 'IVY' });
  assert.deepEqual(await second.frame(),
    { type: 'error', command: 'login', code: 'username-taken', message: 'Username is already taken.' });
  second.send({ type: 'login', nickname: 'ivy2' });
  assert.equal((await second.frame()).nickname, 'ivy2');
  first.close();
  second.close();
});

// The presence frames, which seed 003 does not show but every browser relies on, key by key.
test('presence and reply frames: online, rename, users, message reply, logout, offline', async () => {
  const watcher = await login('watcher');
  const nora = await login('nora');
  const online = await watcher.frame();
  assert.deepEqual(Object.keys(online), ['type', 'emitter', 'identifier', 'event', 'nickname', 'time']);
  assert.deepEqual({ ...online, time: undefined },
    { type: 'event', emitter: 'user', identifier: nora.id, event: 'online', nickname: 'nora', time: undefined });
  assert.match(online.time, TIME);

  nora.send({ type: 'login', nickname: 'nora2' });
  assert.deepEqual(await nora.frame(), { type: 'reply', command: 'login', nickname: 'nora2', identifier: nora.id });
  const rename = await watcher.frame();
  assert.deepEqual(Object.keys(rename), ['type', 'emitter', 'identifier', 'event', 'nickname', 'previous', 'time']);
  assert.deepEqual([rename.type, rename.emitter, rename.identifier, rename.event, rename.nickname, rename.previous],
    ['event', 'user', nora.id, 'rename', 'nora2', 'nora']);

  watcher.send({ type: 'command', action: 'users' });
  const users = await watcher.frame();
  assert.deepEqual(Object.keys(users), ['type', 'command', 'users']);
  assert.ok(users.users.includes('nora2') && users.users.includes('watcher'), JSON.stringify(users));
  assert.ok(!users.users.includes('nora'));

  nora.send({ type: 'message', target: '@watcher', message: 'ping' });
  const echoed = await nora.frame();
  const reply = await nora.frame();
  assert.deepEqual(reply, { type: 'reply', command: 'message', id: echoed.id, time: echoed.time });
  const received = await watcher.frame();
  assert.deepEqual([received.id, received.time, received.message], [echoed.id, echoed.time, 'ping']);

  nora.send({ type: 'command', action: 'logout' });
  assert.deepEqual(await nora.frame(), { type: 'reply', command: 'logout' });
  const offline = await watcher.frame();
  assert.deepEqual(Object.keys(offline), ['type', 'emitter', 'identifier', 'event', 'nickname', 'time']);
  assert.deepEqual([offline.event, offline.identifier, offline.nickname], ['offline', nora.id, 'nora2']);
  nora.close();
  watcher.close();
});
