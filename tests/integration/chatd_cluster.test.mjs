// chatd nodes in a cluster (--cluster: one Redis for the bus, one PostgreSQL database for the
// store): users on different nodes chat as on one server, from every front; NODES and IRC LINKS
// list the live nodes; a nickname raced from two nodes goes to one; history is shared; a node
// killed outright has its users go offline and their nicknames free; a Redis restart loses
// nothing sent meanwhile; a node started late sees the others' rooms and users.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ChatPool, errorLine, fields, parseEvent, parseMessage } from '../lib/chat_client.mjs';
import { IrcClient, parse } from '../lib/irc_client.mjs';
import { signInOverHttp, startIssuer } from '../lib/oidc_issuer.mjs';
import { postgresAvailable, postgresDatabase } from '../lib/postgres.mjs';
import { startChatd, startWsproxy, stopProcess } from '../lib/processes.mjs';
import { WsClient } from '../lib/ws_client.mjs';
import { redisAvailable, startRedis } from '../lib/redis.mjs';

const skip = !redisAvailable() ? 'Redis is not installed'
  : !postgresAvailable() ? 'PostgreSQL 15 is not installed' : false;

// What comes from another node comes when the bus brings it: wait longer than for a local answer.
const ACROSS = 5000;
const LINK_UP = /chatd: cluster link up/g;
const LINK_LOST = /chatd: cluster link lost: /g;

const said = (server, pattern) => (server.stderr().match(pattern) ?? []).length;

// Waits until a node has said `pattern` on stderr `count` times in all.
async function untilSaid(server, pattern, count, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (said(server, pattern) < count) {
    if (Date.now() > deadline) {
      throw new Error(`chatd did not say ${pattern} ${count} times:\n${server.stderr().slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Retries `check` until it passes: for what a node learns from the others' heartbeats, which
// may lag by a beat.
async function eventually(check, timeoutMs = ACROSS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// Nodes sharing one Redis and one PostgreSQL database. Each node's connections are opened by its
// own pool (and irc()), and closed by closeClients().
async function startCluster() {
  const redis = await startRedis();
  const db = postgresDatabase();
  const nodes = {};
  const killed = new Set();
  const closeClients = async () => {
    for (const node of Object.values(nodes)) {
      for (const client of node.ircs.splice(0)) client.close();
      await node.pool.closeAll();
    }
  };
  return {
    redis,
    nodes,
    closeClients,
    async add(name, args = []) {
      const server = await startChatd(['--db', db.path, '--cluster', redis.url, '--node-name', name, ...args]);
      const node = { name, server, pool: new ChatPool(server.port), ircs: [] };
      nodes[name] = node;
      await untilSaid(server, LINK_UP, 1);
      return node;
    },
    async irc(node, nick) {
      const client = await IrcClient.connect(node.server.ircPort);
      node.ircs.push(client);
      await client.register(nick);
      return client;
    },
    async kill(node) {
      killed.add(node);
      node.server.process.kill('SIGKILL');
      await stopProcess(node.server.process);
    },
    // Every node that was not killed must stop cleanly (exit 0, no sanitizer report).
    async stop() {
      await closeClients();
      const stopped = await Promise.allSettled(Object.values(nodes)
        .map((node) => (killed.has(node) ? stopProcess(node.server.process) : node.server.stop())));
      await redis.stop();
      db.remove();
      const failure = stopped.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
    },
  };
}

// Logs a rich connection in; the answer comes once the cluster has given it the nickname.
async function login(client, nick) {
  client.send(`USERNAME ${nick}`);
  const [ok, , name, identifier] = fields(await client.lineMatching(/^(OK|ERROR) USERNAME /, ACROSS), 4);
  assert.deepEqual([ok, name], ['OK', nick]);
  if (client.loggedIn) assert.equal(identifier, client.id, 'identifier changed on rename');
  Object.assign(client, { nick, id: identifier, loggedIn: true });
  return client;
}

async function richUser(node, nick) {
  return login(await node.pool.rich(), nick);
}

// The next event of this kind about `user`, passing over other lines: events from other nodes
// come among this node's own. A user whose identifier is not known yet (plain, IRC) learns it.
async function seeEvent(client, kind, room, user, timeoutMs = ACROSS) {
  const line = await client.lineMatching((text) => {
    const words = text.split(' ');
    return words[0] === 'EVENT' && words[2] === kind && words[3] === room && words[5] === user.nick;
  }, timeoutMs);
  const event = parseEvent(line);
  user.id ??= event.identifier;
  assert.equal(event.identifier, user.id, line);
  return event;
}

// The next MESSAGE with this text, passing over other lines.
async function seeMessage(client, text, timeoutMs = ACROSS) {
  return parseMessage(await client.lineMatching(
    (line) => line.startsWith('MESSAGE ') && parseMessage(line).text === text, timeoutMs));
}

// A list query's words after its head (`OK USERS`, `USERS`...), passing over events before it.
async function query(client, command) {
  client.send(command);
  const verb = command.split(' ')[0];
  const head = client.mode === 'rich' ? `OK ${verb}` : verb;
  const line = await client.lineMatching((text) => text === head || text.startsWith(`${head} `));
  return line.slice(head.length).split(' ').filter(Boolean);
}

async function joinRoom(client, room) {
  client.send(`JOIN ${room}`);
  await client.lineMatching(new RegExp(`^OK JOIN ${room}$`), ACROSS);
}

// Nodes a (full, with an address given) and b (console, the default address) for the tests that
// leave the cluster as it was; a third joins in the last one.
let shared;
before(async () => {
  if (skip) return;
  shared = await startCluster();
  await shared.add('a', ['--node-address', 'a.chat.test:8080']);
  await shared.add('b', ['--node-kind', 'console']);
});
afterEach(() => shared?.closeClients());
after(() => shared?.stop());

test('users on two nodes chat as on one server: rooms, private messages and events, to nc and IRC too', { skip }, async () => {
  const { a, b } = shared.nodes;
  const alice = await richUser(a, 'alice');
  const bob = await richUser(b, 'bob');
  await seeEvent(alice, 'ONLINE', '*', bob);

  await joinRoom(alice, '#main');
  await seeEvent(bob, 'CREATE', '#main', alice);
  await joinRoom(bob, '#main');
  await seeEvent(alice, 'JOIN', '#main', bob);
  const carol = await b.pool.plain('carol');
  carol.send('JOIN #main');
  await carol.expectAlive();
  const carolUser = { nick: 'carol' };
  await seeEvent(alice, 'JOIN', '#main', carolUser);
  const dave = await shared.irc(b, 'dave');
  dave.send('JOIN #main');
  await dave.lineMatching(/ 366 dave #main /);
  await seeEvent(alice, 'JOIN', '#main', { nick: 'dave' });

  alice.send('MSG #main hello from a');
  const sent = await seeMessage(alice, 'hello from a');
  await alice.lineMatching(new RegExp(`^OK MSG ${sent.msgid} `));
  assert.deepEqual(await seeMessage(bob, 'hello from a'), sent);
  await carol.expectLine('RECEIVE #main alice hello from a', ACROSS);
  const privmsg = parse(await dave.expect('PRIVMSG', ACROSS));
  assert.deepEqual([privmsg.source, privmsg.params], ['alice!alice@chat', ['#main', 'hello from a']]);

  bob.send('MSG #main hello from b');
  const back = await seeMessage(alice, 'hello from b');
  assert.deepEqual([back.target, back.from, back.identifier], ['#main', 'bob', bob.id]);
  await carol.expectLine('RECEIVE #main bob hello from b');

  alice.send('SEND to everyone');
  const everyone = await seeMessage(bob, 'to everyone');
  assert.deepEqual([everyone.target, everyone.from], ['*', 'alice']);
  await carol.expectLine('RECEIVE alice to everyone', ACROSS);

  alice.send('MSG @bob just for bob');
  const dm = await seeMessage(bob, 'just for bob');
  assert.deepEqual([dm.target, dm.from, dm.identifier], ['@bob', 'alice', alice.id]);
  bob.send('MSG @alice and back');
  const reply = await seeMessage(alice, 'and back');
  assert.deepEqual([reply.target, reply.from], ['@alice', 'bob']);
  alice.send('MSG @carol just for carol');
  await carol.expectLine('RECEIVE @carol alice just for carol', ACROSS);
  alice.send('MSG @dave just for dave');
  const ircDm = parse(await dave.lineMatching((line) => {
    const message = parse(line);
    return message.command === 'PRIVMSG' && message.params[0] === 'dave';
  }, ACROSS));
  assert.deepEqual([ircDm.source, ircDm.params], ['alice!alice@chat', ['dave', 'just for dave']]);

  await login(bob, 'robert');
  const renamed = await seeEvent(alice, 'RENAME', '*', bob);
  assert.equal(renamed.previous, 'bob');
  bob.send('LEAVE #main');
  await bob.lineMatching(/^OK LEAVE #main$/);
  await seeEvent(alice, 'LEAVE', '#main', bob);

  alice.send('CREATE #made_on_a');
  await alice.lineMatching(/^OK CREATE #made_on_a$/);
  await seeEvent(bob, 'CREATE', '#made_on_a', alice);
  assert.ok((await query(bob, 'ROOMS')).includes('#made_on_a'));
  assert.ok((await query(carol, 'ROOMS')).includes('#made_on_a'));

  // A guest going away leaves its rooms, then is offline, for the other node too.
  await carol.quit();
  await seeEvent(alice, 'LEAVE', '#main', carolUser);
  await seeEvent(alice, 'OFFLINE', '*', carolUser);
});

test('NODES and IRC LINKS list every live node: name, address, kind and users', { skip }, async () => {
  const { a, b } = shared.nodes;
  assert.ok(a.server.stderr().includes(`chatd: cluster ${shared.redis.url} as node a`), a.server.stderr());
  const ann = await richUser(a, 'ann');
  const ira = await shared.irc(a, 'ira');
  await b.pool.plain('ben');
  const anonymous = await b.pool.plain();  // NODES needs no login, as ROOMS
  const bAddress = `${os.hostname()}:${b.server.port}`;
  const expected = [['a', 'a.chat.test:8080', 'full', '2'], ['b', bAddress, 'console', '1']];
  const check = (words) => {
    const nodes = words.map((word) => word.split(','));
    assert.deepEqual(nodes.map((node) => node.slice(0, 4)), expected);
    for (const node of nodes) {
      assert.equal(node.length, 5, node.join(','));
      assert.match(node[4], /^\d+$/);
      assert.ok(Number(node[4]) < 600, `uptime ${node[4]} s`);
    }
  };
  await eventually(async () => check(await query(ann, 'NODES')));
  await eventually(async () => check(await query(anonymous, 'NODES')));

  ira.send('LINKS');
  const links = [];
  for (;;) {
    const line = parse(await ira.lineMatching((text) => ['364', '365'].includes(parse(text).command)));
    if (line.command === '365') break;
    links.push(line.params);
  }
  assert.deepEqual(links.sort((x, y) => x[1].localeCompare(y[1])), [
    ['ira', 'a', 'a', '0 full a.chat.test:8080 2 users'],
    ['ira', 'b', 'b', `0 console ${bAddress} 1 users`],
  ]);
});

test('a nickname taken on two nodes at once goes to exactly one, and both nodes agree who has it', { skip }, async () => {
  const { a, b } = shared.nodes;
  const taken = [];
  for (let i = 0; i < 20; ++i) {
    const nick = `racer${i}`;
    const racers = await Promise.all([a.pool.rich(), b.pool.rich()]);
    for (const racer of racers) racer.send(`USERNAME ${nick}`);
    const answers = await Promise.all(racers.map((racer) => racer.lineMatching(/^(OK|ERROR) USERNAME /, ACROSS)));
    const won = answers.filter((answer) => answer.startsWith(`OK USERNAME ${nick} `));
    assert.equal(won.length, 1, `${nick}: ${answers.join(' | ')}`);
    assert.ok(answers.includes(errorLine('rich', 'USERNAME', 'username-taken')), `${nick}: ${answers.join(' | ')}`);
    taken.push(nick);
  }
  // The winners are still online: each name once in USERS, on either node.
  for (const node of [a, b]) {
    const observer = await node.pool.rich();
    await eventually(async () => {
      const racers = (await query(observer, 'USERS')).filter((nick) => nick.startsWith('racer'));
      assert.deepEqual(racers.sort(), [...taken].sort());
    });
  }
});

test('history is shared: what is said on one node is in HISTORY on another', { skip }, async () => {
  const { a, b } = shared.nodes;
  const hal = await richUser(a, 'hal');
  const hil = await richUser(b, 'hil');
  await seeEvent(hal, 'ONLINE', '*', hil);
  hal.send('JOIN #annals');
  await hal.lineMatching(/^OK JOIN #annals$/);
  const spoken = [];
  for (const text of ['first', 'second', 'third']) {
    hal.send(`MSG #annals ${text}`);
    spoken.push(await seeMessage(hal, text));
  }
  hal.send('MSG @hil in private');
  const dm = await seeMessage(hal, 'in private');

  await seeEvent(hil, 'CREATE', '#annals', hal);
  await joinRoom(hil, '#annals');
  const history = async (target) => {
    hil.send(`HISTORY ${target}`);
    const page = [];
    for (;;) {
      const line = await hil.lineMatching(/^(HISTORY |OK HISTORY |ERROR HISTORY )/, ACROSS);
      if (!line.startsWith('HISTORY ')) return { page, end: line };
      page.push(parseMessage(`MESSAGE ${line.slice('HISTORY '.length)}`));
    }
  };
  const room = await history('#annals');
  assert.deepEqual(room.page, spoken);
  assert.equal(room.end, 'OK HISTORY #annals 3 end');
  const direct = await history('@hal');
  assert.deepEqual(direct.page, [dm]);
  assert.equal(direct.end, 'OK HISTORY @hal 1 end');
});

test('a node killed outright: its users are offline for the others within 10 s, their nicknames free, and chat goes on', { skip }, async () => {
  const cluster = await startCluster();
  try {
    const a = await cluster.add('a');
    const b = await cluster.add('b');
    const amy = await richUser(a, 'amy');
    const abe = await richUser(a, 'abe');
    const bo = await richUser(b, 'bo');
    await seeEvent(amy, 'ONLINE', '*', bo);
    await joinRoom(amy, '#survivors');
    await joinRoom(abe, '#survivors');
    // A guest's room, nobody else in it: abandoned once its node is gone.
    await joinRoom(bo, '#bos_room');
    await seeEvent(amy, 'CREATE', '#bos_room', bo);

    await cluster.kill(b);
    const killedAt = Date.now();
    amy.send('MSG #survivors still here');
    await seeMessage(abe, 'still here');
    await seeEvent(amy, 'OFFLINE', '*', bo, 10000 - (Date.now() - killedAt));
    await seeEvent(amy, 'DESTROY', '#bos_room', bo);
    assert.ok(!(await query(amy, 'ROOMS')).includes('#bos_room'));

    const newBo = await richUser(a, 'bo');
    assert.notEqual(newBo.id, bo.id);
    await seeEvent(amy, 'ONLINE', '*', newBo);
    abe.send('MSG #survivors b is gone');
    await seeMessage(amy, 'b is gone');
    await eventually(async () => assert.deepEqual((await query(amy, 'NODES')).map((node) => node.split(',')[0]), ['a']));
    // Gone from the store too: a node starting now does not load it.
    const c = await cluster.add('c');
    const cy = await richUser(c, 'cy');
    assert.deepEqual((await query(cy, 'ROOMS')).filter((room) => room === '#bos_room'), []);
  } finally {
    await cluster.stop();
  }
});

test('Redis restarted: messages cross again within seconds, and one sent while it was down arrives once it is back', { skip }, async () => {
  const cluster = await startCluster();
  try {
    const a = await cluster.add('a');
    const b = await cluster.add('b');
    const rae = await richUser(a, 'rae');
    const ria = await richUser(a, 'ria');
    const rob = await richUser(b, 'rob');
    await seeEvent(rae, 'ONLINE', '*', rob);
    await joinRoom(rae, '#relay');
    await seeEvent(rob, 'CREATE', '#relay', rae);
    await joinRoom(ria, '#relay');
    await joinRoom(rob, '#relay');
    await seeEvent(rae, 'JOIN', '#relay', rob);

    // Back empty, as after a crash: the nodes must write their heartbeats and leases again.
    await cluster.redis.restart();
    rae.send('MSG #relay after the restart');
    await seeMessage(rob, 'after the restart');
    rob.send('MSG #relay back after the restart');
    await seeMessage(rae, 'back after the restart');
    const newcomer = await richUser(a, 'newcomer');
    await seeEvent(rob, 'ONLINE', '*', newcomer);
    const impostor = await a.pool.rich();
    impostor.send('USERNAME rob');
    assert.equal(await impostor.lineMatching(/^(OK|ERROR) USERNAME /, ACROSS),
      errorLine('rich', 'USERNAME', 'username-taken'));

    const lost = said(a.server, LINK_LOST);
    await cluster.redis.kill();
    await untilSaid(a.server, LINK_LOST, lost + 1);
    rae.send('MSG #relay sent while Redis was down');
    const queued = await seeMessage(rae, 'sent while Redis was down');
    await rae.lineMatching(new RegExp(`^OK MSG ${queued.msgid} `));
    await seeMessage(ria, 'sent while Redis was down');  // on one node, chat goes on
    const refused = await a.pool.rich();
    refused.send('USERNAME latecomer');
    assert.match(await refused.lineMatching(/^(OK|ERROR) USERNAME /), /^ERROR USERNAME cluster-unavailable /);

    await cluster.redis.restart();
    assert.deepEqual(await seeMessage(rob, 'sent while Redis was down', 10000), queued);
    // Once: the next message from a comes after any second copy of it would have.
    rae.send('MSG #relay after Redis came back');
    const between = [];
    await rob.lineMatching((line) => {
      between.push(line);
      return line.startsWith('MESSAGE ') && parseMessage(line).text === 'after Redis came back';
    }, ACROSS);
    assert.ok(!between.some((line) => line.endsWith(' sent while Redis was down')), between.join('\n'));
    await login(refused, 'latecomer');
  } finally {
    await cluster.stop();
  }
});

test('a node started late sees the rooms and who is online, and its users chat with the others', { skip }, async () => {
  const { a, b } = shared.nodes;
  const lia = await richUser(a, 'lia');
  const lou = await b.pool.plain('lou');
  const louUser = { nick: 'lou' };
  await seeEvent(lia, 'ONLINE', '*', louUser);
  await joinRoom(lia, '#lobby');

  const c = await shared.add('c');
  const cy = await c.pool.rich();
  await eventually(async () => {
    const online = await query(cy, 'USERS');
    for (const nick of ['lia', 'lou']) assert.ok(online.includes(nick), `${nick} not in ${online}`);
  });
  assert.ok((await query(cy, 'ROOMS')).includes('#lobby'));
  await eventually(async () => assert.deepEqual((await query(cy, 'NODES')).map((node) => node.split(',')[0]), ['a', 'b', 'c']));

  await login(cy, 'cy');
  await seeEvent(lia, 'ONLINE', '*', cy);
  await joinRoom(cy, '#lobby');
  await seeEvent(lia, 'JOIN', '#lobby', cy);
  cy.send('MSG #lobby hello from c');
  const fromC = await seeMessage(lia, 'hello from c');
  assert.deepEqual([fromC.target, fromC.from, fromC.identifier], ['#lobby', 'cy', cy.id]);
  lia.send('MSG #lobby welcome, cy');
  await seeMessage(cy, 'welcome, cy');
  lou.send('MSG @cy hi from b');
  const dm = await seeMessage(cy, 'hi from b');
  assert.deepEqual([dm.target, dm.from, dm.identifier], ['@cy', 'lou', louUser.id]);
  cy.send('MSG @lou hi back');
  await lou.expectLine('RECEIVE @lou cy hi back', ACROSS);
});

test('topic, kick, typing and destroy cross nodes, and an account online on two nodes is offline only when gone from both', { skip }, async () => {
  const { a, b } = shared.nodes;
  const owner = await richUser(a, 'olga');
  const member = await richUser(b, 'mick');
  await joinRoom(owner, '#mod');
  await seeEvent(member, 'CREATE', '#mod', owner);
  await joinRoom(member, '#mod');
  await seeEvent(owner, 'JOIN', '#mod', member);

  // (parseEvent keeps one word of an event's detail: one-word topics here.)
  owner.send('TOPIC #mod rules');
  await owner.lineMatching(/^OK TOPIC #mod/);
  assert.equal((await seeEvent(member, 'TOPIC', '#mod', owner)).previous, 'rules');

  owner.send('TYPING #mod active');
  assert.equal((await seeEvent(member, 'TYPING', '#mod', owner)).previous, 'active');

  owner.send('KICK #mod mick');
  await owner.lineMatching(/^OK KICK #mod/);
  assert.equal((await seeEvent(member, 'KICK', '#mod', member)).previous, 'olga');
  assert.deepEqual(await query(member, 'MEMBERS #mod'), ['#mod', 'olga']);
  member.send('MSG #mod still here?');
  assert.equal(await member.lineMatching(/^ERROR MSG /), errorLine('rich', 'MSG', 'not-member'));

  owner.send('DESTROY #mod');
  await owner.lineMatching(/^OK DESTROY #mod$/);
  await seeEvent(member, 'DESTROY', '#mod', owner);
  assert.ok(!(await query(member, 'ROOMS')).includes('#mod'));

  // One account, a connection on each node: online once, offline once both are gone.
  const first = await a.pool.account('acct');
  await seeEvent(member, 'ONLINE', '*', first);
  // b learns of the registration over the bus, before anything acct says after it.
  first.send('MSG @mick registered');
  await seeMessage(member, 'registered');
  const second = await b.pool.accountLogin('acct');
  assert.equal(second.id, first.id);
  await first.quit();
  // A message from b after the quit comes over the bus after anything a said of it.
  member.send('MSG @olga barrier');
  const next = await owner.lineMatching((text) => (text.includes(' OFFLINE * ') && text.endsWith(' acct'))
    || (text.startsWith('MESSAGE ') && text.endsWith(' barrier')), ACROSS);
  assert.ok(next.startsWith('MESSAGE '), `acct shown offline while still on b: ${next}`);
  assert.ok((await query(owner, 'USERS')).includes('acct'));
  assert.ok((await query(member, 'USERS')).includes('acct'));
  await second.quit();
  await seeEvent(owner, 'OFFLINE', '*', first);
  await eventually(async () => assert.ok(!(await query(member, 'USERS')).includes('acct')));
});

test('a browser through wsproxy on a web node chats with a console user on another node; the web node takes no one else', { skip }, async () => {
  const { a } = shared.nodes;
  const web = await shared.add('w', ['--node-kind', 'web', '--trusted-proxy', '127.0.0.1', '--no-irc']);
  const proxy = await startWsproxy(web.server.port);
  try {
    // From another loopback address than the proxy's: someone else.
    const refusal = await new Promise((resolve, reject) => {
      const socket = net.connect({ port: web.server.port, host: '127.0.0.1', localAddress: '127.0.0.2' });
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk) => { text += chunk; });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    assert.equal(refusal, 'ERROR This server takes browsers only, through its web proxy.\n');

    const alice = await richUser(a, 'alina');
    const browser = await WsClient.connect(proxy.port);
    browser.send({ type: 'login', nickname: 'wendy' });
    const login = await browser.frameMatching((frame) => frame.type === 'reply', ACROSS);
    assert.deepEqual([login.command, login.nickname], ['login', 'wendy']);
    const wendy = { nick: 'wendy', id: login.identifier };
    await seeEvent(alice, 'ONLINE', '*', wendy);

    await joinRoom(alice, '#web');
    browser.send({ type: 'command', action: 'join', target: '#web' });
    await seeEvent(alice, 'JOIN', '#web', wendy);
    alice.send('MSG #web hi browser');
    const seen = await browser.frameMatching((frame) => frame.type === 'message', ACROSS);
    assert.deepEqual([seen.target, seen.nickname, seen.message], ['#web', 'alina', 'hi browser']);
    browser.send({ type: 'message', target: '#web', message: 'hi console' });
    const back = await seeMessage(alice, 'hi console');
    assert.deepEqual([back.from, back.identifier], ['wendy', wendy.id]);
    browser.socket.close();
    await seeEvent(alice, 'OFFLINE', '*', wendy);
  } finally {
    await proxy.stop();
  }
});

test('a sign-in begun on one node is finished on another, once', { skip }, async () => {
  const redirect = 'http://127.0.0.1:9/app/';
  const issuer = await startIssuer({ clients: [{ client_id: 'chat', client_secret: 'a-client-secret', redirect_uris: [redirect] }] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-cluster-oidc-'));
  const config = path.join(dir, 'oidc.json');
  fs.writeFileSync(config, JSON.stringify({ providers: [
    { name: 'Test', issuer: issuer.issuer, client_id: 'chat', client_secret: 'a-client-secret' },
  ], redirect_uris: [redirect] }));
  const cluster = await startCluster();
  try {
    const a = await cluster.add('a', ['--oidc-config', config]);
    const b = await cluster.add('b', ['--oidc-config', config]);
    const started = await a.pool.rich();
    started.send(`AUTHORIZE Test ${redirect}`);
    const [ok, , , url] = fields(await started.lineMatching(/^(OK|ERROR) AUTHORIZE /, 15000), 4);
    assert.equal(ok, 'OK');
    const { code, state } = await signInOverHttp(url, { login: 'sam' });

    // The browser came back through the other node's wsproxy.
    const finished = await b.pool.rich();
    finished.send(`SIGNIN ${state} ${code}`);
    const [done, verb, nick] = fields(await finished.lineMatching(/^(OK|ERROR) (SIGNIN|LOGIN)/, 15000), 5);
    assert.deepEqual([done, verb, nick], ['OK', 'LOGIN', 'sam']);
    const watcher = await richUser(a, 'watcher');
    assert.ok((await query(watcher, 'USERS')).includes('sam'));

    // Used up on every node.
    const again = await a.pool.rich();
    again.send(`SIGNIN ${state} ${code}`);
    assert.equal(await again.lineMatching(/^(OK|ERROR) SIGNIN/, 15000), errorLine('rich', 'SIGNIN', 'signin-expired'));
  } finally {
    await cluster.stop();
    await issuer.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
