// The console client with accounts and history: /register, /login as the first line, recent
// history shown on joining a room, /history [n], and a reconnect that resumes the account's
// session instead of asking for the password again.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startChatd } from '../lib/processes.mjs';
import { ChatPool, fields } from '../lib/chat_client.mjs';
import { CliProcess } from '../lib/cli_process.mjs';

let chatd;
let pool;
const clients = [];

before(async () => {
  chatd = await startChatd();
  pool = new ChatPool(chatd.port);
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.kill();
  await pool.closeAll();
});
after(() => chatd.stop());

function cli(args) {
  const client = CliProcess.start(chatd.port, args);
  clients.push(client);
  return client;
}

function timed(text) {
  return new RegExp(`^\\[\\d\\d:\\d\\d\\] ${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

async function say(client, target, texts) {
  for (const text of texts) {
    client.send(`MSG ${target} ${text}`);
    assert.match(await client.lineMatching(/^(OK|ERROR) MSG/), /^OK MSG /);
  }
}

test('/register, then /login from another client gets the same account and its rooms', async () => {
  const mia = cli(['--nick', 'mia']);
  mia.send('/join #studio');
  mia.send('/register correct-horse');
  await mia.line('-!- mia is now your account: /login mia <password> from anywhere');
  mia.end();
  assert.deepEqual(await mia.exited(), { code: 0, signal: null });

  const again = cli([]);
  again.send('/login mia correct-horse');
  again.send('/to #studio');
  again.send('back in the studio');
  again.end();
  assert.deepEqual(await again.exited(), { code: 0, signal: null });
  assert.ok(again.stdout.includes('-!- logged in as mia'), again.stdout.join('\n'));
  // The room came back with the account, so the line went there, not to everyone.
  assert.ok(again.stdout.some((line) => timed('#studio <mia> back in the studio').test(line)),
    again.stdout.join('\n'));
  // The password is never echoed, not even in an error.
  assert.ok(!again.stdout.concat(again.stderr).join('\n').includes('correct-horse'));
});

test('a wrong password: a clear error, exit 1, and the password is not shown', async () => {
  const owner = cli(['--nick', 'noor']);
  owner.send('/register correct-horse');
  await owner.line('-!- noor is now your account: /login noor <password> from anywhere');
  const wrong = cli([]);
  wrong.send('/login noor wrong-password');
  assert.deepEqual(await wrong.exited(), { code: 1, signal: null });
  assert.match(wrong.stderr, /cannot log in as noor: Wrong nickname or password\./);
  assert.ok(!wrong.stdout.concat(wrong.stderr).join('\n').includes('wrong-password'));
});

test('joining a room shows what was said there lately; /history shows more', async () => {
  const writer = await pool.rich('writer');
  writer.send('JOIN #diary');
  await writer.lineMatching(/^OK JOIN #diary$/);
  const texts = Array.from({ length: 15 }, (_, i) => `entry ${i}`);
  await say(writer, '#diary', texts);

  const reader = cli(['--nick', 'reader']);
  reader.send('/join #diary');
  reader.send('/history 15');
  reader.end();
  assert.deepEqual(await reader.exited(), { code: 0, signal: null });
  const shown = reader.stdout.filter((line) => / #diary <writer> entry \d+$/.test(line))
    .map((line) => line.replace(/^.* <writer> /, ''));
  // Ten on joining, then all fifteen asked for.
  assert.deepEqual(shown, [...texts.slice(5), ...texts]);
  assert.ok(reader.stdout.includes('-!- 15 messages of #diary'), reader.stdout.join('\n'));
});

test('after chatd restarts, an account is resumed with its token and stays in its rooms', async () => {
  const own = await startChatd();
  const port = own.port;
  let restarted;
  const dbArgs = [];
  try {
    // A database that outlives the first chatd: use the same file for the second.
    const dbIndex = own.process.spawnargs.indexOf('--db');
    dbArgs.push('--db', own.process.spawnargs[dbIndex + 1]);
    const olive = CliProcess.start(port, ['--nick', 'olive']);
    clients.push(olive);
    olive.send('/join #loft');
    olive.send('/register correct-horse');
    await olive.line('-!- olive is now your account: /login olive <password> from anywhere');
    olive.send('/logout');
    await olive.line('-!- logged out');
    olive.send('/login olive correct-horse');
    await olive.line('-!- logged in as olive', { from: olive.stdout.length - 1 });
    const switched = olive.stderr.length;
    olive.send('/to #loft');
    await olive.stderrMatching(/-!- now talking in #loft\n$/);
    assert.ok(olive.stderr.length > switched);

    // Stop chatd without removing its database, and start another on it.
    own.process.kill('SIGTERM');
    await new Promise((resolve) => own.process.once('exit', resolve));
    await olive.stderrMatching(/lost the connection/);
    const before = olive.stdout.length;
    restarted = await startChatd(['--port', String(port), ...dbArgs]);
    await olive.line('-!- logged in as olive', { from: before, timeoutMs: 10000 });
    const observer = new ChatPool(port);
    try {
      const pia = await observer.rich('pia');
      pia.send('JOIN #loft');
      await pia.lineMatching(/^OK JOIN #loft$/);
      olive.send('still in the loft');
      const line = await pia.lineMatching(/^MESSAGE /);
      const [, , , target, , from, text] = fields(line, 7);
      assert.deepEqual([target, from, text], ['#loft', 'olive', 'still in the loft']);
    } finally {
      await observer.closeAll();
    }
    assert.doesNotMatch(olive.stderr, /already in that room/);
  } finally {
    await restarted?.stop();
    await own.stop();
  }
});
