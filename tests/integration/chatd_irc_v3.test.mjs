// The IRCv3 parts of chatd's IRC front that need accounts and history: SASL PLAIN against the
// accounts, draft/chathistory in batches, playback of a channel's latest messages on JOIN,
// account-tag and away-notify, and the PING a silent client gets before it is closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fields } from '../lib/chat_client.mjs';
import { chatdWithIrc, parse } from '../lib/irc_client.mjs';
import { startChatd } from '../lib/processes.mjs';

const { pool, irc } = chatdWithIrc();

const plain = (authorization, name, password) =>
  Buffer.from(`${authorization}\0${name}\0${password}`).toString('base64');

// CAP LS 302, REQ `caps`, AUTHENTICATE PLAIN with the payload; returns the numeric that ends it.
async function authenticate(client, caps, payload) {
  client.send('CAP LS 302');
  const offered = parse(await client.lineMatching(/ CAP \* LS /)).params.at(-1).split(' ');
  assert.ok(offered.includes('sasl=PLAIN'), offered.join(' '));
  client.send(`CAP REQ :${caps.join(' ')}`);
  await client.lineMatching(/ CAP \* ACK /);
  client.send('AUTHENTICATE PLAIN');
  assert.equal(await client.line(), 'AUTHENTICATE +');
  client.send(`AUTHENTICATE ${payload}`);
  return parse(await client.lineMatching(/ 90[0-9] /, 10000));
}

// Finishes registration under `nick`, up to the end of &everyone's names.
async function finish(client, nick) {
  client.send('CAP END');
  client.send(`NICK ${nick}`);
  client.send(`USER ${nick} 0 * :${nick}`);
  const lines = [];
  for (;;) {
    const line = await client.line();
    lines.push(parse(line));
    if (/ 366 \S+ &everyone /.test(line)) return lines;
  }
}

// Reads a chathistory batch: its BATCH lines and the PRIVMSGs inside, checked to belong to it.
async function batch(client) {
  const start = parse(await client.expect('BATCH'));
  const reference = start.params[0].slice(1);
  assert.equal(start.params[0][0], '+');
  assert.equal(start.params[1], 'chathistory');
  const messages = [];
  for (;;) {
    const line = parse(await client.line());
    if (line.command === 'BATCH') {
      assert.deepEqual(line.params, [`-${reference}`]);
      return { target: start.params[2], messages };
    }
    assert.equal(line.command, 'PRIVMSG');
    assert.equal(line.tags.batch, reference);
    messages.push(line);
  }
}

test('SASL PLAIN logs an IRC client in to an account: its nickname, rooms and devices', async () => {
  const account = await pool.account('sasluser');
  account.send('JOIN #sasl');
  await account.lineMatching(/^OK JOIN #sasl$/);
  const client = await irc();
  const done = await authenticate(client, ['sasl'], plain('', 'sasluser', 'correct-horse'));
  assert.equal(done.command, '900');
  assert.deepEqual(done.params.slice(1, 3), ['sasluser!sasluser@chat', 'sasluser']);
  assert.equal(parse(await client.line()).command, '903');
  // Whatever NICK it then gives, it is the account.
  const welcome = await finish(client, 'anything');
  assert.equal(welcome.find((line) => line.command === '001').params[0], 'sasluser');
  const joined = parse(await client.expect('JOIN'));
  assert.deepEqual(joined.params, ['#sasl']);
  await client.lineMatching(/ 366 sasluser #sasl /);
  // What it says reaches the account's other connection as the account's own message.
  client.send('PRIVMSG #sasl :from irc via sasl');
  const [kind, , , target, sender, nick, ...text] = fields(await account.lineMatching(/^MESSAGE /), 8);
  assert.deepEqual([kind, target, sender, nick, text.join(' ')], ['MESSAGE', '#sasl', account.id, 'sasluser', 'from irc via sasl']);
});

test('SASL failures: wrong password, other mechanisms, bad payloads, abort, and after success', async () => {
  await pool.account('saslfail');
  const wrong = await irc();
  assert.equal((await authenticate(wrong, ['sasl'], plain('', 'saslfail', 'not-it'))).command, '904');
  // A failed SASL leaves an ordinary guest registration possible.
  assert.equal((await finish(wrong, 'saslguest')).find((line) => line.command === '001').params[0], 'saslguest');

  const other = await irc();
  other.send('CAP REQ :sasl');
  await other.lineMatching(/ CAP \* ACK /);
  other.send('AUTHENTICATE SCRAM-SHA-256');
  assert.deepEqual(parse(await other.line()).params.slice(1), ['PLAIN', 'are available SASL mechanisms']);
  assert.equal(parse(await other.line()).command, '904');
  other.send('AUTHENTICATE PLAIN');
  assert.equal(await other.line(), 'AUTHENTICATE +');
  other.send('AUTHENTICATE *');
  assert.equal(parse(await other.line()).command, '906');
  for (const payload of ['!!!not-base64', Buffer.from('no separators').toString('base64'), plain('someoneelse', 'saslfail', 'correct-horse')]) {
    other.send('AUTHENTICATE PLAIN');
    assert.equal(await other.line(), 'AUTHENTICATE +');
    other.send(`AUTHENTICATE ${payload}`);
    assert.equal(parse(await other.line()).command, '904', payload);
  }
  other.send('AUTHENTICATE PLAIN');
  await other.line();
  for (let i = 0; i < 6; i += 1) other.send(`AUTHENTICATE ${'A'.repeat(400)}`);
  assert.equal(parse(await other.line()).command, '905');

  const good = await irc();
  assert.equal((await authenticate(good, ['sasl'], plain('saslfail', 'saslfail', 'correct-horse'))).command, '900');
  await good.expect('903');
  good.send('AUTHENTICATE PLAIN');
  assert.equal(parse(await good.line()).command, '907');
});

test('draft/chathistory: LATEST, BEFORE and AFTER in batches with msgid and time; failures', async () => {
  const talker = await pool.plain('historian');
  talker.send('JOIN #annals');
  for (let i = 1; i <= 5; i += 1) talker.send(`MSG #annals entry ${i}`);
  await talker.expectSilence();

  const client = await irc();
  client.send('CAP LS 302');
  client.send('CAP REQ :batch server-time message-tags draft/chathistory');
  await client.lineMatching(/ CAP \* ACK /);
  await finish(client, 'reader');
  client.send('JOIN #annals');
  await client.lineMatching(/ 366 reader #annals /);

  client.send('CHATHISTORY LATEST #annals * 3');
  const latest = await batch(client);
  assert.equal(latest.target, '#annals');
  assert.deepEqual(latest.messages.map((line) => line.params), [3, 4, 5].map((i) => ['#annals', `entry ${i}`]));
  for (const line of latest.messages) {
    assert.equal(line.source, 'historian!historian@chat');
    assert.match(line.tags.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(line.tags.msgid);
  }
  client.send(`CHATHISTORY BEFORE #annals msgid=${latest.messages[0].tags.msgid} 10`);
  assert.deepEqual((await batch(client)).messages.map((line) => line.params[1]), ['entry 1', 'entry 2']);
  client.send(`CHATHISTORY AFTER #annals msgid=${latest.messages[0].tags.msgid} 1`);
  assert.deepEqual((await batch(client)).messages.map((line) => line.params[1]), ['entry 4']);
  client.send('CHATHISTORY AFTER #annals timestamp=2000-01-01T00:00:00.000Z 2');
  assert.deepEqual((await batch(client)).messages.map((line) => line.params[1]), ['entry 1', 'entry 2']);

  // A private conversation is named by the other person's nickname.
  talker.send('MSG @reader just between us');
  await client.lineMatching(/PRIVMSG reader :just between us/);
  client.send('CHATHISTORY LATEST historian * 10');
  const direct = await batch(client);
  assert.equal(direct.target, 'historian');
  assert.deepEqual(direct.messages.map((line) => line.params), [['reader', 'just between us']]);

  const failures = [
    ['CHATHISTORY LATEST #nowhere * 10', 'INVALID_TARGET'],
    ['CHATHISTORY LATEST #annals * 0', 'INVALID_PARAMS'],
    ['CHATHISTORY BEFORE #annals * 10', 'INVALID_PARAMS'],
    ['CHATHISTORY BEFORE #annals id=x 10', 'INVALID_PARAMS'],
    ['CHATHISTORY AROUND #annals msgid=x 10', 'INVALID_PARAMS'],
    ['CHATHISTORY LATEST #annals', 'NEED_MORE_PARAMS'],
  ];
  for (const [command, code] of failures) {
    client.send(command);
    const failure = parse(await client.expect('FAIL'));
    assert.deepEqual(failure.params.slice(0, 2), ['CHATHISTORY', code], command);
  }
});

test('JOIN plays back the latest messages to a client with server-time that does not fetch them', async () => {
  const talker = await pool.plain('recounter');
  talker.send('JOIN #recent');
  for (let i = 1; i <= 25; i += 1) talker.send(`MSG #recent line ${i}`);
  await talker.expectSilence();

  const client = await irc();
  await client.register('latecomer', { caps: ['batch', 'server-time'] });
  client.send('JOIN #recent');
  await client.lineMatching(/ 366 latecomer #recent /);
  const played = await batch(client);
  assert.equal(played.target, '#recent');
  // The latest 20, oldest first.
  assert.deepEqual(played.messages.map((line) => line.params[1]), Array.from({ length: 20 }, (_, i) => `line ${i + 6}`));

  // Without server-time nothing is played back: old lines would look new.
  const bare = await irc();
  await bare.register('bareclient');
  bare.send('JOIN #recent');
  await bare.lineMatching(/ 366 bareclient #recent /);
  bare.send('PING :after-join');
  assert.equal(parse(await bare.line()).command, 'PONG');
});

test('a silent IRC client is PINGed, and closed when it does not answer; one that does stays', async (t) => {
  const quick = await startChatd(['--idle-timeout', '1']);
  t.after(() => quick.stop());
  const connect = () => irc(quick.ircPort);
  const silent = await connect();
  await silent.register('silent');
  const answering = await connect();
  await answering.register('answering');
  // The answering client replies to each PING as it comes, while the silent one is watched.
  const answered = (async () => {
    for (let i = 0; i < 3; i += 1) {
      const asked = parse(await answering.lineMatching(/ PING /, 3000));
      answering.send(`PONG :${asked.params[0]}`);
    }
  })();
  const ping = parse(await silent.lineMatching(/ PING /, 3000));
  assert.deepEqual([ping.command, ping.params], ['PING', ['chatd']]);
  const error = parse(await silent.lineMatching(/^ERROR /, 3000));
  assert.equal(error.command, 'ERROR');
  assert.match(error.params[0], /Ping timeout/);
  assert.ok(await silent.waitClosed(3000));
  await answered;
  answering.send('PING :alive');
  assert.equal(parse(await answering.lineMatching(/PONG/)).params.at(-1), 'alive');
});

test('without a store, neither sasl nor draft/chathistory is offered, and CHATHISTORY says why', async (t) => {
  const bare = await startChatd(['--no-store']);
  t.after(() => bare.stop());
  const client = await irc(bare.ircPort);
  client.send('CAP LS 302');
  const offered = parse(await client.lineMatching(/ CAP \* LS /)).params.at(-1).split(' ');
  assert.deepEqual(offered.sort(), ['away-notify', 'batch', 'echo-message', 'message-tags', 'multi-prefix', 'server-time']);
  client.send('CAP REQ :sasl');
  await client.lineMatching(/ CAP \* NAK :?sasl$/);
  await finish(client, 'storeless');
  client.send('CHATHISTORY LATEST &everyone * 10');
  const failure = parse(await client.expect('FAIL'));
  assert.deepEqual(failure.params, ['CHATHISTORY', 'INVALID_PARAMS', 'This server keeps no history']);
});

test('account-tag marks messages from accounts; away-notify tells who asked, WHOIS and WHO show it', async () => {
  const account = await pool.account('tagged-account');
  const guest = await pool.rich('tagless-guest');
  const watcher = await irc();
  await watcher.register('watcher', { caps: ['account-tag', 'away-notify'] });
  const bare = await irc();
  await bare.register('bare-watcher');

  account.send('SEND from an account');
  const fromAccount = parse(await watcher.lineMatching(/PRIVMSG &everyone :from an account/));
  assert.equal(fromAccount.tags.account, 'tagged-account');
  guest.send('SEND from a guest');
  const fromGuest = parse(await watcher.lineMatching(/PRIVMSG &everyone :from a guest/));
  assert.equal(fromGuest.tags.account, undefined);
  assert.ok(fromGuest.tags.msgid);

  bare.send('AWAY :out for lunch');
  assert.equal(parse(await bare.expect('306')).command, '306');
  const away = parse(await watcher.expect('AWAY'));
  assert.deepEqual([away.source, away.params], ['bare-watcher!bare-watcher@chat', ['out for lunch']]);
  watcher.send('WHOIS bare-watcher');
  assert.deepEqual(parse(await watcher.expect('301')).params.slice(1), ['bare-watcher', 'out for lunch']);
  watcher.send('WHO bare-watcher');
  assert.equal(parse(await watcher.expect('352')).params[6], 'G');
  bare.send('AWAY');
  await bare.expect('305');
  assert.deepEqual(parse(await watcher.expect('AWAY')).params, []);
  watcher.send('WHO bare-watcher');
  assert.equal(parse(await watcher.expect('352')).params[6], 'H');

  // Without away-notify, and on chatd's own protocol, nothing is said of it.
  watcher.send('AWAY :watching');
  await watcher.expect('306');
  bare.send('PING :barrier');
  assert.equal(parse(await bare.line()).command, 'PONG');
  guest.send('PING after-away');
  assert.equal(await guest.lineMatching(/^OK PING|AWAY/), 'OK PING after-away');
});
