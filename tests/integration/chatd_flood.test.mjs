// Flood control on every front: a client that sends faster than its class's rate is slowed
// down (its input waits), every one of its commands still takes effect in order, and the other
// users neither wait nor get dropped. The rates are set low here so that a test takes seconds.
import { spawnSync } from 'node:child_process';
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatPool } from '../lib/chat_client.mjs';
import { IrcClient, parse } from '../lib/irc_client.mjs';
import { binaries, startChatd } from '../lib/processes.mjs';

const rate = 50;
const burst = 20;
let chatd;
let pool;
const ircs = [];

before(async () => {
  chatd = await startChatd(['--flood', `message=${rate}/${burst}`]);
  pool = new ChatPool(chatd.port);
});
afterEach(async () => {
  for (const client of ircs.splice(0)) client.close();
  await pool.closeAll();
});
after(() => chatd.stop());

// Round trips of a rich client's PING, every 50 ms until `done` resolves; returns them in ms.
async function pingTimes(client, done) {
  const times = [];
  let finished = false;
  done.then(() => { finished = true; });
  for (let i = 0; !finished; i += 1) {
    const started = performance.now();
    client.send(`PING t${i}`);
    // Messages to everyone come in between; the bystander reads them as it goes.
    await client.lineMatching((line) => line === `OK PING t${i}`, 5000);
    times.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return times;
}

// The least time `count` commands take at the test's rate after its burst.
const slowest = (count) => ((count - burst) / rate) * 1000;

test('a plain-mode flooder is slowed to its rate, loses nothing, and others keep their pace', async (t) => {
  const flooder = await pool.plain('flooder');
  const listener = await pool.plain('listener');
  const bystander = await pool.rich('bystander');
  const count = 200;
  const started = performance.now();
  flooder.send(Array.from({ length: count }, (_, i) => `SEND flood ${i}`).join('\n'));

  const received = (async () => {
    for (let i = 0; i < count; i += 1) {
      assert.equal(await listener.line(5000), `RECEIVE flooder flood ${i}`);
    }
    return performance.now() - started;
  })();
  const pings = await pingTimes(bystander, received);
  const elapsed = await received;
  const worst = Math.max(...pings);
  t.diagnostic(`${count} messages took ${elapsed.toFixed(0)} ms; bystander's worst PING ${worst.toFixed(1)} ms of ${pings.length}`);
  // Without flood control the 200 arrive in a few milliseconds.
  assert.ok(elapsed >= slowest(count) * 0.9, `${count} messages went through in ${elapsed} ms`);
  assert.ok(worst < 500, `a bystander's PING took ${worst} ms`);
  // The flooder is still there, and its next command is answered after the last message.
  await flooder.expectAlive();
  await listener.expectSilence();
});

test('an IRC flooder is slowed too, while an nc user and an IRC user in the room go on', async (t) => {
  const flooder = await IrcClient.connect(chatd.ircPort);
  ircs.push(flooder);
  await flooder.register('ircflood');
  flooder.send('JOIN #flood');
  await flooder.expect('366');
  const reader = await IrcClient.connect(chatd.ircPort);
  ircs.push(reader);
  await reader.register('ircreader');
  reader.send('JOIN #flood');
  await reader.expect('366');
  const nc = await pool.plain('ncreader');
  nc.send('JOIN #flood');
  await nc.expectSilence();
  const bystander = await pool.rich('ircbystander');

  const count = 150;
  const started = performance.now();
  flooder.send(Array.from({ length: count }, (_, i) => `PRIVMSG #flood :burst ${i}`).join('\r\n'));
  const received = (async () => {
    for (let i = 0; i < count; i += 1) {
      assert.equal(await nc.lineMatching(/^RECEIVE #flood ircflood /, 5000), `RECEIVE #flood ircflood burst ${i}`);
      const line = parse(await reader.lineMatching(/PRIVMSG/, 5000));
      assert.deepEqual(line.params, ['#flood', `burst ${i}`]);
    }
    return performance.now() - started;
  })();
  const pings = await pingTimes(bystander, received);
  const elapsed = await received;
  const worst = Math.max(...pings);
  t.diagnostic(`${count} IRC messages took ${elapsed.toFixed(0)} ms; bystander's worst PING ${worst.toFixed(1)} ms`);
  assert.ok(elapsed >= slowest(count) * 0.9, `${count} messages went through in ${elapsed} ms`);
  assert.ok(worst < 500, `a bystander's PING took ${worst} ms`);
  flooder.send('PING :still-here');
  assert.deepEqual(parse(await flooder.expect('PONG')).params.at(-1), 'still-here');
});

test('a burst within the limit goes through at once', async () => {
  const sender = await pool.rich('burster');
  const started = performance.now();
  for (let i = 0; i < burst; i += 1) sender.send(`SEND quick ${i}`);
  for (let i = 0; i < burst; i += 1) {
    assert.match(await sender.lineMatching(/^OK SEND/), /^OK SEND /);
  }
  // Well under the one-message-per-rate wait that the 21st would cost.
  assert.ok(performance.now() - started < 1000 * burst / rate);
});

test('an invalid --flood is refused at start with the reason', () => {
  for (const value of ['message', 'bogus=1/1', 'message=0/5', 'message=5/0', 'message=x/5', 'message=5/5/5']) {
    const result = spawnSync(binaries.chatd, ['--port', '0', '--no-store', '--flood', value], { encoding: 'utf8', timeout: 5000 });
    assert.equal(result.status, 2, value);
    assert.match(result.stderr, /invalid --flood \(CLASS=RATE\/BURST\)/);
  }
});
