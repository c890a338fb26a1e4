// A real IRC client, Debian's irssi in a tmux terminal, on chatd's IRC front: it connects, joins
// a room and says something an nc user receives, and shows the nc user's reply.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChatPool } from '../lib/chat_client.mjs';
import { startChatd } from '../lib/processes.mjs';
import { Screen, hasTmux } from '../lib/tmux_screen.mjs';

const hasIrssi = (() => {
  try {
    execFileSync('irssi', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

// A missing tool must turn the suite red, not skip it quietly.
test('irssi and tmux are installed (apt-get install -y irssi tmux)', () => {
  assert.ok(hasIrssi, 'irssi is missing');
  assert.ok(hasTmux, 'tmux is missing');
});

let chatd;
let pool;
let home;
let screen;
before(async () => {
  chatd = await startChatd();
  pool = new ChatPool(chatd.port);
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'irssi-home-'));
});
after(async () => {
  screen?.close();
  await pool.closeAll();
  await chatd.stop();
  fs.rmSync(home, { recursive: true, force: true });
});

test('irssi joins a room, talks with an nc user and shows the reply', { skip: !(hasIrssi && hasTmux) }, async () => {
  const nc = await pool.plain('ncfriend');
  nc.send('JOIN #irssi');
  await nc.expectAlive();

  screen = new Screen(`env TERM=screen LANG=C.UTF-8 irssi --home=${home} -n irssiuser ` +
    `-c 127.0.0.1 -p ${chatd.ircPort}`, { width: 140, height: 40 });
  // irssi shows the server's welcome once registered.
  await screen.until((lines) => lines.some((line) => line.includes('Welcome to chat, irssiuser')),
    'the welcome', 15000);
  screen.type('/join #irssi');
  screen.press('Enter');
  await screen.until((lines) => lines.some((line) => /irssiuser.*has joined #irssi/.test(line)), 'the join', 10000);
  screen.type('hello from irssi');
  screen.press('Enter');
  await nc.expectLine('RECEIVE #irssi irssiuser hello from irssi', 10000);

  nc.send('MSG #irssi hi irssi, this is nc');
  const shown = await screen.until(
    (lines) => lines.some((line) => line.includes('ncfriend') && line.includes('hi irssi, this is nc')),
    "the nc user's reply", 10000);
  assert.ok(shown.some((line) => /<.?ncfriend> hi irssi, this is nc/.test(line)), shown.join('\n'));
  screen.type('/quit leaving');
  screen.press('Enter');
  await screen.until(() => !screen.alive(), 'irssi to exit', 10000);
});
