// Who gets a session, and for how long without logging in: per-address and total connection
// caps on both listeners (a trusted proxy exempt), a login deadline that also ends slowloris,
// and the PROXY line through which only a trusted proxy names its client's address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient, errorLine } from '../lib/chat_client.mjs';
import { IrcClient, parse } from '../lib/irc_client.mjs';
import { spawnSync } from 'node:child_process';
import { binaries, startChatd } from '../lib/processes.mjs';

async function connections(port, count, Client = ChatClient) {
  return Promise.all(Array.from({ length: count }, () => Client.connect(port)));
}

test('an address past --max-per-address is told and closed, on each listener; one leaving makes room', async (t) => {
  const chatd = await startChatd(['--trusted-proxy', 'none', '--max-per-address', '3']);
  t.after(() => chatd.stop());
  const open = await connections(chatd.port, 3);
  for (const client of open) await client.expectAlive();
  const extra = await ChatClient.connect(chatd.port);
  assert.equal(await extra.line(), errorLine('plain', '*', 'too-many-connections'));
  assert.ok(await extra.waitClosed());

  const ircs = await connections(chatd.ircPort, 3, IrcClient);
  const ircExtra = await IrcClient.connect(chatd.ircPort);
  assert.equal(await ircExtra.line(), 'ERROR :Closing link: Too many connections; try again later.');
  assert.ok(await ircExtra.waitClosed());

  // Once chatd has seen one close, a new connection from the address is admitted.
  open[0].close();
  let again;
  let admitted = false;
  for (let attempt = 0; attempt < 20 && !admitted; attempt += 1) {
    again = await ChatClient.connect(chatd.port);
    again.send('PING in');
    admitted = await again.line() === 'PONG in';
    if (!admitted) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.ok(admitted, 'no room was made');
  for (const client of [...open, ...ircs, again]) client.close();
});

test('--max-connections caps a listener whatever the address', async (t) => {
  const chatd = await startChatd(['--max-connections', '2']);
  t.after(() => chatd.stop());
  const open = await connections(chatd.port, 2);
  for (const client of open) await client.expectAlive();
  const extra = await ChatClient.connect(chatd.port);
  assert.equal(await extra.line(), errorLine('plain', '*', 'too-many-connections'));
  for (const client of open) client.close();
});

test('a connection that has not logged in by --login-timeout is closed, slowloris too', async (t) => {
  const chatd = await startChatd(['--trusted-proxy', 'none', '--login-timeout', '1']);
  t.after(() => chatd.stop());
  const idle = await ChatClient.connect(chatd.port);
  const slow = await ChatClient.connect(chatd.port);
  const member = await ChatClient.connect(chatd.port);
  member.send('USERNAME punctual');
  const irc = await IrcClient.connect(chatd.ircPort);
  irc.send('NICK lingerer');
  // A byte every 200 ms, never a whole line.
  const drip = setInterval(() => slow.write('x'), 200);
  t.after(() => clearInterval(drip));
  const started = performance.now();
  assert.equal(await idle.line(3000), errorLine('plain', '*', 'login-timeout'));
  assert.ok(await idle.waitClosed());
  assert.ok(await slow.waitClosed(3000));
  const elapsed = performance.now() - started;
  assert.ok(elapsed > 700 && elapsed < 2500, `closed after ${elapsed} ms`);
  const closing = parse(await irc.lineMatching(/^ERROR/, 3000));
  assert.match(closing.params[0], /Registration timeout/);
  // The one that logged in stays.
  await member.expectAlive();
  member.close();
});

test('after LOGOUT the login deadline runs again; logging in again stops it', async (t) => {
  const chatd = await startChatd(['--trusted-proxy', 'none', '--login-timeout', '1']);
  t.after(() => chatd.stop());
  const lapsed = await ChatClient.connect(chatd.port);
  const returning = await ChatClient.connect(chatd.port);
  // Plain mode: no presence events between the lines the test reads.
  await lapsed.login('lapsed');
  await returning.login('returning');
  // Well past the first deadline: both are logged in and stay.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  for (const client of [lapsed, returning]) {
    await client.expectAlive();
    await client.logout();
  }
  const loggedOut = performance.now();
  await returning.login('returning');
  assert.equal(await lapsed.line(3000), errorLine('plain', '*', 'login-timeout'));
  assert.ok(await lapsed.waitClosed());
  const elapsed = performance.now() - loggedOut;
  assert.ok(elapsed > 700 && elapsed < 2500, `closed ${elapsed} ms after LOGOUT`);
  await returning.expectAlive();
  returning.close();
});

test('only a trusted proxy may name its client with PROXY; it is exempt from the caps', async (t) => {
  // Loopback is trusted by default (wsproxy beside chatd).
  const chatd = await startChatd(['--max-per-address', '2', '--login-timeout', '1']);
  t.after(() => chatd.stop());
  const proxied = await connections(chatd.port, 4);
  for (const [i, client] of proxied.entries()) {
    client.send(`PROXY 203.0.113.${i + 1}`);
    await client.expectAlive();  // the PROXY line is the transport's: no answer, no error
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
  for (const client of proxied) await client.expectAlive();  // no login deadline either
  for (const client of proxied) client.close();

  const untrusted = await startChatd(['--trusted-proxy', '10.0.0.0/8']);
  t.after(() => untrusted.stop());
  const client = await ChatClient.connect(untrusted.port);
  client.send('PROXY 203.0.113.1');
  assert.equal(await client.line(), errorLine('plain', '*', 'unknown-command'));
  client.close();
});

test('chatd and wsproxy raise their open-files limit to the hard limit and say what it allows', async () => {
  const hard = spawnSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim();
  for (const [binary, args, pattern] of [
    [binaries.chatd, '--port 0 --no-store --no-irc', /^chatd: (\d+) open files allowed: about \d+ connections/m],
    [binaries.wsproxy, '--port 0 --upstream 127.0.0.1:9', /^wsproxy: (\d+) open files allowed: about \d+ browsers/m],
  ]) {
    // Started with a soft limit of 256; killed once it has said how many it allows.
    const output = spawnSync('bash', ['-c', `ulimit -Sn 256; ${binary} ${args} & sleep 1; kill $!`],
      { encoding: 'utf8', timeout: 10000 }).stdout;
    const match = pattern.exec(output);
    assert.ok(match, output);
    assert.equal(match[1], hard === 'unlimited' ? match[1] : hard);
  }
});
