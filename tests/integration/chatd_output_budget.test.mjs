// The output budget of all clients together (--max-output-memory): clients that stopped reading
// are dropped once the memory they pin passes it, long before their own send queue limit, while
// a client that reads everything goes on and misses nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { ChatPool } from '../lib/chat_client.mjs';
import { startChatd } from '../lib/processes.mjs';

const BUDGET = 1 << 20;
const SENDQ = 64 << 20;      // no staller reaches its own limit in this test
const TEXT = 'x'.repeat(8000);
const MAX_MESSAGES = 6000;   // 48 MB to each: far below SENDQ plus what the kernel holds
const ROUND = 50;            // messages between pauses: 4 MB/s, so the flood lasts seconds
let chatd;
let pool;

before(async () => {
  chatd = await startChatd(['--no-store', '--no-flood-control', '--max-output-memory', String(BUDGET),
    '--max-sendq', String(SENDQ)]);
  pool = new ChatPool(chatd.port);
});
after(async () => {
  await pool?.closeAll();
  await chatd?.stop();
});

// A rich client that reads everything as it comes, counting messages and who went offline,
// without keeping what it read.
function watcher(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => {
      socket.write('RICH\nUSERNAME watcher\n');
      resolve(state);
    });
    const state = { socket, messages: 0, offline: new Set(), closed: false };
    let partial = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        if (line.startsWith('MESSAGE ')) state.messages += 1;
        const offline = / OFFLINE \* \S+ (\S+)$/.exec(line);
        if (offline) state.offline.add(offline[1]);
      }
    });
    socket.on('close', () => { state.closed = true; });
    socket.once('error', reject);
  });
}

test('clients that stopped reading are dropped at the shared budget; a reader goes on', async (t) => {
  const watching = await watcher(chatd.port);
  const stallers = [];
  for (let i = 0; i < 4; i += 1) {
    const staller = await pool.rich(`staller${i}`);
    staller.socket.pause();  // reads nothing more from here on
    stallers.push(staller.nick);
  }
  const flooder = await pool.plain('flooder');
  let sent = 0;
  while (sent < MAX_MESSAGES && watching.offline.size < stallers.length) {
    for (let i = 0; i < ROUND; i += 1) flooder.send(`SEND ${TEXT}`);
    sent += ROUND;
    await flooder.expectAlive();  // chatd has handled them all
    // Paced: a staller is dropped once its output has not moved for a second.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.diagnostic(`stallers dropped after ${sent} messages of 8,000 bytes`);
  assert.deepEqual([...watching.offline].sort(), stallers);
  assert.ok(sent < MAX_MESSAGES);
  // The reader got every message and is still connected.
  const deadline = Date.now() + 10000;
  while (watching.messages < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(watching.messages, sent);
  assert.equal(watching.closed, false);
  watching.socket.destroy();
});
