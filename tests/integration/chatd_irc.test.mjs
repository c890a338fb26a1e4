// chatd's IRC front against raw IRC on a real socket: registration and capabilities, channels,
// messages crossing to and from nc and rich-mode users, nicknames shared by every front, the
// error numerics, and an account logging in with PASS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEvent, parseMessage } from '../lib/chat_client.mjs';
import { chatdWithIrc, parse } from '../lib/irc_client.mjs';

const { pool, irc } = chatdWithIrc();

async function registered(nick, options) {
  const client = await irc();
  await client.register(nick, options);
  return client;
}

test('registration: the welcome numerics, a truthful ISUPPORT, no MOTD, and &everyone', async () => {
  const client = await irc();
  const lines = (await client.register('welcomed')).map(parse);
  const numerics = lines.map((line) => line.command);
  for (const numeric of ['001', '002', '003', '004', '005', '422', 'JOIN', '353', '366']) {
    assert.ok(numerics.includes(numeric), `${numeric} missing from ${numerics}`);
  }
  assert.deepEqual(lines.find((line) => line.command === '001').params,
    ['welcomed', 'Welcome to chat, welcomed']);
  const isupport = lines.find((line) => line.command === '005').params;
  for (const token of ['CASEMAPPING=ascii', 'CHANTYPES=#&', 'NICKLEN=32', 'CHANNELLEN=51',
    'PREFIX=(o)@', 'CHANMODES=,,,nt', 'NETWORK=chat',
    'TARGMAX=JOIN:10,PART:10,PRIVMSG:10,NOTICE:10,NAMES:10,TAGMSG:10']) {
    assert.ok(isupport.includes(token), `${token} missing from ${isupport}`);
  }
  const join = lines.find((line) => line.command === 'JOIN');
  assert.deepEqual([join.source, join.params], ['welcomed!welcomed@chat', ['&everyone']]);
  client.send('PING :are-you-there');
  assert.deepEqual(parse(await client.line()).params, ['chatd', 'are-you-there']);
});

test('CAP: LS, REQ with ACK and NAK, LIST; server-time and msgid tags; echo-message', async () => {
  const client = await irc();
  client.send('CAP LS 302');
  client.send('NICK tagged');
  client.send('USER tagged 0 * :t');
  const ls = parse(await client.line());
  assert.deepEqual(ls.params.slice(0, 2), ['*', 'LS']);
  assert.deepEqual(ls.params[2].split(' ').sort(), ['account-tag', 'away-notify', 'batch',
    'draft/chathistory', 'echo-message', 'message-tags', 'multi-prefix', 'sasl=PLAIN', 'server-time']);
  client.send('CAP REQ :server-time unknown-cap');
  assert.deepEqual(parse(await client.line()).params, ['tagged', 'NAK', 'server-time unknown-cap']);
  client.send('CAP REQ :server-time message-tags echo-message');
  assert.deepEqual(parse(await client.line()).params,
    ['tagged', 'ACK', 'server-time message-tags echo-message']);
  client.send('CAP LIST');
  assert.deepEqual(parse(await client.line()).params,
    ['tagged', 'LIST', 'server-time message-tags echo-message']);
  client.send('CAP END');
  await client.expect('001');
  await client.lineMatching(/ 366 tagged &everyone /);

  client.send('JOIN #tags');
  await client.lineMatching(/ 366 tagged #tags /);
  client.send('PRIVMSG #tags :echoed back');
  const echoed = parse(await client.expect('PRIVMSG'));
  assert.deepEqual([echoed.source, echoed.params], ['tagged!tagged@chat', ['#tags', 'echoed back']]);
  assert.match(echoed.tags.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.match(echoed.tags.msgid, /^[0-9a-f-]{36}$/);
});

test('messages cross between IRC, nc and rich mode, in rooms, privately and to everyone', async () => {
  const ircUser = await registered('ircuser');
  const nc = await pool.plain('ncuser');
  const rich = await pool.rich('richuser');
  ircUser.send('JOIN #cross');
  await ircUser.lineMatching(/ 366 ircuser #cross /);
  nc.send('JOIN #cross');
  const ncJoined = parse(await ircUser.expect('JOIN'));
  assert.deepEqual([ncJoined.source, ncJoined.params], ['ncuser!ncuser@chat', ['#cross']]);
  rich.send('JOIN #cross');
  await rich.lineMatching(/^OK JOIN #cross$/);

  ircUser.send('PRIVMSG #cross :hello from IRC');
  await nc.expectLine('RECEIVE #cross ircuser hello from IRC');
  const seen = parseMessage(await rich.lineMatching(/^MESSAGE /));
  assert.deepEqual([seen.target, seen.from, seen.text], ['#cross', 'ircuser', 'hello from IRC']);

  nc.send('MSG #cross hello from nc');
  const fromNc = parse(await ircUser.expect('PRIVMSG'));
  assert.deepEqual([fromNc.source, fromNc.params], ['ncuser!ncuser@chat', ['#cross', 'hello from nc']]);
  nc.send('SEND to everyone');
  const everyone = parse(await ircUser.expect('PRIVMSG'));
  assert.deepEqual(everyone.params, ['&everyone', 'to everyone']);
  rich.send('MSG @ircuser just for you');
  const privately = parse(await ircUser.expect('PRIVMSG'));
  assert.deepEqual([privately.source, privately.params], ['richuser!richuser@chat', ['ircuser', 'just for you']]);
  ircUser.send('PRIVMSG ncuser :and back');
  await nc.expectLine('RECEIVE @ncuser ircuser and back');
  ircUser.send('PRIVMSG &everyone :from IRC to everyone');
  await nc.expectLine('RECEIVE ircuser from IRC to everyone');
  // No echo without echo-message: the next thing the IRC user sees is its PING answer.
  ircUser.send('PING :barrier');
  assert.equal(parse(await ircUser.line()).command, 'PONG');
});

test('/me: CTCP ACTION from IRC is an action ("/me ...") for the others, and the reverse', async () => {
  const ircUser = await registered('emoter');
  const nc = await pool.plain('watcher');
  const rich = await pool.rich('dancer');
  for (const client of [nc, rich]) client.send('JOIN #stage');
  await rich.lineMatching(/^OK JOIN #stage$/);
  ircUser.send('JOIN #stage');
  await ircUser.lineMatching(/ 366 emoter #stage /);

  ircUser.send('PRIVMSG #stage :\x01ACTION waves\x01');
  await nc.expectLine('RECEIVE #stage emoter /me waves');
  assert.equal(parseMessage(await rich.lineMatching(/^MESSAGE /)).text, '/me waves');
  rich.send('MSG #stage /me dances');
  const action = parse(await ircUser.expect('PRIVMSG'));
  assert.deepEqual([action.source, action.params], ['dancer!dancer@chat', ['#stage', '\x01ACTION dances\x01']]);
  await nc.expectLine('RECEIVE #stage dancer /me dances');  // nc users see the text as it is
  // Other CTCP (a VERSION request) has no place in chat: nobody gets it, and no error.
  ircUser.send('PRIVMSG #stage :\x01VERSION\x01');
  ircUser.send('PING :barrier');
  assert.equal(parse(await ircUser.line()).command, 'PONG');
  await nc.expectSilence();
});

test('one nickname space: a name taken on one front is taken on the others', async () => {
  await pool.plain('takenbync');
  const client = await irc();
  client.send('NICK takenbync');
  client.send('USER x 0 * :x');
  assert.deepEqual(parse(await client.line()).params.slice(0, 2), ['takenbync', 'takenbync']);
  client.send('NICK TakenByNc');
  const refused = parse(await client.line());
  assert.equal(refused.command, '433');
  await client.register('freename');
  const nc = await pool.plain();
  nc.send('USERNAME FreeName');
  await nc.expectError('USERNAME', 'username-taken');
});

test('presence: renames, parts, quits and JOIN 0 reach the other fronts', async () => {
  const rich = await pool.rich('watcher');
  const ircUser = await registered('mover');
  const online = parseEvent(await rich.line());
  assert.deepEqual([online.kind, online.nick], ['ONLINE', 'mover']);
  for (const room of ['#one', '#two']) {
    rich.send(`JOIN ${room}`);
    await rich.lineMatching(new RegExp(`^OK JOIN ${room}$`));
  }
  ircUser.send('JOIN #one,#two');
  await ircUser.lineMatching(/ 366 mover #two /);
  ircUser.send('NICK mover2');
  const renamed = parse(await ircUser.expect('NICK'));
  assert.deepEqual([renamed.source, renamed.params], ['mover!mover@chat', ['mover2']]);
  const rename = await rich.lineMatching(/^EVENT \S+ RENAME /);
  assert.match(rename, / RENAME \* \S+ mover2 mover$/);
  ircUser.send('PART #one :see you');
  const parted = parse(await ircUser.expect('PART'));
  assert.deepEqual(parted.params, ['#one', 'see you']);
  assert.match(await rich.lineMatching(/^EVENT \S+ LEAVE /), / LEAVE #one \S+ mover2$/);
  ircUser.send('JOIN 0');
  assert.deepEqual(parse(await ircUser.expect('PART')).params.slice(0, 1), ['#two']);
  assert.match(await rich.lineMatching(/^EVENT \S+ LEAVE /), / LEAVE #two \S+ mover2$/);
  ircUser.send('QUIT :done for today');
  assert.equal(parse(await ircUser.expect('ERROR')).command, 'ERROR');
  assert.match(await rich.lineMatching(/^EVENT \S+ OFFLINE /), / OFFLINE \* \S+ mover2$/);
});

test('queries: NAMES with the owner as @, WHO, WHOIS, LIST, ISON, USERHOST, MODE, TOPIC, AWAY', async () => {
  const owner = await pool.rich('roomowner');
  owner.send('JOIN #q');
  await owner.lineMatching(/^OK JOIN #q$/);
  const asker = await registered('asker');
  asker.send('JOIN #q');
  const names = parse(await asker.expect('353'));
  assert.deepEqual(names.params.slice(1, 3), ['=', '#q']);
  assert.deepEqual(names.params[3].split(' ').sort(), ['@roomowner', 'asker']);
  asker.send('WHO #q');
  const who = [parse(await asker.expect('352')), parse(await asker.expect('352'))];
  assert.deepEqual(who.map((line) => line.params[5]).sort(), ['asker', 'roomowner']);
  await asker.expect('315');
  asker.send('WHOIS roomowner');
  assert.equal(parse(await asker.expect('311')).params[1], 'roomowner');
  await asker.expect('318');
  asker.send('WHOIS nobody-here');
  assert.deepEqual(parse(await asker.expect('401')).params.slice(1, 2), ['nobody-here']);
  asker.send('LIST');
  const listed = [];
  for (;;) {
    const line = parse(await asker.line());
    if (line.command === '322') listed.push([line.params[1], line.params[2]]);
    if (line.command === '323') break;
  }
  assert.ok(listed.some(([room, count]) => room === '#q' && count === '2'), JSON.stringify(listed));
  asker.send('ISON roomowner nobody asker');
  assert.deepEqual(parse(await asker.expect('303')).params[1].split(' ').sort(), ['asker', 'roomowner']);
  asker.send('USERHOST roomowner');
  assert.equal(parse(await asker.expect('302')).params[1], 'roomowner=+roomowner@chat');
  asker.send('MODE #q');
  assert.deepEqual(parse(await asker.expect('324')).params.slice(1), ['#q', '+nt']);
  asker.send('MODE asker');
  assert.equal(parse(await asker.expect('221')).params[1], '+i');
  asker.send('TOPIC #q');
  assert.equal(parse(await asker.expect('331')).params[1], '#q');
  asker.send('AWAY :lunch');
  await asker.expect('306');
  asker.send('AWAY');
  await asker.expect('305');
});

test('the error numerics', async () => {
  const early = await irc();
  early.send('PRIVMSG someone :too early');
  assert.equal(parse(await early.line()).command, '451');
  early.send('NICK bad!name');
  early.send('USER x 0 * :x');
  assert.equal(parse(await early.line()).command, '432');

  const client = await registered('erring');
  const expectNumeric = async (line, numeric) => {
    client.send(line);
    const answer = parse(await client.line());
    assert.equal(answer.command, numeric, `${line} -> ${JSON.stringify(answer)}`);
    return answer;
  };
  await expectNumeric('FROBNICATE', '421');
  await expectNumeric('JOIN', '461');
  await expectNumeric('USER again 0 * :x', '462');
  await expectNumeric('PRIVMSG nobody-at-all :hi', '401');
  await expectNumeric('PRIVMSG #nowhere :hi', '403');
  await expectNumeric('PRIVMSG erring', '412');
  await expectNumeric('PART #nowhere', '403');
  await expectNumeric('JOIN #bad!room', '403');
  await expectNumeric('NICK', '431');
  await expectNumeric('NICK 9starts-with-digit', '432');
  await expectNumeric(`PRIVMSG ${Array.from({ length: 11 }, (_, i) => `n${i}`).join(',')} :hi`, '407');
  const member = await pool.rich('inroom');
  member.send('JOIN #closed');
  await member.lineMatching(/^OK JOIN #closed$/);
  await client.expect('JOIN');  // inroom arriving in &everyone
  await expectNumeric('PRIVMSG #closed :let me in', '404');
  await expectNumeric('PART #closed', '442');
  await expectNumeric('NICK inroom', '433');
  // A bare CR inside a message would forge a line on other IRC clients: refused, not relayed.
  member.send('JOIN #forge');
  await member.lineMatching(/^OK JOIN #forge$/);
  await expectNumeric('JOIN #forge', 'JOIN');
  await client.lineMatching(/ 366 erring #forge /);
  client.send('PRIVMSG #forge :hi\r:chatd 001 inroom :forged');
  const refused = parse(await client.line());
  assert.deepEqual([refused.command, refused.params[1]], ['404', '#forge']);
  member.send('PING after-forge');
  assert.equal(await member.lineMatching(/^(MESSAGE|OK PING)/), 'OK PING after-forge');
  // NOTICE never gets an error back.
  client.send('NOTICE nobody-at-all :hi');
  await expectNumeric('PING :after-notice', 'PONG');
});

test('an account logs in from IRC with PASS and finds its rooms; a destroyed room is a KICK', async () => {
  const account = await pool.account('ircaccount');
  account.send('JOIN #kept');
  await account.lineMatching(/^OK JOIN #kept$/);
  const client = await irc();
  const welcome = (await client.register('ircaccount', { pass: 'correct-horse' })).map(parse);
  assert.equal(welcome.find((line) => line.command === '001').params[0], 'ircaccount');
  // Then the account's rooms, each with its names.
  const kept = parse(await client.expect('JOIN'));
  assert.deepEqual([kept.source, kept.params], ['ircaccount!ircaccount@chat', ['#kept']]);
  await client.lineMatching(/ 366 ircaccount #kept /);
  account.send('MSG #kept to every device');
  const got = parse(await client.expect('PRIVMSG'));
  assert.deepEqual(got.params, ['#kept', 'to every device']);
  account.send('DESTROY #kept');
  const kick = parse(await client.expect('KICK'));
  assert.deepEqual(kick.params, ['#kept', 'ircaccount', 'Room destroyed']);

  const impostor = await irc();
  impostor.send('NICK ircaccount');
  impostor.send('USER x 0 * :x');
  assert.equal(parse(await impostor.line()).command, '433');
  const wrong = await irc();
  wrong.send('PASS not-the-password');
  wrong.send('NICK ircaccount');
  wrong.send('USER x 0 * :x');
  assert.equal(parse(await wrong.line()).command, '464');
});
