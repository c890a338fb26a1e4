// Starts the project's real binaries on free loopback ports for tests.
import { spawn } from 'node:child_process';
import { after, before } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresDatabase } from './postgres.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const buildDir = process.env.CHAT_BUILD_DIR ?? path.join(root, 'build');

export const binaries = {
  chatd: process.env.CHATD_BIN ?? path.join(buildDir, 'chatd/chatd'),
  wsproxy: process.env.WSPROXY_BIN ?? path.join(buildDir, 'wsproxy/wsproxy'),
  cli: process.env.CHAT_CLI_BIN ?? path.join(buildDir, 'cli/chat'),
};
export const webroot = path.join(root, 'webapp');

// Spawns a server that prints "... listening on <address>:<port>" and resolves once it has.
function startListening(command, args, name) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${output}`)), 10000);
    const onData = (chunk) => {
      output += chunk;
      const match = /listening on \S+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve({
          port: Number(match[1]),
          process: child,
          stderr: () => output,
          stop: () => stopCleanly(child, name, () => output),
        });
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${output}`));
    });
  });
}

// What a sanitizer prints when it finds a bug, a leak included (LeakSanitizer reports at exit).
const sanitizerReport = /(AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:)/;

// Stops a server with SIGTERM and fails unless it exits 0 without a sanitizer report: a crash,
// a leak or a non-zero status during shutdown is only visible here.
export async function stopCleanly(child, name, output) {
  const status = await stopProcess(child);
  const report = sanitizerReport.exec(output());
  if (report) throw new Error(`${name} printed a sanitizer report:\n${output().slice(-4000)}`);
  if (status !== 0) throw new Error(`${name} exited with ${status} on SIGTERM:\n${output().slice(-4000)}`);
  return status;
}

export function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.exitCode ?? child.signalCode);
  }
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
    child.kill('SIGTERM');
  });
}

// A chatd on a free port. Unless the caller chooses its store (--db or --no-store), it gets a
// database of its own (tempDatabase), removed once it has stopped.
export async function startChatd(extraArgs = []) {
  const ownsStore = !extraArgs.includes('--db') && !extraArgs.includes('--no-store');
  const db = ownsStore ? tempDatabase() : null;
  const args = ['--bind', '127.0.0.1', '--port', '0', ...extraArgs];
  if (db) args.push('--db', db.path);
  // IRC on a free port too, unless the caller says: several chatds run at once.
  if (!extraArgs.includes('--irc-port') && !extraArgs.includes('--no-irc')) args.push('--irc-port', '0');
  let server;
  try {
    server = await startListening(binaries.chatd, args, 'chatd');
  } catch (error) {
    db?.remove();
    throw error;
  }
  const port = (pattern) => Number(pattern.exec(server.stderr())?.[1]) || undefined;
  server.ircPort = port(/IRC on \S+:(\d+)/);
  server.tlsPort = port(/chatd TLS on \S+:(\d+)/);
  server.ircTlsPort = port(/IRC TLS on \S+:(\d+)/);
  if (!db) return server;
  const stop = server.stop;
  server.stop = async () => {
    try {
      return await stop();
    } finally {
      db.remove();
    }
  };
  return server;
}

// Retries a server start (a restart on the port it had) while the port is still being released.
export async function retryStart(start) {
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      return await start();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

// A database for chatd's --db that may outlive one chatd (restart tests), removed by `remove`:
// an SQLite file in a fresh directory, or with CHAT_TEST_STORE=postgres a fresh PostgreSQL
// database (tests/lib/postgres.mjs), so that the store's tests run on both backends.
export function tempDatabase() {
  if (process.env.CHAT_TEST_STORE === 'postgres') return postgresDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-db-'));
  return { path: path.join(dir, 'chatd.db'), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

// `openFiles`: a hard limit on its open files (prlimit), which it cannot raise.
export function startWsproxy(upstreamPort, extraArgs = [], { openFiles } = {}) {
  const args = ['--bind', '127.0.0.1', '--port', '0', '--upstream', `127.0.0.1:${upstreamPort}`,
    '--webroot', webroot, ...extraArgs];
  if (openFiles === undefined) return startListening(binaries.wsproxy, args, 'wsproxy');
  return startListening('prlimit', [`--nofile=${openFiles}:${openFiles}`, '--', binaries.wsproxy,
    ...args], 'wsproxy');
}

// Starts a chatd and a wsproxy in front of it for the calling test file; the returned object's
// `chatd` and `proxy` are set once they listen. Call at the top level of a test file.
export function chatdWithProxy(chatdArgs = []) {
  const servers = { chatd: null, proxy: null };
  before(async () => {
    servers.chatd = await startChatd(chatdArgs);
    servers.proxy = await startWsproxy(servers.chatd.port);
  });
  after(async () => {
    await servers.proxy?.stop();
    await servers.chatd?.stop();
  });
  return servers;
}
