// Which web pages may use the proxy: a WebSocket opened from another site (cross-site WebSocket
// hijacking), with the opaque origin "null" or with no Origin is refused with 403, unless the
// origin is listed with --allow-origin. The web app's files come with headers that stop
// framing, sniffing and foreign scripts, and nothing says which server software answers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startChatd, startWsproxy } from '../lib/processes.mjs';
import { WsClient } from '../lib/ws_client.mjs';

let chatd;
let proxy;
let open;

before(async () => {
  chatd = await startChatd();
  proxy = await startWsproxy(chatd.port);
  open = await startWsproxy(chatd.port, ['--allow-origin', 'https://chat.example']);
});
after(async () => {
  await proxy.stop();
  await open.stop();
  await chatd.stop();
});

async function refused(port, origin) {
  await assert.rejects(WsClient.connect(port, '/ws', origin), /Unexpected server response: 403/,
    `origin ${origin}`);
}

async function works(port, origin) {
  const client = await WsClient.connect(port, '/ws', origin);
  client.send({ type: 'command', action: 'rooms' });
  assert.equal((await client.frame()).command, 'rooms');
  client.close();
}

test('a page of the proxy\'s own host may connect; other sites, "null" and no Origin may not', async () => {
  await works(proxy.port, `http://127.0.0.1:${proxy.port}`);
  await works(proxy.port, `HTTP://127.0.0.1:${proxy.port}`);
  await refused(proxy.port, 'https://evil.example');
  await refused(proxy.port, `http://127.0.0.1:${proxy.port + 1}`);
  await refused(proxy.port, `http://localhost.evil.example:${proxy.port}`);
  await refused(proxy.port, 'null');
  await refused(proxy.port, null);
});

test('--allow-origin adds an origin, and only that one', async () => {
  await works(open.port, 'https://chat.example');
  await works(open.port, `http://127.0.0.1:${open.port}`);
  await refused(open.port, 'https://chat.example.evil');
  await refused(open.port, 'http://chat.example');
});

function head(port, path) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (response) => {
      response.resume();
      response.on('end', () => resolve(response));
    }).on('error', reject);
  });
}

test('the web app is served with security headers and no server banner', async () => {
  const page = await head(proxy.port, '/');
  assert.equal(page.statusCode, 200);
  const policy = page.headers['content-security-policy'];
  assert.match(policy, /default-src 'self'/);
  assert.match(policy, /frame-ancestors 'none'/);
  assert.match(policy, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${proxy.port} `));
  assert.equal(page.headers['x-frame-options'], 'DENY');
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  assert.equal(page.headers.server, undefined);
  assert.equal((await head(proxy.port, '/nothing-here')).headers.server, undefined);
});
