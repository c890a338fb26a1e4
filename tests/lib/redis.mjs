// A real Redis 7 for the cluster tests: a throwaway redis-server on a free loopback port that
// keeps nothing on disk, which a test can stop, SIGKILL, or restart on the same port with no
// data (as after a crash). It never outlives the test process: the exit handler kills it and
// removes its directory, and the kernel kills it if the test process dies without one.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const binary = '/usr/bin/redis-server';

export const redisAvailable = () => fs.existsSync(binary);

// A port nothing listens on now: for redis-server, port 0 means no TCP at all.
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.once('error', reject);
  });
}

// Whether the server on `port` answers PING with +PONG now.
function answersPing(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.write('PING\r\n'));
    let reply = '';
    const done = (ok) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(1000, () => done(false));
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG\r\n'));
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}

function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

// Starts redis-server on `port` in `dir` and resolves once it answers PING.
async function launch(port, dir) {
  // setpriv's parent-death signal: a test process killed outright (no exit handler runs)
  // takes its Redis with it.
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', binary,
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
    '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => { output += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk) => { output += chunk; });
  // A Redis nobody stopped must not keep the test process alive: its exit handler kills it.
  for (const handle of [child, child.stdout, child.stderr]) handle.unref();
  const deadline = Date.now() + 10000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server exited with ${child.exitCode ?? child.signalCode}: ${output}`);
    }
    if (await answersPing(port)) return child;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer PING on ${port}: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// A Redis for the calling test: `url` for chatd's --cluster; stop() (SIGTERM), kill() (SIGKILL)
// and restart() (start again on the same port, empty, after killing it if it still runs) each
// resolve once done.
export async function startRedis() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-redis-'));
  let child = null;
  const cleanUp = () => {
    child?.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', cleanUp);
  // Another process may take the free port before redis-server does: try another one.
  let port;
  for (let attempt = 1; !child; ++attempt) {
    port = await freePort();
    try {
      child = await launch(port, dir);
    } catch (error) {
      if (attempt === 3) {
        process.off('exit', cleanUp);
        cleanUp();
        throw error;
      }
    }
  }
  const signal = async (name) => {
    child.ref();  // waiting for its exit must keep the test process alive
    child.kill(name);
    await exited(child);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: () => signal('SIGKILL'),
    restart: async () => {
      await signal('SIGKILL');
      child = await launch(port, dir);
    },
    stop: async () => {
      await signal('SIGTERM');
      process.off('exit', cleanUp);
      cleanUp();
    },
  };
}
