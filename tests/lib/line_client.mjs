// A raw TCP client for chatd's line protocol, as nc would be.
import net from 'node:net';
import tls from 'node:tls';
import { ChangeSignal } from './change_signal.mjs';

export class LineClient {
  static connect(port, host = '127.0.0.1') {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host }, () => resolve(new this(socket)));
      socket.once('error', reject);
    });
  }

  // A guest `nickname` on chatd's plain mode, as someone typing into nc; `lines` follow the login.
  static async guest(port, nickname, ...lines) {
    const client = await this.connect(port);
    client.send(`USERNAME ${nickname}`);
    for (const line of lines) client.send(line);
    return client;
  }

  // Over TLS, trusting only the authority `ca` (PEM text) for the name localhost.
  static connectTls(port, ca, host = '127.0.0.1') {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ port, host, ca, servername: 'localhost' },
        () => resolve(new this(socket)));
      socket.once('error', reject);
    });
  }

  constructor(socket) {
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.changed = new ChangeSignal();
    this.closed = false;
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.changed.notify();
    });
    socket.on('close', () => { this.closed = true; this.changed.notify(); });
    socket.on('error', () => {});
  }


  // Writes raw bytes (string or Buffer) exactly as given.
  write(bytes) { this.socket.write(bytes); }
  // Writes one line terminated by "\n".
  send(line) { this.socket.write(`${line}\n`); }

  // Resolves with the next complete line (without "\n"); rejects on timeout or close.
  async line(timeoutMs = 3000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const newline = this.buffer.indexOf(0x0a);
      if (newline >= 0) {
        const text = this.buffer.subarray(0, newline).toString('utf8');
        this.buffer = this.buffer.subarray(newline + 1);
        return text;
      }
      if (this.closed) throw new Error('connection closed while waiting for a line');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a line');
      await this.changed.wait(left);
    }
  }

  // Reads lines until one matches the predicate (regexp or function); returns it.
  async lineMatching(test, timeoutMs = 3000) {
    const matches = typeof test === 'function' ? test : (l) => test.test(l);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = await this.line(Math.max(1, deadline - Date.now()));
      if (matches(line)) return line;
    }
  }

  // Everything received within the given time, as a string (asserting silence).
  async received(waitMs = 300) {
    await new Promise((r) => setTimeout(r, waitMs));
    const text = this.buffer.toString('utf8');
    this.buffer = Buffer.alloc(0);
    return text;
  }

  // Waits for `count` complete lines, then `quietMs` more; returns every byte received meanwhile
  // as one string (consumed), so a test can compare a session's output byte for byte.
  async receivedLines(count, timeoutMs = 3000, quietMs = 300) {
    const deadline = Date.now() + timeoutMs;
    const lineCount = () => {
      let lines = 0;
      for (let at = this.buffer.indexOf(0x0a); at >= 0; at = this.buffer.indexOf(0x0a, at + 1)) lines++;
      return lines;
    };
    while (lineCount() < count && !this.closed && Date.now() < deadline) {
      await this.changed.wait(deadline - Date.now());
    }
    return this.received(quietMs);
  }

  // Resolves true once the server has closed the connection, false after the timeout.
  async waitClosed(timeoutMs = 3000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await this.changed.wait(deadline - Date.now());
    return this.closed;
  }

  close() { this.socket.destroy(); }
}
