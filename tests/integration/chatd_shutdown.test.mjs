// SIGTERM with many users: chatd closes every connection without announcing each departure to
// all the others (they are closing too), so stopping takes time in proportion to the users.
// Before that, 5,000 users took about 2 s to stop, 10,000 about 7 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineClient } from '../lib/line_client.mjs';
import { startChatd } from '../lib/processes.mjs';

const USERS = 5000;

test(`SIGTERM with ${USERS} users logged in, in rooms, exits 0 within half a second`, async (t) => {
  const chatd = await startChatd(['--no-store']);
  const clients = [];
  try {
    for (let batch = 0; batch < USERS; batch += 500) {
      clients.push(...await Promise.all(Array.from({ length: 500 }, async (_, i) => {
        const client = await LineClient.connect(chatd.port);
        client.send(`USERNAME user${batch + i}`);
        client.send(`JOIN #room${(batch + i) % 10}`);
        return client;
      })));
    }
    // Connections are served in no particular order: ask until all of them are logged in.
    let online = 0;
    for (let attempt = 0; attempt < 100 && online < USERS; attempt += 1) {
      clients.at(-1).send('USERS');
      online = (await clients.at(-1).lineMatching(/^USERS /, 20000)).split(' ').length - 1;
      if (online < USERS) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(online, USERS);
    const started = performance.now();
    await chatd.stop();  // fails unless it exits 0 with no sanitizer report
    const elapsed = performance.now() - started;
    t.diagnostic(`stopped with ${USERS} users in ${elapsed.toFixed(0)} ms`);
    // About 0.15 s here (1 s when every departure was announced); sanitizers slow it threefold.
    const limit = process.env.CHAT_SANITIZED === '1' ? 1500 : 500;
    assert.ok(elapsed < limit, `stopping took ${elapsed} ms`);
  } finally {
    for (const client of clients) client.close();
    await chatd.stop();
  }
});
