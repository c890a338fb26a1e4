// A client that stops reading is dropped once its output queue is full (`--max-sendq`), while
// everyone else keeps receiving everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatdPool, parseEvent, parseMessage } from '../lib/chat_client.mjs';

const pool = chatdPool(['--max-sendq', '65536']);

const TEXT = 'z'.repeat(4000);
// Far more than the kernel's socket buffers and the 64 KiB queue can hold between them.
const MAX_MESSAGES = 20000;
const AFTER_DROP = 50;

async function joinFlood(user) {
  user.send('JOIN #flood');
  await user.expectAlive();
}

// Reads the rich reader's next line: MESSAGE lines are returned parsed; the slow user's LEAVE and
// OFFLINE events, which may come between them, are recorded in `drops`.
async function nextRichMessage(reader, drops) {
  for (;;) {
    const line = await reader.line(1000);
    if (!line.startsWith('EVENT ')) return parseMessage(line);
    const event = parseEvent(line);
    drops.push([event.kind, event.room, event.identifier, event.nick]);
  }
}

test('a client that stops reading is dropped; the others receive every message promptly', async () => {
  const slow = await pool.plain('slow');
  await joinFlood(slow);
  const { reader, listener, sender } = await pool.users({ reader: 'rich', listener: 'plain', sender: 'plain' });
  reader.send('JOIN #flood');
  await reader.expectEvent('JOIN', '#flood', reader);
  await reader.expectLine('OK JOIN #flood');
  await joinFlood(listener);
  await reader.expectEvent('JOIN', '#flood', listener);
  await joinFlood(sender);
  await reader.expectEvent('JOIN', '#flood', sender);

  slow.socket.pause();

  const drops = [];
  let sent = 0;
  let droppedAt;
  while (sent < MAX_MESSAGES && (droppedAt === undefined || sent < droppedAt + AFTER_DROP)) {
    sender.send(`MSG #flood ${sent} ${TEXT}`);
    const message = await nextRichMessage(reader, drops);
    assert.deepEqual([message.target, message.identifier, message.from, message.text],
      ['#flood', sender.id, 'sender', `${sent} ${TEXT}`]);
    await listener.expectLine(`RECEIVE #flood sender ${sent} ${TEXT}`, 1000);
    sent++;
    if (droppedAt === undefined && drops.length > 0) droppedAt = sent;
  }

  assert.ok(droppedAt !== undefined, `slow was never dropped after ${sent} messages`);
  const slowId = drops[0][2];
  assert.ok(![reader.id, listener.id, sender.id].includes(slowId));
  assert.deepEqual(drops, [['LEAVE', '#flood', slowId, 'slow'], ['OFFLINE', '*', slowId, 'slow']]);
  assert.deepEqual((await listener.list('MEMBERS #flood')).sort(), ['#flood', 'listener', 'reader', 'sender']);
  assert.ok(!(await listener.list('USERS')).includes('slow'));

  slow.socket.resume();
  assert.equal(await slow.waitClosed(5000), true, 'the slow client never saw its connection close');
  const complete = (await slow.received(0)).split('\n').slice(0, -1);
  assert.ok(complete.length < sent, `slow received all ${sent} messages`);
  complete.forEach((line, index) => assert.equal(line, `RECEIVE #flood sender ${index} ${TEXT}`));

  await Promise.all([reader, listener, sender].map((user) => user.expectSilence()));
});
