// A crowded server's &everyone over IRC (issue 12): telling every IRC client of everyone's
// joins and quits is quadratic in a crowd, so clients that connect once the server has
// --irc-presence-limit users online see &everyone as an auditorium: only themselves in NAMES,
// nobody else's JOIN or QUIT there, while messages to everyone still reach them and clients
// that came earlier keep seeing presence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatdWithIrc, parse } from '../lib/irc_client.mjs';

const { pool, irc } = chatdWithIrc(['--irc-presence-limit', '2']);

async function registered(nick) {
  const client = await irc();
  const lines = (await client.register(nick)).map(parse);
  return { client, lines };
}

const everyoneNames = (lines) =>
  lines.filter((line) => line.command === '353' && line.params[2] === '&everyone')
    .flatMap((line) => line.params[3].split(' '));

test('past the presence limit, &everyone is an auditorium for newcomers only', async () => {
  const early = await registered('early');
  assert.deepEqual(everyoneNames(early.lines), ['early']);
  const nc = await pool.plain('crowd1');
  assert.equal(parse(await early.client.expect('JOIN')).source, 'crowd1!crowd1@chat');

  // Two users online: the limit is reached for whoever connects now.
  const late = await registered('late');
  assert.deepEqual(everyoneNames(late.lines), ['late']);
  const earlyJoin = parse(await early.client.expect('JOIN'));
  assert.deepEqual([earlyJoin.source, earlyJoin.params], ['late!late@chat', ['&everyone']]);

  const another = await pool.plain('crowd2');
  const seen = parse(await early.client.expect('JOIN'));
  assert.equal(seen.source, 'crowd2!crowd2@chat');
  another.close();
  await early.client.lineMatching(/^:crowd2!\S+ QUIT /);
  // The newcomer heard neither; a NAMES now still shows only itself.
  late.client.send('NAMES &everyone');
  const names = [parse(await late.client.expect('353')), parse(await late.client.expect('366'))];
  assert.deepEqual(names[0].params.slice(2), ['&everyone', 'late']);
  assert.doesNotMatch(await late.client.received(300), /crowd2/);

  // Messages to everyone reach it all the same, both ways.
  nc.send('SEND hello crowd');
  const message = parse(await late.client.expect('PRIVMSG'));
  assert.deepEqual([message.source, message.params], ['crowd1!crowd1@chat', ['&everyone', 'hello crowd']]);
  late.client.send('PRIVMSG &everyone :hello from the auditorium');
  await nc.expectLine('RECEIVE late hello from the auditorium');
});
