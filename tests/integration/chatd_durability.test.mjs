// What the store promises, tried on the real chatd and its database file: everything survives a
// clean restart; every acknowledged message, account and room survives a SIGKILL in the middle
// of traffic; many clients writing at once lose and duplicate nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatPool, fields, parseMessage } from '../lib/chat_client.mjs';
import { startChatd, stopProcess, tempDatabase } from '../lib/processes.mjs';

// Every message of a conversation, paging back from the latest.
async function wholeHistory(client, target) {
  const ids = [];
  let before = '';
  for (;;) {
    client.send(`HISTORY ${target}${before} 500`);
    const page = [];
    for (;;) {
      const line = await client.line(10000);
      if (/^(MESSAGE|EVENT) /.test(line)) continue;
      if (line.startsWith('HISTORY ')) {
        page.push(parseMessage(`MESSAGE ${line.slice('HISTORY '.length)}`));
        continue;
      }
      const [ok, verb, , , more] = fields(line, 5);
      assert.deepEqual([ok, verb], ['OK', 'HISTORY'], line);
      ids.unshift(...page.map((m) => m.msgid));
      if (more === 'end') return ids;
      before = ` BEFORE ${page[0].msgid}`;
      break;
    }
  }
}

async function reply(client, verb) {
  return client.lineMatching(new RegExp(`^(OK|ERROR) ${verb}\\b`), 10000);
}

test('a clean restart keeps accounts, rooms with their owners, memberships and history', async () => {
  const db = tempDatabase();
  let chatd = await startChatd(['--db', db.path]);
  let pool = new ChatPool(chatd.port);
  try {
    const ada = await pool.account('ada');
    ada.send('JOIN #keep');
    await reply(ada, 'JOIN');
    const guest = await pool.rich('passing');
    guest.send('CREATE #guestroom');
    await reply(guest, 'CREATE');
    ada.send('JOIN #guestroom');
    await reply(ada, 'JOIN');
    // A guest's room that nobody is in goes when the guest does.
    guest.send('CREATE #abandoned');
    await reply(guest, 'CREATE');
    ada.send('MSG #keep remember me');
    const [, , msgid] = fields(await reply(ada, 'MSG'), 4);
    await pool.closeAll();
    await chatd.stop();

    chatd = await startChatd(['--db', db.path]);
    pool = new ChatPool(chatd.port);
    const back = await pool.accountLogin('ada');
    assert.equal(back.id, ada.id);
    assert.deepEqual(await back.list('JOINED'), ['#guestroom', '#keep']);
    assert.deepEqual(await back.list('ROOMS'), ['#guestroom', '#keep']);
    assert.deepEqual(await wholeHistory(back, '#keep'), [msgid]);
    const impostor = await pool.rich();
    impostor.send('USERNAME ada');
    assert.match(await impostor.line(), /^ERROR USERNAME nickname-registered /);
    // The owner is still the owner: another account may not destroy #keep.
    const bob = await pool.account('bob');
    bob.send('JOIN #keep');
    await reply(bob, 'JOIN');
    bob.send('DESTROY #keep');
    assert.match(await reply(bob, 'DESTROY'), /^ERROR DESTROY not-room-owner /);
  } finally {
    await pool.closeAll();
    await chatd.stop();
    db.remove();
  }
});

test('SIGKILL in the middle of traffic: every acknowledged message, account and room is there', async () => {
  const db = tempDatabase();
  let chatd = await startChatd(['--db', db.path]);
  let pool = new ChatPool(chatd.port);
  const acknowledged = [];
  try {
    const owner = await pool.account('kilroy');
    owner.send('JOIN #crash');
    await reply(owner, 'JOIN');
    const writers = [];
    for (let i = 0; i < 8; i += 1) {
      const writer = await pool.rich(`writer${i}`);
      writer.send('JOIN #crash');
      await reply(writer, 'JOIN');
      writers.push(writer);
    }
    // Each writer sends as fast as its messages are acknowledged, until chatd dies under it.
    let killed = false;
    const loops = writers.map(async (writer, w) => {
      for (let n = 0; !killed; n += 1) {
        writer.send(`MSG #crash w${w}-${n}`);
        let line;
        try {
          line = await writer.lineMatching(/^(OK|ERROR) MSG/, 10000);
        } catch {
          return;  // the connection died with chatd: this one was never acknowledged
        }
        const [ok, , msgid] = fields(line, 4);
        assert.equal(ok, 'OK', line);
        acknowledged.push(msgid);
      }
    });
    while (acknowledged.length < 400) await new Promise((resolve) => setTimeout(resolve, 5));
    chatd.process.kill('SIGKILL');
    killed = true;
    await stopProcess(chatd.process);
    await Promise.all(loops);
    for (const writer of writers) writer.close();
    owner.close();

    chatd = await startChatd(['--db', db.path]);
    pool = new ChatPool(chatd.port);
    const back = await pool.accountLogin('kilroy');
    assert.deepEqual(await back.list('JOINED'), ['#crash']);
    const stored = await wholeHistory(back, '#crash');
    assert.equal(new Set(stored).size, stored.length, 'a message is stored twice');
    const missing = acknowledged.filter((id) => !stored.includes(id));
    assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged messages lost`);
  } finally {
    await pool.closeAll();
    await chatd.stop();
    db.remove();
  }
});

test('twenty clients writing at once: every member gets every message once, history has them all', async () => {
  const chatd = await startChatd();
  const pool = new ChatPool(chatd.port);
  try {
    const clients = [];
    for (let i = 0; i < 20; i += 1) {
      const client = await pool.rich(`busy${i}`);
      client.send('JOIN #busy');
      await reply(client, 'JOIN');
      clients.push(client);
    }
    const perClient = 25;
    const total = clients.length * perClient;
    // Every client sends its messages at once, then reads until it has its own acknowledgements
    // and every member's messages (its own included, as rich mode echoes them).
    const seen = await Promise.all(clients.map(async (client, c) => {
      for (let n = 0; n < perClient; n += 1) client.send(`MSG #busy c${c}-${n}`);
      const acked = [];
      const received = [];
      while (acked.length < perClient || received.length < total) {
        const line = await client.line(10000);
        if (line.startsWith('OK MSG ')) acked.push(fields(line, 4)[2]);
        else if (line.startsWith('MESSAGE ')) received.push(parseMessage(line).msgid);
        else assert.match(line, /^EVENT /);
      }
      return { acked, received };
    }));
    const all = new Set(seen.flatMap((client) => client.acked));
    assert.equal(all.size, total);
    for (const { received } of seen) {
      assert.equal(received.length, total);
      assert.deepEqual(new Set(received), all);
    }
    // One order for everyone: the order the store gave them.
    for (const { received } of seen) assert.deepEqual(received, seen[0].received);
    const history = await wholeHistory(clients[0], '#busy');
    assert.deepEqual(history, seen[0].received);
  } finally {
    await pool.closeAll();
    await chatd.stop();
  }
});
