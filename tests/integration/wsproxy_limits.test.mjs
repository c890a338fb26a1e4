// wsproxy's own limits: a chatd that stops answering gives each browser an error within three
// heartbeats instead of a silent wait; a healthy quiet connection lives on and never sees the
// heartbeat; one browser address may hold only so many WebSockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startChatd, startWsproxy } from '../lib/processes.mjs';
import { WsClient } from '../lib/ws_client.mjs';

test('a frozen chatd gives the browser upstream-unavailable and close 1011 within three heartbeats', async (t) => {
  const chatd = await startChatd();
  const proxy = await startWsproxy(chatd.port, ['--heartbeat', '1']);
  t.after(async () => {
    chatd.process.kill('SIGCONT');
    await proxy.stop();
    await chatd.stop();
  });
  const browser = await WsClient.connect(proxy.port);
  browser.send({ type: 'login', nickname: 'frozenout' });
  assert.equal((await browser.frame()).command, 'login');
  chatd.process.kill('SIGSTOP');
  const started = performance.now();
  const error = await browser.frameMatching((frame) => frame.type === 'error', 6000);
  assert.equal(error.code, 'upstream-unavailable');
  assert.equal((await browser.closed(5000))?.code, 1011);
  const elapsed = performance.now() - started;
  t.diagnostic(`told after ${elapsed.toFixed(0)} ms`);
  assert.ok(elapsed < 4000, `${elapsed} ms`);
});

test('a quiet healthy connection outlives many heartbeats and never sees them', async (t) => {
  const chatd = await startChatd();
  const proxy = await startWsproxy(chatd.port, ['--heartbeat', '1']);
  t.after(async () => {
    await proxy.stop();
    await chatd.stop();
  });
  const browser = await WsClient.connect(proxy.port);
  browser.send({ type: 'login', nickname: 'patient' });
  assert.equal((await browser.frame()).command, 'login');
  await new Promise((resolve) => setTimeout(resolve, 3500));
  browser.send({ type: 'command', action: 'rooms' });
  // The very next frame answers ROOMS: no heartbeat answer came through meanwhile.
  assert.equal((await browser.frame()).command, 'rooms');
  browser.close();
});

test('one address may hold --max-per-address WebSockets; a closed one makes room', async (t) => {
  const chatd = await startChatd();
  const proxy = await startWsproxy(chatd.port, ['--max-per-address', '2']);
  t.after(async () => {
    await proxy.stop();
    await chatd.stop();
  });
  const first = await WsClient.connect(proxy.port);
  const second = await WsClient.connect(proxy.port);
  await assert.rejects(WsClient.connect(proxy.port), /Unexpected server response: 429/);
  first.close();
  await first.closed(3000);
  let third;
  for (let attempt = 0; attempt < 20 && !third; attempt += 1) {
    third = await WsClient.connect(proxy.port).catch(() => undefined);
    if (!third) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.ok(third, 'no room was made');
  second.close();
  third.close();
});
