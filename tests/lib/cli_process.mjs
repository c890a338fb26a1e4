// Runs the console client `chat` without a terminal, as a script would: lines go in on stdin,
// what chatd sent comes out on stdout, the client's own notes on stderr.
import { spawn } from 'node:child_process';
import { binaries } from './processes.mjs';

export class CliProcess {
  // Starts `chat --host 127.0.0.1 --port <port> ...args`; the UTC option keeps times comparable.
  static start(port, args = []) {
    const child = spawn(binaries.cli, ['--host', '127.0.0.1', '--port', String(port), '--utc', ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new CliProcess(child);
  }

  constructor(child) {
    this.child = child;
    this.stdout = [];
    this.stderr = '';
    this.partial = '';
    this.waiters = [];
    this.exit = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        resolve({ code, signal });
        this.#wake();
      });
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop();
      this.stdout.push(...parts);
      this.#wake();
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      this.stderr += chunk;
      this.#wake();
    });
    child.stdin.on('error', () => {});
  }

  #wake() {
    for (const wake of this.waiters.splice(0)) wake();
  }

  async #until(check, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out waiting for ${what}\nstdout:\n${this.stdout.join('\n')}\nstderr:\n${this.stderr}`);
      }
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  send(line) { this.child.stdin.write(`${line}\n`); }
  end() { this.child.stdin.end(); }

  // The first stdout line at or after `from` that matches (a string matches whole lines).
  line(test, { from = 0, timeoutMs = 5000 } = {}) {
    const matches = typeof test === 'string' ? (l) => l === test : (l) => test.test(l);
    return this.#until(() => this.stdout.slice(from).find(matches), timeoutMs, String(test));
  }

  stderrMatching(pattern, timeoutMs = 5000) {
    return this.#until(() => pattern.exec(this.stderr) ?? undefined, timeoutMs, String(pattern));
  }

  async exited(timeoutMs = 5000) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`chat did not exit\nstdout:\n${this.stdout.join('\n')}\nstderr:\n${this.stderr}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exit, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
