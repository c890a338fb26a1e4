// wsproxy under bad input, a dead chatd, slow browsers, and as a static file server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { chatdWithProxy, startChatd, startWsproxy, stopProcess, webroot } from '../lib/processes.mjs';
import { WsClient } from '../lib/ws_client.mjs';
import { LineClient } from '../lib/line_client.mjs';

// Flood control off: these tests push more through than any user would, on purpose.
const servers = chatdWithProxy(['--no-flood-control']);

function get(port, path, method = 'GET') {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path, method }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, type: response.headers['content-type'], body }));
    });
    request.on('error', reject);
    request.end();
  });
}

function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

test('bad frames get a JSON error and the connection stays usable', async () => {
  const client = await WsClient.connect(servers.proxy.port);
  const cases = [
    ['not json at all', 'invalid-json'],
    ['[1, 2, 3]', 'invalid-frame'],
    ['{"type": 7}', 'invalid-frame'],
    ['{"type": "dance"}', 'unknown-type'],
    ['{"type": "command", "action": "explode", "target": "#x"}', 'unknown-action'],
    ['{"type": "command", "action": "join"}', 'invalid-frame'],
    ['{"type": "message", "target": "#a b", "message": "x"}', 'invalid-target'],
    ['{"type": "login", "nickname": "x\\nQUIT"}', 'invalid-frame'],
    [JSON.stringify({ type: 'message', target: '*', message: 'x'.repeat(20000) }), 'frame-too-large'],
  ];
  for (const [frame, code] of cases) {
    client.send(frame);
    const error = await client.frame();
    assert.equal(error.type, 'error', frame);
    assert.equal(error.code, code, frame);
    assert.equal(typeof error.message, 'string');
    assert.ok(!('command' in error), 'proxy errors name no command');
  }
  client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
  assert.equal((await client.frame()).code, 'invalid-frame');

  client.send({ type: 'login', nickname: 'survivor' });
  assert.equal((await client.frame()).nickname, 'survivor');
  client.close();
});

test('chatd errors pass through for commands before login', async () => {
  const client = await WsClient.connect(servers.proxy.port);
  client.send({ type: 'message', target: '*', message: 'too early' });
  assert.deepEqual(await client.frame(), {
    type: 'error', command: 'message', code: 'username-required',
    message: 'Set a username first with USERNAME <name>.',
  });
  client.close();
});

test('serves the web app with content types, 404s and no path traversal', async () => {
  const index = await get(servers.proxy.port, '/');
  assert.equal(index.status, 200);
  assert.match(index.type, /^text\/html/);
  assert.equal(index.body, readFileSync(`${webroot}/index.html`, 'utf8'));

  const script = await get(servers.proxy.port, '/app.js?v=1');
  assert.equal(script.status, 200);
  assert.match(script.type, /^text\/javascript/);

  for (const path of ['/missing.js', '/../../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc/passwd']) {
    const response = await get(servers.proxy.port, path);
    assert.equal(response.status, 404, path);
    assert.doesNotMatch(response.body, /root:/, path);
  }
  assert.equal((await get(servers.proxy.port, '/', 'POST')).status, 405);
});

test('a browser that stops reading does not grow the proxy; chatd drops it, others go on', async (t) => {
  const slow = await WsClient.connect(servers.proxy.port);
  slow.send({ type: 'login', nickname: 'sleepy' });
  slow.send({ type: 'command', action: 'join', target: '#flood' });
  await slow.frameMatching((f) => f.type === 'reply' && f.command === 'join');
  slow.socket._socket.pause();

  // A plain-mode talker: no echoes, so it only has to read the final PONG.
  const talker = await LineClient.connect(servers.chatd.port);
  talker.send('USERNAME talker');
  talker.send('JOIN #flood');
  talker.send('PING joined');
  assert.equal(await talker.line(), 'PONG joined');

  const before = rssKiB(servers.proxy.process.pid);
  const text = 'y'.repeat(4000);
  const count = 5000; // 20 MB of messages, far more than any buffer on the way
  for (let i = 0; i < count; i += 1) talker.send(`MSG #flood ${text}`);
  talker.send('PING flooded');
  assert.equal(await talker.line(20000), 'PONG flooded');
  const grownKiB = rssKiB(servers.proxy.process.pid) - before;
  t.diagnostic(`wsproxy RSS grew by ${grownKiB} KiB while 20 MB flowed to a stalled browser`);
  // Under AddressSanitizer, RSS mostly measures the allocator's quarantine of freed memory.
  if (process.env.CHAT_SANITIZED !== '1') {
    assert.ok(grownKiB < 12 * 1024, `wsproxy grew by ${grownKiB} KiB`);
  }

  slow.socket._socket.resume();
  const closed = await slow.closed(10000);
  assert.equal(closed?.code, 1011);
  talker.close();
});

test('chatd killed under an open WebSocket: JSON error, close 1011, proxy stays up', async () => {
  const ownChatd = await startChatd();
  const ownProxy = await startWsproxy(ownChatd.port);
  try {
    const client = await WsClient.connect(ownProxy.port);
    client.send({ type: 'login', nickname: 'orphan' });
    assert.equal((await client.frame()).command, 'login');

    ownChatd.process.kill('SIGKILL');
    const error = await client.frame();
    assert.equal(error.type, 'error');
    assert.equal(error.code, 'upstream-unavailable');
    assert.equal((await client.closed()).code, 1011);

    // The proxy still answers: HTTP works and a new WebSocket is told chatd is unreachable.
    assert.equal((await get(ownProxy.port, '/')).status, 200);
    const late = await WsClient.connect(ownProxy.port);
    assert.equal((await late.frame()).code, 'upstream-unavailable');
    assert.equal((await late.closed()).code, 1011);
  } finally {
    await ownProxy.stop();
    await stopProcess(ownChatd.process);  // killed above: its exit status is SIGKILL's
  }
});

test('a browser sending bad frames without reading the errors is closed, not buffered', async () => {
  const client = await WsClient.connect(servers.proxy.port);
  client.socket._socket.pause();
  // Each 1-byte frame earns a ~70-byte error: 300,000 of them would be 21 MB, far more than the
  // kernel's socket buffers take before wsproxy's own buffer has to grow. They go out as one
  // write of ready-made masked frames (mask 0): ws's send() takes seconds for so many, long
  // enough for the close handshake that this test waits for to time out.
  const frame = Buffer.from([0x81, 0x81, 0, 0, 0, 0, 0x78]);
  client.socket._socket.write(Buffer.concat(Array(300000).fill(frame)));
  await new Promise((resolve) => setTimeout(resolve, 2000));
  client.socket._socket.resume();
  assert.equal((await client.closed(10000))?.code, 1008);
});

test('an HTTP request with a large body is refused before it is read', async () => {
  // A GET, which wsproxy serves: the refusal is the body limit's, not the 405 every POST gets.
  const response = await new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: servers.proxy.port, path: '/', method: 'GET',
      headers: { 'Content-Length': String(30 * 1024 * 1024) } }, resolve);
    request.on('error', reject);
    request.write('x'.repeat(64 * 1024));
  });
  assert.equal(response.statusCode, 413);
  response.resume();
  // The same GET with no body is served.
  assert.equal((await get(servers.proxy.port, '/')).status, 200);
});

test('a WebSocket frame over 1 MiB closes the connection with 1009; others carry on', async () => {
  const big = await WsClient.connect(servers.proxy.port);
  // Only the header of a text frame of 1 MiB + 1 bytes (masked, 64-bit length) and a little of
  // its payload: wsproxy refuses it from the header alone, and with nothing left unread its close
  // frame reaches us (the whole megabyte could make the close a reset instead).
  const header = Buffer.alloc(14);
  header[0] = 0x81;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(1024 * 1024 + 1), 2);
  big.socket._socket.write(Buffer.concat([header, Buffer.from('xxxx')]));
  assert.equal((await big.closed(5000))?.code, 1009);
  const other = await WsClient.connect(servers.proxy.port);
  other.send({ type: 'command', action: 'rooms' });
  assert.equal((await other.frame()).command, 'rooms');
  other.close();
});

test('a chatd that stops reading holds the browser back instead of growing the proxy', async (t) => {
  const ownChatd = await startChatd(['--no-flood-control']);
  const ownProxy = await startWsproxy(ownChatd.port);
  try {
    const browser = await WsClient.connect(ownProxy.port);
    browser.send({ type: 'login', nickname: 'pusher' });
    assert.equal((await browser.frame()).command, 'login');
    // A frozen chatd reads nothing: wsproxy must stop reading the browser, not buffer for it.
    ownChatd.process.kill('SIGSTOP');
    const before = rssKiB(ownProxy.process.pid);
    const frame = Buffer.from(JSON.stringify({ type: 'message', target: '*', message: 'p'.repeat(8000) }));
    const header = Buffer.from([0x81, 0xfe, frame.length >> 8, frame.length & 0xff, 0, 0, 0, 0]);
    // 2,500 frames of 8 KB (masked with 0): 20 MB offered while chatd is frozen.
    const raw = browser.socket._socket;
    let offered = 0;
    for (let i = 0; i < 2500; i += 1) {
      raw.write(Buffer.concat([header, frame]));
      offered += frame.length;
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const grownKiB = rssKiB(ownProxy.process.pid) - before;
    t.diagnostic(`wsproxy RSS grew by ${grownKiB} KiB while a browser offered ${offered >> 20} MiB to a frozen chatd`);
    // The browser's own socket is what holds the rest: its writes were not all taken.
    assert.ok(raw.writableLength > 10 * 1024 * 1024, `only ${raw.writableLength} bytes held back`);
    if (process.env.CHAT_SANITIZED !== '1') {
      assert.ok(grownKiB < 12 * 1024, `wsproxy grew by ${grownKiB} KiB`);
    }
    ownChatd.process.kill('SIGCONT');
    // Once chatd reads again, everything goes through: the acknowledgements all come back.
    let acknowledged = 0;
    while (acknowledged < 2500) {
      const reply = await browser.frameMatching((f) => f.type === 'reply' || f.type === 'error', 20000);
      assert.equal(reply.command, 'message', JSON.stringify(reply));
      acknowledged += 1;
    }
    browser.close();
  } finally {
    ownChatd.process.kill('SIGCONT');
    await ownProxy.stop();
    await ownChatd.stop();
  }
});
