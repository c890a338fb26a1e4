// wsproxy at its open-files limit: connections it cannot accept wait in the kernel's queue while
// wsproxy backs off (instead of retrying accept at once, forever, at 100% of a core), logs why,
// and takes browsers again as soon as descriptors are free.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { startChatd, startWsproxy } from '../lib/processes.mjs';
import { WsClient } from '../lib/ws_client.mjs';

const OPEN_FILES = 48;
// Out of descriptors, the sanitizers' own checks fail (UBSan opens a pipe to test memory before
// it reads a vtable) and report errors that are not the program's: this runs in the plain build.
const skip = process.env.CHAT_SANITIZED === '1' ? 'the sanitizers need descriptors of their own' : false;
let chatd;
let proxy;

before(async () => {
  if (skip) return;
  chatd = await startChatd();
  proxy = await startWsproxy(chatd.port, [], { openFiles: OPEN_FILES });
});
after(async () => {
  await proxy?.stop();
  await chatd?.stop();
});

// Seconds of CPU the process has used (user + system).
function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;  // utime, stime in clock ticks
}

async function login(nickname) {
  const client = await WsClient.connect(proxy.port);
  client.send({ type: 'login', nickname });
  const reply = await client.frameMatching((frame) => frame.type === 'reply' || frame.type === 'error');
  return { client, reply };
}

test('wsproxy says how many browsers its limit allows', { skip }, () => {
  assert.match(proxy.stderr(), new RegExp(`wsproxy: ${OPEN_FILES} open files allowed`));
});

test('out of descriptors, wsproxy waits without spinning, says so, and recovers', { skip }, async (t) => {
  // Idle TCP connections (no HTTP yet) hold one descriptor each: more than the limit.
  const idle = [];
  for (let i = 0; i < OPEN_FILES + 16; i += 1) {
    idle.push(await new Promise((resolve, reject) => {
      const socket = net.connect({ port: proxy.port, host: '127.0.0.1' }, () => resolve(socket));
      socket.once('error', reject);
    }));
  }
  try {
    const pid = proxy.process.pid;
    const before = cpuSeconds(pid);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const used = cpuSeconds(pid) - before;
    t.diagnostic(`CPU used at the limit: ${used.toFixed(2)} s in 2 s`);
    assert.ok(used < 0.4, `wsproxy used ${used.toFixed(2)} s of CPU in 2 s at its limit`);
    assert.match(proxy.stderr(), /wsproxy: accept failed \(Too many open files\); \d+ WebSockets open; retrying/);
  } finally {
    for (const socket of idle) socket.destroy();
  }
  // Descriptors free again: a browser gets in.
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      const { client, reply } = await login('after');
      assert.equal(reply.type, 'reply');
      client.socket.close();
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
});
