// Multi-line messages, typing notifications and room owners, across every front: a RICH
// MULTILINE client and a browser (through wsproxy) keep a message's line breaks; nc users, rich
// clients that did not ask and IRC clients get it as consecutive lines; history keeps it whole.
// Typing reaches the others in a room or a private conversation, never plain mode, and IRC
// clients with message-tags as TAGMSG. OWNER says who may moderate a room.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatPool, errorLine, fields, parseEvent, parseMessage } from '../lib/chat_client.mjs';
import { IrcClient, parse } from '../lib/irc_client.mjs';
import { startChatd, startWsproxy } from '../lib/processes.mjs';
import { WsClient } from '../lib/ws_client.mjs';

let chatd, proxy;
const pool = new ChatPool();
const opened = [];
before(async () => {
  chatd = await startChatd();
  proxy = await startWsproxy(chatd.port);
  pool.port = chatd.port;
});
after(async () => {
  for (const client of opened) client.close?.() ?? client.socket?.close();
  await pool.closeAll();
  await proxy.stop();
  await chatd.stop();
});

// A rich client in RICH MULTILINE mode, logged in as `nick`.
async function multiline(nick) {
  const client = await pool.connect();
  client.send('RICH MULTILINE');
  await client.expectLine('OK RICH MULTILINE');
  client.mode = 'rich';
  await client.login(nick);
  return client;
}

async function irc(nick, caps = []) {
  const client = await IrcClient.connect(chatd.ircPort);
  opened.push({ close: () => client.socket.destroy() });
  await client.register(nick, { caps });
  return client;
}

async function browser(nick) {
  const client = await WsClient.connect(proxy.port);
  opened.push({ close: () => client.socket.close() });
  client.send({ type: 'login', nickname: nick });
  await client.frameMatching((frame) => frame.type === 'reply' && frame.command === 'login');
  return client;
}

// Everyone in #code, seen arriving by `watcher` (a rich client already in it).
async function joinAll(watcher, clients) {
  for (const [client, kind] of clients) {
    if (kind === 'irc') client.send('JOIN #code');
    else if (kind === 'ws') client.send({ type: 'command', action: 'join', target: '#code' });
    else client.send('JOIN #code');
    await watcher.lineMatching((line) => /^EVENT \S+ JOIN #code /.test(line));
  }
}

test('a multi-line message keeps its lines for those who asked, and comes as lines to the rest', async () => {
  const text = ['def f(x):', '    return x \\ 2', '', 'print(f(4))'];
  const alice = await multiline('alice');
  alice.send('JOIN #code');
  assert.equal(await alice.lineMatching(/^OK JOIN/), 'OK JOIN #code');
  const rich = await pool.rich('rich_bob');
  const plain = await pool.plain('plain_carol');
  const ircUser = await irc('irc_dave');
  const web = await browser('web_erin');
  await joinAll(alice, [[rich, 'rich'], [plain, 'plain'], [ircUser, 'irc'], [web, 'ws']]);

  // As a RICH MULTILINE client sends it: line breaks and backslashes escaped.
  const escaped = text.map((line) => line.replaceAll('\\', '\\\\')).join('\\n');
  alice.send(`MSG #code ${escaped}`);
  // Its own copy (before the acknowledgement): one line, escaped as sent.
  const own = parseMessage(await alice.lineMatching(/^MESSAGE /));
  assert.equal(own.text, escaped);
  const [ok, verb, id] = fields(await alice.lineMatching(/^OK MSG/), 4);
  assert.deepEqual([ok, verb, id], ['OK', 'MSG', own.msgid]);

  // A rich client that did not ask: one MESSAGE line per line, the same id on each.
  for (const line of text) {
    const message = parseMessage(await rich.lineMatching(/^MESSAGE /));
    assert.equal(message.msgid, id);
    assert.equal(message.text, line === '' ? ' ' : line);
  }
  // nc: RECEIVE lines.
  for (const line of text) assert.equal(await plain.line(), `RECEIVE #code alice ${line === '' ? ' ' : line}`);
  // IRC: one PRIVMSG a line.
  for (const line of text) {
    const privmsg = parse(await ircUser.expect('PRIVMSG'));
    assert.deepEqual(privmsg.params, ['#code', line === '' ? ' ' : line]);
  }
  // The browser: one frame, the line breaks in it.
  const frame = await web.frameMatching((f) => f.type === 'message');
  assert.equal(frame.message, text.join('\n'));
  assert.equal(frame.id, id);

  // History keeps it whole: one escaped line in RICH MULTILINE, lines for the others.
  alice.send('HISTORY #code');
  const stored = await alice.lineMatching(/^HISTORY /);
  assert.equal(stored.split(' ').slice(6).join(' '), escaped);
  web.send({ type: 'history', target: '#code' });
  const history = await web.frameMatching((f) => f.type === 'history');
  assert.equal(history.message, text.join('\n'));
});

test('a browser sends a multi-line message as one, and a backslash stays a backslash', async () => {
  const web = await browser('web_fay');
  const reader = await multiline('reader_gus');
  const text = 'C:\\new\\table\nsecond line';
  web.send({ type: 'message', target: '@reader_gus', message: text });
  const message = parseMessage(await reader.lineMatching(/^MESSAGE /));
  assert.equal(message.text, 'C:\\\\new\\\\table\\nsecond line');
  const plainReader = await pool.plain('plain_hal');
  web.send({ type: 'message', target: '@plain_hal', message: 'a\\nb' });
  assert.equal(await plainReader.line(), 'RECEIVE @plain_hal web_fay a\\nb');  // not a break
  web.send({ type: 'message', target: '@plain_hal', message: 'a\r\nb' });
  const refused = await web.frameMatching((f) => f.type === 'error');
  assert.equal(refused.code, 'invalid-frame');
});

test('a message of more than 100 lines, or only blank ones, is refused', async () => {
  const alice = await multiline('ivy');
  alice.send(`MSG * ${Array(101).fill('x').join('\\n')}`);
  assert.equal(await alice.lineMatching(/^(OK|ERROR) MSG/), errorLine('rich', 'MSG', 'message-too-many-lines'));
  alice.send('MSG * \\n\\n');
  assert.equal(await alice.lineMatching(/^(OK|ERROR) MSG/), errorLine('rich', 'MSG', 'message-empty'));
  // Without RICH MULTILINE "\n" is two characters of text.
  const rich = await pool.rich('jack');
  rich.send('MSG * a\\nb');
  assert.equal(parseMessage(await rich.lineMatching(/^MESSAGE /)).text, 'a\\nb');
});

test('typing reaches the others in a room and a private conversation; plain mode never sees it', async () => {
  const kim = await pool.rich('kim');
  kim.send('JOIN #typing');
  await kim.lineMatching(/^OK JOIN/);
  const lou = await pool.rich('lou');
  lou.send('JOIN #typing');
  await lou.lineMatching(/^OK JOIN/);
  const plain = await pool.plain('plain_max');
  plain.send('JOIN #typing');
  const ircUser = await irc('irc_ned', ['message-tags']);
  const ircOld = await irc('irc_old');
  ircUser.send('JOIN #typing');
  ircOld.send('JOIN #typing');
  for (let i = 0; i < 3; ++i) await kim.lineMatching(/^EVENT \S+ JOIN #typing /);

  kim.send('TYPING #typing active');
  assert.equal(await kim.lineMatching(/^(OK|ERROR) TYPING/), 'OK TYPING');
  const event = parseEvent(await lou.lineMatching(/^EVENT \S+ TYPING /));
  assert.deepEqual([event.room, event.nick, event.previous], ['#typing', 'kim', 'active']);
  const tagmsg = parse(await ircUser.expect('TAGMSG'));
  assert.equal(tagmsg.tags['+typing'], 'active');
  assert.deepEqual(tagmsg.params, ['#typing']);
  // The IRC client types back with a TAGMSG of its own.
  ircUser.send('@+typing=paused TAGMSG #typing');
  const back = parseEvent(await kim.lineMatching(/^EVENT \S+ TYPING /));
  assert.deepEqual([back.room, back.nick, back.previous], ['#typing', 'irc_ned', 'paused']);
  assert.equal(parseEvent(await lou.lineMatching(/^EVENT \S+ TYPING /)).nick, 'irc_ned');
  // Neither plain mode nor an IRC client without message-tags got any of it.
  await plain.expectAlive();
  ircOld.send('PING :barrier');
  for (let line = parse(await ircOld.line()); line.command !== 'PONG'; line = parse(await ircOld.line())) {
    assert.notEqual(line.command, 'TAGMSG');
  }

  // Privately: the other party, with the conversation named as for a private message.
  kim.send('TYPING @lou done');
  assert.equal(await kim.lineMatching(/^(OK|ERROR) TYPING/), 'OK TYPING');
  const direct = parseEvent(await lou.lineMatching(/^EVENT \S+ TYPING /));
  assert.deepEqual([direct.room, direct.nick, direct.previous], ['@lou', 'kim', 'done']);
  // Only where one may write.
  kim.send('TYPING #nowhere active');
  assert.equal(await kim.lineMatching(/^(OK|ERROR) TYPING/), errorLine('rich', 'TYPING', 'no-such-room'));
  kim.send('TYPING #typing sleeping');
  assert.equal(await kim.lineMatching(/^(OK|ERROR) TYPING/), errorLine('rich', 'TYPING', 'invalid-argument'));
});

test('OWNER names who may moderate a room', async () => {
  const owner = await pool.rich('olga');
  owner.send('CREATE #Owned');
  await owner.lineMatching(/^OK CREATE/);
  const other = await pool.rich('pete');
  const owned = () => other.lineMatching(/^(OK|ERROR) OWNER/);
  other.send('OWNER #owned');
  assert.equal(await owned(), 'OK OWNER #Owned olga');
  const plain = await pool.plain('plain_quin');
  plain.send('OWNER #owned');
  await plain.expectLine('OWNER #Owned olga');
  other.send('OWNER #missing');
  assert.equal(await owned(), errorLine('rich', 'OWNER', 'no-such-room'));
  // A guest owner gone: "-", any member may moderate.
  other.send('JOIN #owned');
  await other.lineMatching(/^OK JOIN/);
  await owner.quit();
  other.send('OWNER #owned');
  assert.equal(await owned(), 'OK OWNER #Owned -');
});

test('a multi-line action reaches IRC as one ACTION a line: no line of it is read as a command', async () => {
  const mallory = await multiline('mallory');
  const victim = await irc('irc_victim');
  mallory.send('MSG @irc_victim /me waves\\n:admin!admin@chat PRIVMSG irc_victim :trust me');
  const lines = [];
  for (let i = 0; i < 2; ++i) lines.push(parse(await victim.expect('PRIVMSG')));
  for (const line of lines) {
    assert.equal(line.source, 'mallory!mallory@chat');
    assert.match(line.params[1], /^\x01ACTION .*\x01$/);
  }
  victim.send('PING :barrier');
  for (let line = parse(await victim.line()); line.command !== 'PONG'; line = parse(await victim.line())) {
    assert.notEqual(line.source, 'admin!admin@chat');
  }
});

test('typing never overtakes the message sent before it; one TAGMSG tells each room once', async () => {
  const sam = await pool.rich('sam');
  sam.send('JOIN #order');
  await sam.lineMatching(/^OK JOIN/);
  const tia = await pool.rich('tia');
  tia.send('JOIN #order');
  await tia.lineMatching(/^OK JOIN/);
  for (let i = 0; i < 5; ++i) {
    sam.write(`MSG #order message ${i}\nTYPING #order done\n`);
    assert.match(await tia.lineMatching(/^(MESSAGE|EVENT \S+ TYPING) /), new RegExp(`^MESSAGE .* message ${i}$`));
    assert.match(await tia.lineMatching(/^(MESSAGE|EVENT \S+ TYPING) /), /^EVENT \S+ TYPING #order \S+ sam done$/);
  }
  const ircUser = await irc('irc_uma', ['message-tags']);
  ircUser.send('JOIN #order');
  await tia.lineMatching(/^EVENT \S+ JOIN #order /);
  ircUser.send(`@+typing=active TAGMSG ${Array(10).fill('#order').join(',')}`);
  await tia.lineMatching(/^EVENT \S+ TYPING #order \S+ irc_uma active$/);
  await tia.expectAlive();  // and no second one
  ircUser.send(`@+typing=active TAGMSG ${Array(11).fill('#order').join(',')}`);
  assert.equal(parse(await ircUser.expect('407')).command, '407');
});
