// Many concurrent clients: every broadcast reaches every other logged-in client exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatdPool } from '../lib/chat_client.mjs';

const pool = chatdPool();

const CLIENTS = 200;
const SENDERS = 4;
const BROADCASTS_EACH = 3;

function broadcastText(sender, round) {
  return `broadcast ${round} from ${sender} \u2713`;
}

// Collects exactly `count` lines, then checks that nothing more arrives.
async function exactlyLines(client, count) {
  const lines = [];
  for (let i = 0; i < count; i++) lines.push(await client.line(10000));
  assert.equal(await client.received(300), '', `${client.nick} received more than ${count} lines`);
  return lines;
}

test(`${CLIENTS} concurrent clients each receive every other client's broadcasts exactly once`, async () => {
  const nicks = Array.from({ length: CLIENTS }, (_, i) => `user${String(i).padStart(3, '0')}`);
  const clients = await Promise.all(nicks.map((nick) => pool.plain(nick)));
  assert.deepEqual((await clients[0].list('USERS')).sort(), nicks);

  const senders = clients.slice(0, SENDERS);
  for (let round = 0; round < BROADCASTS_EACH; round++) {
    for (const sender of senders) sender.send(`SEND ${broadcastText(sender.nick, round)}`);
  }

  await Promise.all(clients.map(async (client) => {
    const others = senders.filter((sender) => sender !== client);
    const received = await exactlyLines(client, others.length * BROADCASTS_EACH);
    for (const sender of others) {
      const fromSender = received.filter((line) => line.startsWith(`RECEIVE ${sender.nick} `));
      assert.deepEqual(fromSender, Array.from({ length: BROADCASTS_EACH },
        (_, round) => `RECEIVE ${sender.nick} ${broadcastText(sender.nick, round)}`));
    }
  }));
});

test(`${CLIENTS} concurrent room members each receive a room message exactly once`, async () => {
  const nicks = Array.from({ length: CLIENTS }, (_, i) => `member${String(i).padStart(3, '0')}`);
  const clients = await Promise.all(nicks.map((nick) => pool.plain(nick)));
  await Promise.all(clients.map(async (client) => {
    client.send('JOIN #crowd');
    await client.expectAlive();
  }));
  const speaker = await pool.rich('speaker');
  speaker.send('JOIN #crowd');
  await speaker.expectEvent('JOIN', '#crowd', speaker);
  await speaker.expectLine('OK JOIN #crowd');

  speaker.send('MSG #crowd hello crowd');
  const echo = await speaker.expectMessage('#crowd', speaker, 'hello crowd');
  await speaker.expectMessageOk('MSG', echo);

  await Promise.all(clients.map(async (client) => {
    assert.deepEqual(await exactlyLines(client, 1), ['RECEIVE #crowd speaker hello crowd']);
  }));
  const [room, ...members] = await speaker.list('MEMBERS #crowd');
  assert.equal(room, '#crowd');
  assert.deepEqual(members.sort(), [...nicks, 'speaker'].sort());
});
