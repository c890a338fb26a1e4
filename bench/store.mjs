// What the store costs: messages per second chatd acknowledges with its SQLite store on (a real
// file, every OK after the fsync) against --no-store, and the delivery latency a room message
// gets from each. chatd runs pinned to CPU 0, this load generator to CPU 1 (taskset).
//
//   node bench/store.mjs [--seconds 5] [--senders 50] [--window 16] [--members 1] [--runs 3]
//                        [--no-pin] [--postgres]
//
// --postgres measures the PostgreSQL store as well: a local PostgreSQL 15 on this machine
// (started as the tests start it, tests/lib/postgres.mjs, a fresh database each run), which
// shares the two cores with chatd and the load.
//
// Throughput: `senders` connections, each in a room of its own with `members` - 1 listeners
// (members 1: each message is delivered once, to its sender, so the store is measured rather than
// the fan-out), each keeping `window` messages sent and not yet acknowledged. --no-pin lets
// chatd's threads (event loop, store writer) use both cores. Latency: meanwhile a probe sends 100 messages a second into a
// two-member room and times each from send to arrival at the other member.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postgresDatabase } from '../tests/lib/postgres.mjs';
import { connect, cpuSeconds, median, option, percentile, startChatd, stop } from './lib.mjs';

const seconds = option('seconds', 5);
const senders = option('senders', 50);
const windowSize = option('window', 16);
const runs = option('runs', 3);
const members = option('members', 1);
const pinned = !process.argv.includes('--no-pin');
const postgres = process.argv.includes('--postgres');

if (pinned) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });

// Sends the lines and waits until `count` lines starting with `prefix` have come back.
function expect(socket, lines, prefix, count, state) {
  return new Promise((resolve) => {
    state.waiting = { prefix, count, resolve };
    socket.write(lines.map((line) => `${line}\n`).join(''));
  });
}

async function client(port, nick, room) {
  const state = { waiting: null, onLine: null };
  const socket = await connect(port, (line) => {
    if (state.onLine) return state.onLine(line);
    const waiting = state.waiting;
    if (waiting && line.startsWith(waiting.prefix) && --waiting.count === 0) {
      state.waiting = null;
      waiting.resolve();
    }
  });
  await expect(socket, ['RICH', `USERNAME ${nick}`, `JOIN ${room}`], 'OK ', 3, state);
  return { socket, state };
}

async function run(args) {
  // Flood control off: this measures the server, not its per-connection rate limits.
  const { child, port } = await startChatd(['--no-flood-control', ...args], { pinned });
  const tag = Math.random().toString(36).slice(2, 8);
  const workers = [];
  const listeners = [];
  for (let i = 0; i < senders; i += 1) {
    workers.push(await client(port, `s${tag}${i}`, `#r${tag}${i}`));
    for (let m = 1; m < members; m += 1) {
      const listener = await client(port, `m${tag}${i}x${m}`, `#r${tag}${i}`);
      listener.state.onLine = () => {};
      listeners.push(listener);
    }
  }
  const probe = await client(port, `p${tag}`, `#probe${tag}`);
  const listener = await client(port, `l${tag}`, `#probe${tag}`);

  const text = 'x'.repeat(64);
  let acknowledged = 0;
  let running = true;
  for (const [i, worker] of workers.entries()) {
    let inFlight = 0;
    const line = `MSG #r${tag}${i} ${text}\n`;
    const top = () => {
      let batch = '';
      while (running && inFlight < windowSize) {
        batch += line;
        inFlight += 1;
      }
      if (batch) worker.socket.write(batch);
    };
    worker.state.onLine = (line) => {
      if (line.startsWith('OK MSG')) {
        inFlight -= 1;
        acknowledged += 1;
        top();
      }
    };
    top();
  }
  const latencies = [];
  const sentAt = new Map();
  listener.state.onLine = (line) => {
    const marker = / probe(\d+)$/.exec(line);
    if (marker && sentAt.has(marker[1])) latencies.push(Number(process.hrtime.bigint() - sentAt.get(marker[1])) / 1e6);
  };
  probe.state.onLine = () => {};
  let probes = 0;
  const probeTimer = setInterval(() => {
    const id = String(probes++);
    sentAt.set(id, process.hrtime.bigint());
    probe.socket.write(`MSG #probe${tag} probe${id}\n`);
  }, 10);

  const warmup = 1000;
  await new Promise((resolve) => setTimeout(resolve, warmup));
  const startCount = acknowledged;
  const startCpu = cpuSeconds(child.pid);
  const started = process.hrtime.bigint();
  latencies.length = 0;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = (cpuSeconds(child.pid) - startCpu) / elapsed;
  const rate = (acknowledged - startCount) / elapsed;
  const sorted = [...latencies].sort((a, b) => a - b);
  running = false;
  clearInterval(probeTimer);
  for (const connection of [...workers, ...listeners, probe, listener]) connection.socket.destroy();
  await stop(child);
  return { rate, cpu, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-bench-'));
const results = { store: [], none: [], postgres: [] };
try {
  for (let i = 0; i < runs; i += 1) {
    // Interleaved, a fresh database each time.
    results.store.push(await run(['--db', path.join(dir, `bench${i}.db`)]));
    results.none.push(await run(['--no-store']));
    if (postgres) {
      const db = postgresDatabase();
      try {
        results.postgres.push(await run(['--db', db.path]));
      } finally {
        db.remove();
      }
    }
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

const summary = (name, list) => ({
  name,
  rate: median(list.map((r) => r.rate)),
  cpu: median(list.map((r) => r.cpu)),
  p50: median(list.map((r) => r.p50)),
  p99: median(list.map((r) => r.p99)),
});
const store = summary('SQLite store (file, synchronous=FULL)', results.store);
const none = summary('--no-store', results.none);
console.log(`chatd store benchmark: ${senders} senders in rooms of ${members}, window ${windowSize}, ` +
  `${seconds} s x ${runs} runs (medians), ${pinned ? 'chatd pinned to CPU 0, load to CPU 1' : 'not pinned'}`);
console.log('| mode | messages acknowledged per second | chatd CPU (all threads) | probe latency p50 | p99 |');
console.log('|---|---|---|---|---|');
const rows = postgres ? [store, summary('PostgreSQL store (local server)', results.postgres), none]
  : [store, none];
for (const row of rows) {
  console.log(`| ${row.name} | ${Math.round(row.rate)} | ${(100 * row.cpu).toFixed(0)}% | ` +
    `${row.p50.toFixed(2)} ms | ${row.p99.toFixed(2)} ms |`);
}
console.log(`store throughput vs --no-store: ${(100 * store.rate / none.rate).toFixed(1)}%`);
if (postgres) {
  const pg = rows[1];
  console.log(`PostgreSQL store throughput vs --no-store: ${(100 * pg.rate / none.rate).toFixed(1)}%, ` +
    `latency p50 +${(pg.p50 - none.p50).toFixed(2)} ms, p99 +${(pg.p99 - none.p99).toFixed(2)} ms`);
}
console.log(`latency added by the store: p50 +${(store.p50 - none.p50).toFixed(2)} ms, p99 +${(store.p99 - none.p99).toFixed(2)} ms`);
