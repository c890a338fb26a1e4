// A terminal for tests: tmux runs a program in a pseudo-terminal of a given size and shows what
// a person would see, and takes keys as a person would type them.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V']);
    return true;
  } catch {
    return false;
  }
})();

// One tmux server of our own (its own socket, no user configuration) per screen.
export class Screen {
  static count = 0;

  constructor(command, { width = 120, height = 30 } = {}) {
    this.socket = path.join(tmpdir(), `chat-test-${process.pid}-${++Screen.count}.sock`);
    this.tmux('new-session', '-d', '-x', String(width), '-y', String(height), command);
  }

  tmux(...args) {
    return execFileSync('tmux', ['-S', this.socket, '-f', '/dev/null', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  type(text) { this.tmux('send-keys', '-l', text); }
  press(...keys) { this.tmux('send-keys', ...keys); }

  // The visible lines, without the empty ones below the prompt; with `escapes`, as the terminal
  // was told to show them (colours included).
  lines({ escapes = false } = {}) {
    const lines = this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : [])).split('\n');
    while (lines.length && lines.at(-1).trim() === '') lines.pop();
    return lines;
  }

  async until(check, what, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.linesIfAlive();
      if (check(lines)) return lines;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${lines.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  // The lines, or none once the session has ended (it may end between asking and capturing).
  linesIfAlive() {
    try {
      return this.lines();
    } catch (error) {
      if (this.alive()) throw error;
      return [];
    }
  }

  alive() {
    try {
      this.tmux('has-session');
      return true;
    } catch {
      return false;
    }
  }

  close() {
    if (this.alive()) this.tmux('kill-server');
    rmSync(this.socket, { force: true });
  }
}
