// How chatd cuts the byte stream into lines: split reads, several lines per read, CRLF, blank
// lines, case-insensitive command words and over-long lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatdPool, errorLine } from '../lib/chat_client.mjs';

const pool = chatdPool();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function writeByteByByte(client, bytes) {
  for (const byte of Buffer.from(bytes)) {
    client.write(Buffer.of(byte));
    await sleep(2);
  }
}

test('a command sent one byte at a time, splitting a UTF-8 character, is one command', async () => {
  const listener = await pool.plain('listener');
  const typist = await pool.plain('typist');

  await writeByteByByte(typist, 'SEND h\u00e9llo \u2713 one byte at a time\n');

  await listener.expectLine('RECEIVE typist h\u00e9llo \u2713 one byte at a time');
  await typist.expectAlive();
  await listener.expectSilence();
});

test('RICH and PING sent one byte at a time each get their one reply', async () => {
  const client = await pool.connect();
  await writeByteByByte(client, 'RICH\n');
  await client.expectLine('OK RICH');
  client.mode = 'rich';
  await writeByteByByte(client, 'PING bytes\n');
  await client.expectLine('OK PING bytes');
});

test('three commands in one write are all executed, in order', async () => {
  const listener = await pool.plain('trio_listener');
  const sender = await pool.connect();

  sender.write('USERNAME trio\nMSG @trio_listener one\nSEND two\n');

  await listener.expectLines(['RECEIVE @trio_listener trio one', 'RECEIVE trio two']);
  await sender.expectAlive();
});

test('three commands in one write get three rich replies, in order', async () => {
  const client = await pool.connect();
  client.write('RICH\nPING first\nPING second\n');
  await client.expectLines(['OK RICH', 'OK PING first', 'OK PING second']);
});

test('"\\r\\n" line endings: the "\\r" is not part of the command or the text', async () => {
  const listener = await pool.plain('crlf_listener');
  const sender = await pool.connect();

  sender.write('USERNAME crlf\r\nSEND over telnet\r\nPING t\r\n');

  assert.equal(await sender.receivedLines(1), 'PONG t\n');
  assert.equal(await listener.receivedLines(1), 'RECEIVE crlf over telnet\n');
  assert.deepEqual((await listener.list('USERS')).sort(), ['crlf', 'crlf_listener']);
});

test('blank lines (with or without "\\r") are ignored', async () => {
  const client = await pool.connect();
  client.write('\n\r\n\n');
  client.send('PING after-blanks');
  assert.equal(await client.receivedLines(1), 'PONG after-blanks\n');
});

test('command words are case-insensitive, arguments keep their case', async () => {
  const listener = await pool.plain('case_listener');
  const sender = await pool.connect();

  sender.send('username MixedCase');
  sender.send('sEnD Hello There');

  await listener.expectLine('RECEIVE MixedCase Hello There');
  assert.deepEqual((await listener.list('users')).sort(), ['MixedCase', 'case_listener']);
});

for (const mode of ['plain', 'rich']) {
  test(`${mode}: a 1 MiB line gets one "Line too long" error; the connection and others carry on`, async () => {
    const listener = await pool.plain(`big_listener_${mode}`);
    const talker = await pool.plain(`big_talker_${mode}`);
    const flooder = mode === 'rich' ? await pool.rich(`flooder_${mode}`) : await pool.plain(`flooder_${mode}`);

    const written = new Promise((resolve) => flooder.socket.write(Buffer.alloc(1024 * 1024, 'x'), resolve));
    talker.send(`MSG @${listener.nick} during the flood`);
    await listener.expectLine(`RECEIVE @${listener.nick} ${talker.nick} during the flood`);
    await written;
    flooder.send('');
    flooder.send('PING after-the-flood');

    await flooder.expectLine(errorLine(mode, '*', 'line-too-long'));
    await flooder.expectLine(mode === 'rich' ? 'OK PING after-the-flood' : 'PONG after-the-flood');
    talker.send(`MSG @${listener.nick} after the flood`);
    await listener.expectLine(`RECEIVE @${listener.nick} ${talker.nick} after the flood`);
    await flooder.expectSilence();
    await listener.expectSilence();
  });
}

test('a line of exactly 8192 bytes is accepted, one byte more is not', async () => {
  const listener = await pool.plain('limit_listener');
  const sender = await pool.plain('limit_sender');
  const longest = `SEND ${'y'.repeat(8192 - 'SEND '.length)}`;

  sender.send(longest);
  await listener.expectLine(`RECEIVE limit_sender ${longest.slice('SEND '.length)}`);
  sender.send(`${longest}y`);
  await sender.expectError('*', 'line-too-long');
  await sender.expectAlive();
  await listener.expectSilence();
});
