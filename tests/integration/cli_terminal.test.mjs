// The console client on a real terminal: tmux gives it a pseudo-terminal (120x30) and shows what
// a person would see. Messages arriving while a line is half typed must leave the typed text
// intact under them, however long and wide; Tab completes nicknames; Ctrl-R finds an earlier
// line; Ctrl-D leaves, with the terminal as it was.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { binaries, startChatd } from '../lib/processes.mjs';
import { ChatPool, parseMessage } from '../lib/chat_client.mjs';
import { Screen, hasTmux } from '../lib/tmux_screen.mjs';

// A missing tool must turn the suite red, not skip it quietly.
test('tmux is installed (apt-get install -y tmux)', () => assert.ok(hasTmux, 'tmux is missing'));

let chatd;
let pool;
let screens = [];

before(async () => {
  if (!hasTmux) return;
  chatd = await startChatd();
  pool = new ChatPool(chatd.port);
});
afterEach(async () => {
  for (const screen of screens.splice(0)) screen.close();
  await pool?.closeAll();
});
after(() => chatd?.stop());

// `then`: a shell command run in the same terminal once chat has exited; `env`: VAR=value words.
function chat(args, { then, env = [] } = {}) {
  const quoted = [binaries.cli, '--host', '127.0.0.1', '--port', String(chatd.port), ...args]
    .map((word) => `'${word}'`).join(' ');
  const screen = new Screen(`env LANG=C.UTF-8 ${env.join(' ')} ${quoted}${then ? `; ${then}` : ''}`);
  screens.push(screen);
  return screen;
}

const lastLine = (lines) => lines.at(-1) ?? '';
const count = (lines, text) => lines.filter((line) => line.includes(text)).length;

test('a message arriving mid-typing leaves the half-typed line intact, and both are visible', { skip: !hasTmux }, async () => {
  const bob = await pool.rich('bob');
  const screen = chat(['--nick', 'alice']);
  await screen.until((lines) => lastLine(lines) === 'everyone>', 'the prompt');
  await bob.lineMatching(/ ONLINE \* \S+ alice$/);

  screen.type('half typed, not sent');
  await screen.until((lines) => lastLine(lines) === 'everyone> half typed, not sent', 'the typed text');

  bob.send('MSG * hello from bob');
  // The message is printed, then the typed line drawn again: a screen taken between the two
  // shows no input line yet, so wait for both.
  const lines = await screen.until((l) => l.some((line) => / \* bob: hello from bob$/.test(line)) &&
    lastLine(l) === 'everyone> half typed, not sent', "bob's message above the typed line");
  assert.equal(count(lines, 'half typed'), 1, lines.join('\n'));
  assert.match(lines.at(-2), /^\[\d\d:\d\d\] \* bob: hello from bob$/);

  screen.type(' - now it is');
  screen.press('Enter');
  const sent = parseMessage(await bob.lineMatching(/^MESSAGE \S+ \S+ \S+ \S+ alice /));
  assert.deepEqual([sent.target, sent.text], ['*', 'half typed, not sent - now it is']);

  // The typed line gives way to chatd's echo of it; a fresh prompt waits below.
  const after = await screen.until((l) => l.some((line) => line.endsWith('* alice: half typed, not sent - now it is')), 'the echo');
  assert.equal(lastLine(after), 'everyone>');
  assert.equal(count(after, 'half typed'), 1, after.join('\n'));
});

test('a long line wrapping over two rows survives a message too', { skip: !hasTmux }, async () => {
  const bob = await pool.rich('bob');
  const screen = chat(['--nick', 'alice']);
  await screen.until((lines) => lastLine(lines) === 'everyone>', 'the prompt');
  await bob.lineMatching(/ ONLINE \* \S+ alice$/);

  const long = `${'0123456789'.repeat(14)}end`;  // 143 + the prompt: two rows of 120
  screen.type(long);
  await screen.until((lines) => lastLine(lines).endsWith('end'), 'the long line');
  bob.send('MSG * interruption');
  const lines = await screen.until((l) => l.some((line) => line.endsWith('* bob: interruption')) &&
    l.slice(-2).join('') === `everyone> ${long}`, "bob's message above the typed line");
  assert.match(lines.at(-3), / \* bob: interruption$/);
  assert.equal(count(lines, '0123456789'), 2, lines.join('\n'));  // the two rows, nothing stale
});

test('Tab completes nicknames, /join switches the conversation, Ctrl-D leaves', { skip: !hasTmux }, async () => {
  const bob = await pool.rich('bobby_tables');
  const screen = chat(['--nick', 'alice']);
  await screen.until((lines) => lastLine(lines) === 'everyone>', 'the prompt');

  screen.type('/msg bob');
  screen.press('Tab');
  await screen.until((lines) => lastLine(lines) === 'everyone> /msg bobby_tables', 'the completed name');
  screen.type('secret');
  screen.press('Enter');
  const message = parseMessage(await bob.lineMatching(/^MESSAGE /));
  assert.deepEqual([message.target, message.from, message.text], ['@bobby_tables', 'alice', 'secret']);

  screen.type('/join #tea');
  screen.press('Enter');
  await screen.until((lines) => lastLine(lines) === '#tea>', 'the #tea prompt');

  screen.press('C-d');
  await screen.until(() => !screen.alive(), 'chat to exit');
  await bob.lineMatching(/ OFFLINE \* \S+ alice$/);
});

test('without --nick it asks, and asks again when the name is taken', { skip: !hasTmux }, async () => {
  await pool.rich('taken');
  const screen = chat([]);
  await screen.until((lines) => lastLine(lines) === 'nickname:', 'the nickname prompt');
  screen.type('taken');
  screen.press('Enter');
  await screen.until((lines) => lines.some((line) => line === '!! error: Username is already taken. (USERNAME taken)')
    && lastLine(lines) === 'nickname:', 'the second question');
  screen.type('fresh');
  screen.press('Enter');
  await screen.until((lines) => lines.includes('-!- logged in as fresh') && lastLine(lines) === 'everyone>', 'the login');
});

test('a long line of wide characters survives a message mid-typing and is sent whole', { skip: !hasTmux }, async () => {
  const bob = await pool.rich('bob');
  const screen = chat(['--nick', 'alice']);
  await screen.until((lines) => lastLine(lines) === 'everyone>', 'the prompt');
  await bob.lineMatching(/ ONLINE \* \S+ alice$/);

  // 2100 bytes: well past the 1 KiB where libedit first grows its line buffer.
  const half = '中'.repeat(350);
  screen.type(half);
  const typedRows = 6;  // 10 columns of prompt and 700 of text, in rows of 120
  await screen.until((lines) => lines.slice(-typedRows).join('') === `everyone> ${half}`, 'the first half');
  bob.send('MSG * while you type');
  // The message is printed, then the half-typed line drawn again below it: wait for both, as a
  // screen taken between the two would show no input line yet.
  const lines = await screen.until((l) => l.some((line) => line.endsWith('* bob: while you type')) &&
    l.slice(-typedRows).join('') === `everyone> ${half}`, "bob's message above the typed line");
  assert.match(lines.at(-typedRows - 1), / \* bob: while you type$/);

  screen.type(half);
  screen.press('Enter');
  const sent = parseMessage(await bob.lineMatching(/^MESSAGE \S+ \S+ \S+ \S+ alice /));
  assert.equal(sent.text, half + half);
  await screen.until((l) => lastLine(l) === 'everyone>', 'a fresh prompt');
  assert.ok(screen.alive(), 'chat is still running');
});

test('Ctrl-R brings back an earlier line; Ctrl-U clears a wrapped one cleanly', { skip: !hasTmux }, async () => {
  const bob = await pool.rich('bob');
  const screen = chat(['--nick', 'alice']);
  await screen.until((lines) => lastLine(lines) === 'everyone>', 'the prompt');
  for (const text of ['alpha one', 'beta two']) {
    screen.type(text);
    screen.press('Enter');
    await bob.lineMatching(new RegExp(`^MESSAGE .* alice ${text}$`));
  }
  screen.type('al');
  screen.press('C-r');
  await screen.until((lines) => lastLine(lines) === 'everyone> alpha one', 'the line found');

  screen.press('C-u');
  screen.type('x'.repeat(250));
  await screen.until((lines) => lastLine(lines).endsWith('x'.repeat(20)), 'the long line');
  screen.press('C-u');
  const lines = await screen.until((l) => lastLine(l) === 'everyone>', 'the cleared line');
  assert.equal(count(lines, 'xxxx'), 0, lines.join('\n'));
  assert.match(lines.at(-2), / \* alice: beta two$/);  // nothing above the prompt erased
});

test('after Ctrl-D the shell gets its terminal back blocking, as it lent it', { skip: !hasTmux }, async () => {
  // The flags of the file description stdin shares with the shell, octal, as the shell sees them.
  const screen = chat(['--nick', 'alice'], { then: 'grep ^flags: /proc/self/fdinfo/0; sleep 60' });
  await screen.until((lines) => lastLine(lines) === 'everyone>', 'the prompt');
  screen.press('C-d');
  const lines = await screen.until((l) => l.some((line) => line.startsWith('flags:')), 'the flags');
  const flags = parseInt(lines.find((line) => line.startsWith('flags:')).split(/\s+/)[1], 8);
  assert.equal(flags & 0o4000, 0, 'O_NONBLOCK was left set');
});

test('colours on a terminal, none when NO_COLOR is set', { skip: !hasTmux }, async () => {
  const bob = await pool.rich('painter');
  const coloured = chat(['--nick', 'cora']);
  const plain = chat(['--nick', 'dex'], { env: ['NO_COLOR=1'] });
  for (const screen of [coloured, plain]) {
    await screen.until((lines) => lastLine(lines) === 'everyone>', 'the prompt');
  }
  bob.send('MSG * a colourful hello');
  for (const screen of [coloured, plain]) {
    await screen.until((lines) => lines.some((line) => line.endsWith('a colourful hello')), 'the message');
  }
  const line = (screen) => screen.lines({ escapes: true }).find((l) => l.includes('a colourful hello'));
  assert.match(line(coloured), /\x1b\[[0-9;]*m/, 'no colour on a terminal');
  assert.doesNotMatch(line(plain), /\x1b\[/, 'colour despite NO_COLOR');
});
