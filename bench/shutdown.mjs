// How long SIGTERM takes with many users logged in and spread over rooms: from the signal to
// the process's exit (every connection closed), medians of the runs.
//
//   node bench/shutdown.mjs [--users 10000] [--rooms 100] [--runs 3] [--no-pin]
import { execFileSync } from 'node:child_process';
import { connect, median, option, startChatd } from './lib.mjs';

const users = option('users', 10000);
const rooms = option('rooms', 100);
const runs = option('runs', 3);
const pinned = !process.argv.includes('--no-pin');

if (pinned) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });

async function run() {
  const { child, port } = await startChatd(['--no-store'], { pinned });
  const sockets = [];
  let answered = 0;
  for (let batch = 0; batch < users; batch += 500) {
    sockets.push(...await Promise.all(Array.from({ length: Math.min(500, users - batch) }, (_, i) => {
      const n = batch + i;
      return connect(port, (line) => { if (line === `PONG u${n}`) answered += 1; }).then((socket) => {
        socket.on('error', () => {});
        socket.write(`USERNAME u${n}\nJOIN #room${n % rooms}\nPING u${n}\n`);
        return socket;
      });
    })));
  }
  while (answered < users) await new Promise((resolve) => setTimeout(resolve, 50));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const started = process.hrtime.bigint();
  child.kill('SIGTERM');
  await exited;
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  for (const socket of sockets) socket.destroy();
  return elapsed;
}

const times = [];
for (let i = 0; i < runs; i += 1) times.push(await run());
console.log(`chatd SIGTERM with ${users} users in ${rooms} rooms (plain mode), ${runs} runs, ` +
  `${pinned ? 'chatd pinned to CPU 0, load to CPU 1' : 'not pinned'}: ` +
  `median ${median(times).toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')} ms)`);
