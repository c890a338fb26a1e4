// chatd's TLS listeners, with a certificate from a throw-away authority: `openssl s_client` is to
// the TLS port what nc is to the plain one (seed 002's session, over TLS); IRC clients have a TLS
// port of their own; all share rooms with clients in the clear. A client that does not speak
// TLS, or never finishes its handshake, is closed without costing anyone else anything.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { ChatPool, parseMessage } from '../lib/chat_client.mjs';
import { IrcClient } from '../lib/irc_client.mjs';
import { LineClient } from '../lib/line_client.mjs';
import { binaries, startChatd } from '../lib/processes.mjs';
import { makeCertificates } from '../lib/test_certificates.mjs';

const certificates = makeCertificates();
const ca = fs.readFileSync(certificates.ca);
let chatd;
let pool;
const children = [];
const sockets = [];  // clients that are not the pool's ChatClients

before(async () => {
  chatd = await startChatd(['--tls-cert', certificates.certificate, '--tls-key', certificates.key,
    '--tls-port', '0', '--irc-tls-port', '0', '--login-timeout', '2', '--trusted-proxy', 'none']);
  pool = new ChatPool(chatd.port);
});
after(async () => {
  for (const child of children) child.kill();
  for (const client of sockets) client.socket.destroy();
  await pool?.closeAll();
  await chatd?.stop();
  certificates.remove();
});

// openssl s_client as a person would run it, checking chatd's certificate; its output so far.
function sClient(port) {
  const child = spawn('openssl', ['s_client', '-quiet', '-verify_return_error', '-CAfile',
    certificates.ca, '-verify_hostname', 'localhost', '-connect', `127.0.0.1:${port}`]);
  children.push(child);
  const session = { child, output: '', send: (line) => child.stdin.write(`${line}\n`) };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => { session.output += chunk; });
  child.stderr.resume();
  return session;
}

async function until(check, what, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('chatd says where its TLS listeners are', () => {
  assert.ok(chatd.tlsPort, chatd.stderr());
  assert.ok(chatd.ircTlsPort, chatd.stderr());
  assert.notEqual(chatd.tlsPort, chatd.port);
});

test("openssl s_client replays seed 002's session over TLS with an nc user in the clear", async () => {
  const jeff = await pool.plain();
  const teixe = sClient(chatd.tlsPort);
  teixe.send('USERNAME teixe');
  teixe.send('USERNAME not valid');
  await until(() => teixe.output.includes('\n'), 'the error');
  assert.equal(teixe.output, 'ERROR Username contains empty spaces.\n');
  await jeff.login('jeff');
  teixe.send('SEND hi');
  await jeff.expectLine('RECEIVE teixe hi');
  jeff.send('SEND bye');
  await until(() => teixe.output.includes('RECEIVE jeff bye'), "jeff's message");
  assert.equal(teixe.output, 'ERROR Username contains empty spaces.\nRECEIVE jeff bye\n');
});

test('an IRC client on the TLS port talks with a rich client in the clear', async () => {
  const bob = await pool.rich('bob');
  const irc = await IrcClient.connectTls(chatd.ircTlsPort, ca);
  sockets.push(irc);
  await irc.register('ircalice');
  await bob.lineMatching(/ ONLINE \* \S+ ircalice$/);
  irc.send('PRIVMSG bob :secret over TLS');
  const message = parseMessage(await bob.lineMatching(/^MESSAGE /));
  assert.deepEqual([message.target, message.from, message.text], ['@bob', 'ircalice', 'secret over TLS']);
  bob.send('MSG @ircalice and back');
  assert.match(await irc.lineMatching(/ PRIVMSG /), /^:bob!\S+ PRIVMSG ircalice :and back$/);
});

test('a client that checks the name refuses a certificate for another authority', async () => {
  await assert.rejects(new Promise((resolve, reject) => {
    const socket = tls.connect({ port: chatd.tlsPort, host: '127.0.0.1', servername: 'localhost',
      ca: fs.readFileSync(certificates.otherCa) }, resolve);
    socket.once('error', (error) => { socket.destroy(); reject(error); });
  }), /self.signed|unable to verify|certificate/i);
  const probe = await pool.rich('probe1');
  await probe.expectAlive();
});

test('clear text on the TLS port is closed, and the server goes on', async () => {
  const stray = await LineClient.connect(chatd.tlsPort);
  sockets.push(stray);
  stray.send('USERNAME plaintext');
  await stray.waitClosed();
  assert.equal(stray.buffer.toString().includes('plaintext'), false);
  const probe = await LineClient.connectTls(chatd.tlsPort, ca);
  sockets.push(probe);
  probe.send('PING alive');
  assert.equal(await probe.line(), 'PONG alive');
});

test('a connection that never finishes its handshake is closed at the login deadline', async () => {
  const started = Date.now();
  const silent = net.connect({ port: chatd.tlsPort, host: '127.0.0.1' });
  silent.on('error', () => {});
  await new Promise((resolve) => silent.once('close', resolve));
  const waited = Date.now() - started;
  assert.ok(waited >= 1500 && waited < 5000, `closed after ${waited} ms`);
});
