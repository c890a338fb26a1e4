// Accounts against the real chatd and its database file: register, log in and out, wrong
// passwords and their throttling, guests kept off registered nicknames, one account on several
// connections at once, session tokens, password changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatdPool, errorLine, parseEvent, parseMessage } from '../lib/chat_client.mjs';

const pool = chatdPool();

const registered = (nick, password) => pool.account(nick, password);
const loggedIn = (nick, password) => pool.accountLogin(nick, password);

test('register keeps the identifier; logging in again gives the same account', async () => {
  const alice = await registered('alice');
  const id = alice.id;
  await alice.logout();
  const again = await loggedIn('alice');
  assert.equal(again.id, id);
  assert.deepEqual(await again.list('USERS'), ['alice']);
});

test('a wrong password or an unknown nickname gets the same refusal, and no login', async () => {
  await registered('bella');
  const client = await pool.rich();
  client.send('LOGIN bella wrong-password');
  await client.expectLine(errorLine('rich', 'LOGIN', 'login-failed'));
  client.send('LOGIN nobody-here some-password');
  await client.expectLine(errorLine('rich', 'LOGIN', 'login-failed'));
  client.send('MSG * hello');
  await client.expectLine(errorLine('rich', 'MSG', 'username-required'));
});

test('malformed credentials are refused before any check', async () => {
  const client = await pool.rich();
  client.send('LOGIN carla short');
  await client.expectLine(errorLine('rich', 'LOGIN', 'password-invalid'));
  client.send('LOGIN carla');
  await client.expectLine(errorLine('rich', 'LOGIN', 'missing-argument'));
  client.send('RESUME not-a-token');
  await client.expectLine(errorLine('rich', 'RESUME', 'token-invalid'));
  await client.login('carla');
  client.send('REGISTER has space inside');
  await client.expectLine(errorLine('rich', 'REGISTER', 'password-invalid'));
  client.send('PASSWORD correct-horse battery-staple');
  await client.expectLine(errorLine('rich', 'PASSWORD', 'not-registered'));
});

test('a guest cannot take a registered nickname, online or offline, nor rename to it', async () => {
  const dora = await registered('dora');
  const guest = await pool.rich();
  guest.send('USERNAME Dora');
  await guest.expectLine(errorLine('rich', 'USERNAME', 'nickname-registered'));
  await dora.quit();
  guest.send('USERNAME dora');
  await guest.expectLine(errorLine('rich', 'USERNAME', 'nickname-registered'));
  await guest.login('notdora');
  guest.send('USERNAME dora');
  await guest.expectLine(errorLine('rich', 'USERNAME', 'nickname-registered'));
  // Plain mode (seed 002's sentences) says the same.
  const plain = await pool.plain();
  plain.send('USERNAME dora');
  await plain.expectLine(errorLine('plain', 'USERNAME', 'nickname-registered'));
});

test('repeated failed logins are slowed down, even with the right password', async () => {
  await registered('edna');
  const client = await pool.rich();
  for (let i = 0; i < 4; i += 1) {
    client.send('LOGIN edna wrong-password');
    await client.expectLine(errorLine('rich', 'LOGIN', 'login-failed'));
  }
  client.send('LOGIN edna correct-horse');
  await client.expectLine(errorLine('rich', 'LOGIN', 'login-throttled'));
  // Another account from the same address is not locked out by edna's attacker.
  await registered('fern');
  await loggedIn('fern');
});

test('one account on two connections: both get every message, each sees what the other sent', async () => {
  const gus = await registered('gus');
  const laptop = gus;
  const phone = await loggedIn('gus');
  const hal = await pool.rich('hal');

  laptop.send('JOIN #den');
  await laptop.lineMatching(/^OK JOIN #den$/);
  // The phone is in the room too (the account is), and hears of the join.
  const joined = parseEvent(await phone.lineMatching(/^EVENT \S+ JOIN #den /));
  assert.equal(joined.identifier, gus.id);
  assert.deepEqual(await phone.list('JOINED'), ['#den']);

  hal.send('MSG @gus psst');
  for (const device of [laptop, phone]) {
    const message = parseMessage(await device.lineMatching(/^MESSAGE /));
    assert.deepEqual([message.target, message.from, message.text], ['@gus', 'hal', 'psst']);
  }
  phone.send('MSG @hal from my phone');
  const echoed = parseMessage(await laptop.lineMatching(/^MESSAGE /));
  assert.deepEqual([echoed.target, echoed.from, echoed.text], ['@hal', 'gus', 'from my phone']);
  const got = parseMessage(await hal.lineMatching(/^MESSAGE \S+ \S+ @hal /));
  assert.equal(got.msgid, echoed.msgid);

  // Online while any connection is: closing one says nothing, closing the last says OFFLINE.
  await phone.quit();
  await hal.expectAlive();
  assert.ok((await hal.list('USERS')).includes('gus'));
  await laptop.quit();
  const offline = parseEvent(await hal.lineMatching(/^EVENT \S+ OFFLINE /));
  assert.equal(offline.identifier, gus.id);
});

test('a session token logs the account back in until LOGOUT revokes it; QUIT keeps it', async () => {
  const ivan = await registered('ivan');
  await ivan.quit();
  const first = await loggedIn('ivan');
  await first.quit();
  const resumed = await pool.rich();
  resumed.send(`RESUME ${first.token}`);
  assert.equal(await resumed.lineMatching(/^(OK|ERROR) RESUME|^OK LOGIN/), `OK LOGIN ivan ${first.id} ${first.token}`);
  await resumed.logout();
  const late = await pool.rich();
  late.send(`RESUME ${first.token}`);
  await late.expectLine(errorLine('rich', 'RESUME', 'token-invalid'));
});

test('a password change needs the old one and ends the other sessions', async () => {
  const jane = await registered('jane');
  await jane.quit();
  const here = await loggedIn('jane');
  const there = await loggedIn('jane');
  here.send('PASSWORD not-the-old-one new-password-1');
  await here.expectLine(errorLine('rich', 'PASSWORD', 'login-failed'));
  here.send('PASSWORD correct-horse new-password-1');
  assert.equal(await here.lineMatching(/^(OK|ERROR) PASSWORD/), 'OK PASSWORD');
  const other = await pool.rich();
  other.send(`RESUME ${there.token}`);
  await other.expectLine(errorLine('rich', 'RESUME', 'token-invalid'));
  other.send(`RESUME ${here.token}`);
  assert.match(await other.line(), /^OK LOGIN jane /);
  const fresh = await pool.rich();
  fresh.send('LOGIN jane correct-horse');
  await fresh.expectLine(errorLine('rich', 'LOGIN', 'login-failed'));
  await loggedIn('jane', 'new-password-1');
});

test('an account keeps its rooms while offline; a guest loses them', async () => {
  const kim = await registered('kim');
  const lou = await pool.rich('lou');
  for (const user of [kim, lou]) {
    user.send('JOIN #porch');
    await user.lineMatching(/^OK JOIN #porch$/);
  }
  await kim.quit();
  await lou.quit();
  const watcher = await pool.rich('watcher');
  assert.deepEqual(await watcher.list('MEMBERS #porch'), ['#porch', 'kim']);
  const back = await loggedIn('kim');
  assert.deepEqual(await back.list('JOINED'), ['#porch']);
  back.send('MSG #porch still here');
  assert.match(await back.lineMatching(/^OK MSG /), /^OK MSG /);
});

test('only the owner account may destroy its room, even while it is offline', async () => {
  const max = await registered('max');
  max.send('CREATE #maxroom');
  await max.lineMatching(/^OK CREATE #maxroom$/);
  await max.quit();
  const ned = await pool.rich('ned');
  ned.send('JOIN #maxroom');
  await ned.lineMatching(/^OK JOIN #maxroom$/);
  ned.send('DESTROY #maxroom');
  await ned.expectLine(errorLine('rich', 'DESTROY', 'not-room-owner'));
  const owner = await loggedIn('max');
  owner.send('DESTROY #maxroom');
  assert.equal(await owner.lineMatching(/^(OK|ERROR) DESTROY/), 'OK DESTROY #maxroom');
});

test('private messages to an offline account arrive at its next login, once', async () => {
  const olga = await registered('olga');
  await olga.quit();
  const pat = await pool.rich('pat');
  for (const text of ['first while away', 'second while away']) {
    pat.send(`MSG @olga ${text}`);
    assert.match(await pat.lineMatching(/^(OK|ERROR) MSG/), /^OK MSG /);
  }
  pat.send('MSG @nobody-at-all hi');
  await pat.expectLine(errorLine('rich', 'MSG', 'no-such-user'));

  const back = await pool.rich();
  back.send('LOGIN olga correct-horse');
  assert.match(await back.line(), /^OK LOGIN olga /);
  const texts = [];
  for (let i = 0; i < 2; i += 1) texts.push(parseMessage(await back.line()).text);
  assert.deepEqual(texts, ['first while away', 'second while away']);
  await back.expectAlive();  // and nothing more
  await back.quit();
  const again = await loggedIn('olga');
  await again.expectAlive();  // delivered once, not at every login
});
