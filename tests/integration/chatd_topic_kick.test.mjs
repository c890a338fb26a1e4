// Room topics and KICK across the fronts: the owner sets a topic that every member sees (as an
// EVENT in rich mode, a TOPIC line on IRC), that later joiners are shown and that a restart
// keeps; the owner removes a member, who is told and can no longer speak there. Nobody else may.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatPool, errorLine, fields } from '../lib/chat_client.mjs';
import { chatdWithIrc, parse } from '../lib/irc_client.mjs';
import { startChatd, tempDatabase } from '../lib/processes.mjs';

const { pool, irc } = chatdWithIrc();

async function ircUser(nick, port) {
  const client = await irc(port);
  await client.register(nick);
  return client;
}

async function ircJoin(client, channel) {
  client.send(`JOIN ${channel}`);
  const lines = [];
  for (;;) {
    const line = parse(await client.line());
    lines.push(line);
    if (line.command === '366') return lines;
  }
}

// "EVENT <time> TOPIC <room> <id> <nick> <topic...>": the topic keeps its spaces.
function parseTopicEvent(line) {
  const [tag, time, kind, room, identifier, nick, topic] = fields(line, 7);
  return { tag, time, kind, room, identifier, nick, topic };
}

test('the owner sets a topic; rich and IRC members see it, joiners are shown it, others may not', async () => {
  const owner = await pool.rich('stagehand');
  owner.send('CREATE #stage');
  await owner.lineMatching(/^OK CREATE #stage$/);
  owner.send('JOIN #stage');
  await owner.lineMatching(/^OK JOIN #stage$/);
  const member = await pool.rich('audience');
  member.send('JOIN #stage');
  await member.lineMatching(/^OK JOIN #stage$/);
  const ircMember = await ircUser('ircaudience');
  await ircJoin(ircMember, '#stage');

  owner.send('TOPIC #stage Welcome,  all of you');
  await owner.lineMatching(/^OK TOPIC #stage Welcome, {2}all of you$/);
  const seen = parseTopicEvent(await member.lineMatching(/^EVENT \S+ TOPIC /));
  assert.deepEqual([seen.room, seen.identifier, seen.nick, seen.topic],
    ['#stage', owner.id, 'stagehand', 'Welcome,  all of you']);
  const line = parse(await ircMember.expect('TOPIC'));
  assert.deepEqual([line.source, line.params], ['stagehand!stagehand@chat', ['#stage', 'Welcome,  all of you']]);

  // Asked, in rich and plain mode, and shown to an IRC client that joins (332, 333).
  member.send('TOPIC #stage');
  assert.equal(await member.lineMatching(/^OK TOPIC/), 'OK TOPIC #stage Welcome,  all of you');
  const plain = await pool.plain('plainasker');
  plain.send('TOPIC #stage');
  assert.equal(await plain.line(), 'TOPIC #stage Welcome,  all of you');
  const late = await ircUser('ircjoiner');
  const joined = await ircJoin(late, '#stage');
  const topic = joined.find((reply) => reply.command === '332');
  assert.deepEqual(topic.params, ['ircjoiner', '#stage', 'Welcome,  all of you']);
  const whoTime = joined.find((reply) => reply.command === '333');
  assert.deepEqual(whoTime.params.slice(0, 3), ['ircjoiner', '#stage', 'stagehand']);
  assert.ok(Math.abs(Number(whoTime.params[3]) - Date.parse(seen.time) / 1000) < 1, whoTime.params[3]);

  // Only the owner: a rich member, an IRC member.
  member.send('TOPIC #stage mine now');
  assert.equal(await member.lineMatching(/^ERROR/), errorLine('rich', 'TOPIC', 'not-room-owner'));
  ircMember.send('TOPIC #stage :mine now');
  assert.deepEqual(parse(await ircMember.expect('482')).params.slice(1), ['#stage', "You're not channel operator"]);

  // A trailing space clears it; IRC then shows none.
  owner.send('TOPIC #stage ');
  assert.equal(await owner.lineMatching(/^OK TOPIC/), 'OK TOPIC #stage ');
  assert.equal(parse(await ircMember.expect('TOPIC')).params[1], '');
  ircMember.send('TOPIC #stage');
  assert.equal(parse(await ircMember.line()).command, '331');

  // Bad topics: too long, a control character, a room that does not exist.
  owner.send(`TOPIC #stage ${'x'.repeat(301)}`);
  assert.match(await owner.lineMatching(/^(OK|ERROR) TOPIC/), /^ERROR TOPIC invalid-argument /);
  owner.send('TOPIC #stage bell\x07');
  assert.match(await owner.lineMatching(/^(OK|ERROR) TOPIC/), /^ERROR TOPIC message-control-characters /);
  owner.send('TOPIC #nowhere');
  assert.match(await owner.lineMatching(/^(OK|ERROR) TOPIC/), /^ERROR TOPIC no-such-room /);
});

test('the owner kicks members from any front; they are told and can no longer speak there', async () => {
  const owner = await ircUser('bouncer');
  await ircJoin(owner, '#club');
  const rich = await pool.rich('richguest');
  rich.send('JOIN #club');
  await rich.lineMatching(/^OK JOIN #club$/);
  const plain = await pool.plain('plainguest');
  plain.send('JOIN #club');
  await plain.expectSilence();
  const ircGuest = await ircUser('ircguest');
  await ircJoin(ircGuest, '#club');

  // Not the owner: refused on every front.
  rich.send('KICK #club plainguest');
  assert.match(await rich.lineMatching(/^(OK|ERROR) KICK/), /^ERROR KICK not-room-owner /);
  ircGuest.send('KICK #club richguest :go');
  assert.equal(parse(await ircGuest.expect('482')).params[1], '#club');

  owner.send('KICK #club richguest :out you go');
  const [kind, , event, room, identifier, nick, by] = fields(await rich.lineMatching(/^EVENT \S+ KICK /), 7);
  assert.deepEqual([kind, event, room, identifier, nick, by], ['EVENT', 'KICK', '#club', rich.id, 'richguest', 'bouncer']);
  const told = parse(await ircGuest.expect('KICK'));
  assert.deepEqual([told.source, told.params], ['bouncer!bouncer@chat', ['#club', 'richguest', 'bouncer']]);
  rich.send('MSG #club still here?');
  assert.match(await rich.lineMatching(/^(OK|ERROR) MSG/), /^ERROR MSG not-member /);

  owner.send('KICK #club ircguest');
  const kicked = parse(await ircGuest.expect('KICK'));
  assert.deepEqual(kicked.params, ['#club', 'ircguest', 'bouncer']);
  ircGuest.send('PRIVMSG #club :let me back');
  assert.equal(parse(await ircGuest.expect('404')).params[1], '#club');

  owner.send('KICK #club plainguest');
  await owner.lineMatching(/ KICK #club plainguest /);
  plain.send('MSG #club hello?');
  assert.equal(await plain.line(), errorLine('plain', 'MSG', 'not-member'));

  // Someone not in the room, someone who does not exist, a room that does not exist.
  owner.send('KICK #club richguest');
  assert.deepEqual(parse(await owner.expect('441')).params.slice(1, 3), ['richguest', '#club']);
  owner.send('KICK #club nobody-here');
  assert.equal(parse(await owner.expect('401')).params[1], 'nobody-here');
  owner.send('KICK #noclub richguest');
  assert.equal(parse(await owner.expect('403')).params[1], '#noclub');
  // MEMBERS tells who is left.
  rich.send('MEMBERS #club');
  assert.equal(await rich.lineMatching(/^OK MEMBERS/), 'OK MEMBERS #club bouncer');
});

test("a room's topic outlives a restart", async () => {
  const db = tempDatabase();
  let own = await startChatd(['--db', db.path]);
  try {
    let ownPool = new ChatPool(own.port);
    const owner = await ownPool.account('topicowner');
    owner.send('JOIN #lasting');
    await owner.lineMatching(/^OK JOIN #lasting$/);
    owner.send('TOPIC #lasting kept across restarts');
    await owner.lineMatching(/^OK TOPIC/);
    await ownPool.closeAll();
    await own.stop();
    own = await startChatd(['--db', db.path]);
    ownPool = new ChatPool(own.port);
    const asker = await ownPool.rich('asker');
    asker.send('TOPIC #lasting');
    assert.equal(await asker.line(), 'OK TOPIC #lasting kept across restarts');
    const asking = await ircUser('ircasker', own.ircPort);
    const joined = await ircJoin(asking, '#lasting');
    assert.equal(joined.find((reply) => reply.command === '333').params[2], 'topicowner');
    await ownPool.closeAll();
  } finally {
    await own.stop();
    db.remove();
  }
});
