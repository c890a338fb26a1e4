// History against the real chatd and its database: latest pages, paging back by id and by time,
// catching up after a reconnect with no gap and no duplicate, private conversations, who may
// read what, read markers shared by an account's connections, and --no-store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatPool, chatdPool, errorLine, fields, parseMessage } from '../lib/chat_client.mjs';
import { startChatd } from '../lib/processes.mjs';

const pool = chatdPool();

// Sends `HISTORY <args>`; returns the messages (parsed) and the closing `OK HISTORY` fields.
async function history(client, args) {
  client.send(`HISTORY ${args}`);
  const messages = [];
  for (;;) {
    const line = await client.line();
    if (/^(MESSAGE|EVENT) /.test(line)) continue;  // live traffic meanwhile
    if (line.startsWith('HISTORY ')) {
      messages.push(parseMessage(`MESSAGE ${line.slice('HISTORY '.length)}`));
      continue;
    }
    const [ok, verb, target, count, more] = fields(line, 5);
    assert.deepEqual([ok, verb], ['OK', 'HISTORY'], line);
    assert.equal(Number(count), messages.length);
    return { messages, target, more };
  }
}

// Sends numbered messages and returns their ids in order.
async function say(client, target, count, prefix = 'm') {
  const ids = [];
  for (let i = 0; i < count; i += 1) {
    client.send(`MSG ${target} ${prefix}${i}`);
    const [ok, verb, msgid] = fields(await client.lineMatching(/^(OK|ERROR) MSG/), 4);
    assert.deepEqual([ok, verb], ['OK', 'MSG']);
    ids.push(msgid);
  }
  return ids;
}

const registered = (nick) => pool.account(nick);

test('the latest page, then pages back by message id, then the start of the conversation', async () => {
  const ann = await pool.rich('ann');
  ann.send('JOIN #log');
  await ann.lineMatching(/^OK JOIN #log$/);
  const ids = await say(ann, '#log', 12);

  const latest = await history(ann, '#log 5');
  assert.deepEqual(latest.messages.map((m) => m.msgid), ids.slice(7));
  assert.deepEqual(latest.messages.map((m) => m.text), ['m7', 'm8', 'm9', 'm10', 'm11']);
  assert.equal(latest.target, '#log');
  assert.equal(latest.more, 'more');
  assert.ok(latest.messages.every((m) => m.target === '#log' && m.from === 'ann' && m.identifier === ann.id));

  // Asked with another spelling, answered with the room's own.
  assert.equal((await history(ann, '#LOG 1')).target, '#log');

  const back = await history(ann, `#log BEFORE ${ids[7]} 5`);
  assert.deepEqual(back.messages.map((m) => m.msgid), ids.slice(2, 7));
  assert.equal(back.more, 'more');
  const start = await history(ann, `#log BEFORE ${ids[2]} 5`);
  assert.deepEqual(start.messages.map((m) => m.msgid), ids.slice(0, 2));
  assert.equal(start.more, 'end');
});

test('catching up after a reconnect: exactly what was missed, in order, in pages', async () => {
  const bo = await registered('bo');
  bo.send('JOIN #news');
  await bo.lineMatching(/^OK JOIN #news$/);
  const cy = await pool.rich('cy');
  cy.send('JOIN #news');
  await cy.lineMatching(/^OK JOIN #news$/);
  const seen = await say(cy, '#news', 3, 'before');
  let last;
  for (let i = 0; i < 3; i += 1) last = parseMessage(await bo.lineMatching(/^MESSAGE /));
  assert.equal(last.msgid, seen.at(-1));
  await bo.quit();

  const missed = await say(cy, '#news', 7, 'while-away');
  const back = await pool.rich();
  back.send('LOGIN bo correct-horse');
  await back.lineMatching(/^OK LOGIN bo /);
  const got = [];
  let anchor = last.msgid;
  for (;;) {
    const page = await history(back, `#news AFTER ${anchor} 3`);
    got.push(...page.messages.map((m) => m.msgid));
    if (page.more === 'end') break;
    anchor = page.messages.at(-1).msgid;
  }
  assert.deepEqual(got, missed);
});

test('a time anchors a page as a message id does', async () => {
  const dee = await pool.rich('dee');
  dee.send('JOIN #clock');
  await dee.lineMatching(/^OK JOIN #clock$/);
  await say(dee, '#clock', 2, 'early');
  const all = (await history(dee, '#clock')).messages;
  const cut = all.at(-1).time;
  // A later time than every message so far.
  const after = new Date(Date.parse(cut) + 5).toISOString();
  await new Promise((resolve) => setTimeout(resolve, 20));
  await say(dee, '#clock', 2, 'late');
  const late = await history(dee, `#clock AFTER ${after}`);
  assert.deepEqual(late.messages.map((m) => m.text), ['late0', 'late1']);
  const early = await history(dee, `#clock BEFORE ${after}`);
  assert.deepEqual(early.messages.map((m) => m.text), ['early0', 'early1']);
});

test('private history is shared by the two people only; rooms only by members', async () => {
  const eve = await pool.rich('eve');
  const fay = await pool.rich('fay');
  const gil = await pool.rich('gil');
  await say(eve, '@fay', 2, 'to-fay');
  await say(fay, '@eve', 1, 'to-eve');
  const fromEve = await history(eve, '@fay');
  const fromFay = await history(fay, '@eve');
  assert.deepEqual(fromEve.messages.map((m) => m.text), ['to-fay0', 'to-fay1', 'to-eve0']);
  assert.deepEqual(fromFay.messages.map((m) => m.msgid), fromEve.messages.map((m) => m.msgid));
  assert.deepEqual((await history(gil, '@eve')).messages, []);

  eve.send('JOIN #secret');
  await eve.lineMatching(/^OK JOIN #secret$/);
  await gil.lineMatching(/^EVENT \S+ CREATE #secret /);
  gil.send('HISTORY #secret');
  await gil.expectLine(errorLine('rich', 'HISTORY', 'not-member'));
  gil.send('HISTORY #nowhere');
  await gil.expectLine(errorLine('rich', 'HISTORY', 'no-such-room'));
  gil.send(`HISTORY @fay BEFORE ${fromEve.messages[0].msgid}`);
  await gil.expectLine(errorLine('rich', 'HISTORY', 'no-such-message'));
  gil.send('HISTORY #secret sideways 3');
  await gil.expectLine(errorLine('rich', 'HISTORY', 'invalid-argument'));
  gil.send('HISTORY * 501');
  await gil.expectLine(errorLine('rich', 'HISTORY', 'invalid-argument'));
});

test('a destroyed room takes its history with it', async () => {
  const hu = await pool.rich('hu');
  hu.send('JOIN #gone');
  await hu.lineMatching(/^OK JOIN #gone$/);
  await say(hu, '#gone', 2);
  hu.send('DESTROY #gone');
  await hu.lineMatching(/^OK DESTROY #gone$/);
  hu.send('JOIN #gone');
  await hu.lineMatching(/^OK JOIN #gone$/);
  assert.deepEqual((await history(hu, '#gone')).messages, []);
});

test('plain mode shows history as lines a person can read', async () => {
  const ida = await pool.plain('ida');
  const jo = await pool.rich('jo');
  await say(jo, '*', 1, 'for-everyone');
  ida.send('HISTORY * 1');
  const line = await ida.lineMatching(/^HISTORY /);  // after jo's message as it was live
  const [tag, time, target, from, text] = fields(line, 5);
  assert.deepEqual([tag, target, from, text], ['HISTORY', '*', 'jo', 'for-everyone0']);
  assert.ok(!Number.isNaN(Date.parse(time)));
  await ida.expectAlive();
});

test('read markers: set on one connection, told to the others, asked back later', async () => {
  const kai = await registered('kai');
  const other = await pool.rich();
  other.send('LOGIN kai correct-horse');
  await other.lineMatching(/^OK LOGIN kai /);
  kai.send('JOIN #read');
  await kai.lineMatching(/^OK JOIN #read$/);
  const ids = await say(kai, '#read', 3);

  kai.send('READ #read');
  await kai.expectLine('OK READ #read -');
  kai.send(`READ #read ${ids[1]}`);
  await kai.expectLine(`OK READ #read ${ids[1]}`);
  const event = await other.lineMatching(/^EVENT \S+ READ /);
  const [, , kind, where, identifier, nick, msgid] = event.split(' ');
  assert.deepEqual([kind, where, identifier, nick, msgid], ['READ', '#read', kai.id, 'kai', ids[1]]);
  other.send('READ #READ');
  await other.expectLine(`OK READ #read ${ids[1]}`);
  // Never backwards (two devices may race): the marker stays, and nobody is told of a move.
  other.send(`READ #read ${ids[0]}`);
  await other.expectLine(`OK READ #read ${ids[1]}`);
  await kai.expectAlive();
  kai.send('READ #read 00000000-0000-4000-8000-000000000000');
  await kai.expectLine(errorLine('rich', 'READ', 'no-such-message'));

  const guest = await pool.rich('guest-reader');
  guest.send('READ * x');
  await guest.expectLine(errorLine('rich', 'READ', 'not-registered'));
});

test('CONVERSATIONS lists the rooms and the people an account talks with, on every device', async () => {
  const lia = await registered('lia');
  lia.send('JOIN #garden');
  await lia.lineMatching(/^OK JOIN #garden$/);
  const max = await pool.rich('max');
  const ned = await registered('ned');
  await say(max, '@lia', 1, 'hello lia');
  await say(lia, '@ned', 1, 'hello ned');
  const phone = await pool.accountLogin('lia');
  assert.deepEqual(await phone.list('CONVERSATIONS'), ['#garden', '@max', '@ned']);
  // The other side sees its half.
  await ned.lineMatching(/^MESSAGE .* lia hello ned0$/);
  assert.deepEqual(await ned.list('CONVERSATIONS'), ['@lia']);
});

test('with --no-store, history and accounts say so and messages still flow', async () => {
  const bare = await startChatd(['--no-store']);
  const own = new ChatPool(bare.port);
  try {
    const lee = await own.rich('lee');
    lee.send('HISTORY *');
    await lee.expectLine(errorLine('rich', 'HISTORY', 'store-disabled'));
    lee.send('REGISTER correct-horse');
    await lee.expectLine(errorLine('rich', 'REGISTER', 'store-disabled'));
    lee.send('MSG * still works');
    assert.match((await lee.line()), /^MESSAGE /);
    assert.match((await lee.line()), /^OK MSG /);
  } finally {
    await own.closeAll();
    await bare.stop();
  }
});
