// wsproxy over TLS at both ends: browsers get HTTPS and WSS, and wsproxy reaches chatd's TLS port,
// checking chatd's certificate for the --upstream host. A wsproxy that does not trust chatd's
// certificate tells the browser so instead of sending anything in the clear.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import WebSocket from 'ws';
import { ChatPool, parseMessage } from '../lib/chat_client.mjs';
import { startChatd, startWsproxy } from '../lib/processes.mjs';
import { makeCertificates } from '../lib/test_certificates.mjs';
import { WsClient } from '../lib/ws_client.mjs';

const certificates = makeCertificates();
const ca = fs.readFileSync(certificates.ca);
const tlsFiles = ['--tls-cert', certificates.certificate, '--tls-key', certificates.key];
let chatd;
let proxy;
let pool;
const sockets = [];

before(async () => {
  chatd = await startChatd([...tlsFiles, '--tls-port', '0', '--irc-tls-port', '0']);
  proxy = await startWsproxy(chatd.tlsPort,
    [...tlsFiles, '--upstream-tls', '--upstream-ca', certificates.ca]);
  pool = new ChatPool(chatd.port);
});
after(async () => {
  for (const socket of sockets) socket.terminate();
  await pool?.closeAll();
  await proxy?.stop();
  await chatd?.stop();
  certificates.remove();
});

// A WebSocket as the page at `origin` would open it, trusting the test authority.
function wss(port, origin = `https://localhost:${port}`) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`wss://localhost:${port}/ws`, { origin, ca });
    sockets.push(socket);
    const client = new WsClient(socket);
    socket.once('open', () => resolve(client));
    socket.once('error', reject);
  });
}

test('the web app is served over HTTPS, with WSS allowed by its policy', async () => {
  const response = await new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', servername: 'localhost', port: proxy.port, path: '/', ca,
      headers: { host: `localhost:${proxy.port}` } }, resolve).on('error', reject);
  });
  let body = '';
  for await (const chunk of response) body += chunk;
  assert.equal(response.statusCode, 200);
  assert.match(body, /<html/i);
  assert.match(response.headers['content-security-policy'], new RegExp(`wss://localhost:${proxy.port}`));
});

test('a browser on WSS talks with a client in the clear, through TLS to chatd', async () => {
  const bob = await pool.rich('bob');
  const alice = await wss(proxy.port);
  alice.send({ type: 'login', nickname: 'alice' });
  assert.equal((await alice.frameMatching((f) => f.type === 'reply')).nickname, 'alice');
  alice.send({ type: 'message', target: '*', message: 'hello through two TLS hops' });
  const message = parseMessage(await bob.lineMatching(/^MESSAGE /));
  assert.deepEqual([message.from, message.text], ['alice', 'hello through two TLS hops']);
  bob.send('MSG * hello back');
  const back = await alice.frameMatching((f) => f.type === 'message' && f.nickname === 'bob');
  assert.equal(back.message, 'hello back');
});

test('chatd sees the browser address through a TLS upstream, not the proxy as a client', async () => {
  // The PROXY line goes first over the TLS connection as well: chatd counts the browser's
  // address, so the proxy's many sockets are not refused as one address's.
  const clients = [];
  for (let i = 0; i < 3; i += 1) clients.push(await wss(proxy.port));
  for (const [i, client] of clients.entries()) {
    client.send({ type: 'login', nickname: `many${i}` });
    assert.equal((await client.frameMatching((f) => f.type === 'reply')).nickname, `many${i}`);
  }
});

test('a wsproxy that does not trust chatd\'s certificate gives the browser an error', async () => {
  const wary = await startWsproxy(chatd.tlsPort, ['--upstream-tls', '--upstream-ca', certificates.otherCa]);
  try {
    const client = await WsClient.connect(wary.port);
    const error = await client.frameMatching((f) => f.type === 'error', 6000);
    assert.equal(error.code, 'upstream-unavailable');
    assert.match(error.message, /TLS with the chat server failed: certificate verify failed/);
    assert.equal((await client.closed()).code, 1011);
  } finally {
    await wary.stop();
  }
});

test('wsproxy will not start with a key that does not match its certificate', async () => {
  await assert.rejects(startWsproxy(chatd.port, ['--tls-cert', certificates.certificate,
    '--tls-key', certificates.ca.replace('test-ca.pem', 'other-ca.key')]),
  /wsproxy exited with 1: wsproxy: TLS key \S*other-ca.key: key values mismatch/);
});
