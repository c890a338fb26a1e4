// chatd's store on a real PostgreSQL that restarts under it: messages acknowledged before and
// after are all kept, at most the commands in flight during the restart are refused
// (store-failed, nothing delivered for them), and chatd goes on by itself. (The other store
// tests run on PostgreSQL too, as integration.postgres.*.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatPool, fields, parseMessage } from '../lib/chat_client.mjs';
import { postgresAvailable, postgresDatabase, restartPostgres } from '../lib/postgres.mjs';
import { startChatd } from '../lib/processes.mjs';

const skip = postgresAvailable() ? false : 'PostgreSQL 15 is not installed';
let chatd, db;
const pool = new ChatPool();
before(async () => {
  if (skip) return;
  db = postgresDatabase();
  chatd = await startChatd(['--db', db.path]);
  pool.port = chatd.port;
});
after(async () => {
  await pool.closeAll();
  await chatd?.stop();
  db?.remove();
});

test('a PostgreSQL restart costs at most the commands in flight, and nothing acknowledged', { skip }, async () => {
  const alice = await pool.rich('alice');
  alice.send('JOIN #kept');
  await alice.lineMatching(/^OK JOIN/);
  const send = async (text) => {
    alice.send(`MSG #kept ${text}`);
    const [ok, , id] = fields(await alice.lineMatching(/^(OK|ERROR) MSG/, 20000), 4);
    return ok === 'OK' ? id : null;
  };
  const acknowledged = [];
  for (let i = 0; i < 5; ++i) acknowledged.push(await send(`before ${i}`));
  assert.ok(acknowledged.every(Boolean));
  restartPostgres();
  // The first batch after the restart finds the connection gone and runs again on a new one.
  let refused = 0;
  for (let i = 0; i < 5; ++i) {
    const id = await send(`after ${i}`);
    if (id) acknowledged.push(id); else ++refused;
  }
  assert.ok(refused <= 1, `${refused} messages refused after the restart`);
  alice.send('HISTORY #kept 50');
  const stored = [];
  for (;;) {
    const line = await alice.line(10000);
    if (line.startsWith('OK HISTORY')) break;
    if (line.startsWith('HISTORY ')) stored.push(parseMessage(`MESSAGE ${line.slice(8)}`).msgid);
  }
  for (const id of acknowledged) assert.ok(stored.includes(id), `acknowledged ${id} is not in history`);
});
