// One flooder against everyone else: a plain-mode client writes one kind of command as fast as
// its socket takes it (plain mode acknowledges nothing, so nothing slows it but the server)
// while bystanders read normally and a probe pair measures private message latency. Run with
// chatd's default flood control and with --no-flood-control.
//
//   node bench/flood.mjs [--attack send|joinleave|rename|rooms] [--seconds 5]
//                        [--bystanders N] [--runs 3] [--no-pin]
//
// The attacks: `send` (SEND to everyone; plain bystanders, 50 by default), `joinleave` (JOIN
// and LEAVE of a room the bystanders, rich and 1,000 by default, are all in), `rename`
// (USERNAME back and forth) and `rooms` (CREATE and DESTROY): the last three each tell every
// rich bystander something.
//
// Reported per mode (medians of the runs): bystanders chatd disconnected, flood lines a
// bystander received per second, the probe's private-message latency p50 / p99 (one message
// every 100 ms from one probe user to another, timed from send to arrival: within the default
// message rate, so that the probe measures the server, not its own flood control), and chatd's
// CPU use during the attack.
import { execFileSync } from 'node:child_process';
import { connect, cpuSeconds, median, option, percentile, startChatd, stop } from './lib.mjs';

const ATTACKS = {
  send: { rich: false, bystanders: 50, lines: () => `SEND ${'x'.repeat(100)}\n` },
  joinleave: { rich: true, bystanders: 1000, room: '#big', lines: () => 'JOIN #big\nLEAVE #big\n' },
  rename: { rich: true, bystanders: 1000, lines: (tag) => `USERNAME f${tag}\nUSERNAME g${tag}\n` },
  rooms: { rich: true, bystanders: 1000, lines: (tag) => `CREATE #f${tag}\nDESTROY #f${tag}\n` },
};
const attackName = process.argv[process.argv.indexOf('--attack') + 1];
const attack = ATTACKS[process.argv.includes('--attack') ? attackName : 'send'];
if (!attack) throw new Error(`unknown --attack ${attackName}: ${Object.keys(ATTACKS).join(', ')}`);
const seconds = option('seconds', 5);
const bystanderCount = option('bystanders', attack.bystanders);
const runs = option('runs', 3);
const pinned = !process.argv.includes('--no-pin');

if (pinned) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });

// A logged-in user (in `room`, if given); resolves once chatd has answered it all.
async function user(port, nick, { rich = false, room, onLine = () => {} } = {}) {
  let loggedIn;
  const ready = new Promise((resolve) => { loggedIn = resolve; });
  const pong = rich ? `OK PING ${nick}` : `PONG ${nick}`;
  const socket = await connect(port, (line) => (line === pong ? loggedIn() : onLine(line)));
  socket.write(`${rich ? 'RICH\n' : ''}USERNAME ${nick}\n${room ? `JOIN ${room}\n` : ''}PING ${nick}\n`);
  await ready;
  return socket;
}

async function run(args) {
  const { child, port } = await startChatd(['--no-store', ...args], { pinned });
  const tag = Math.random().toString(36).slice(2, 7);
  let dropped = 0;
  let floodReceived = 0;
  const bystanders = [];
  let counting = false;
  for (let i = 0; i < bystanderCount; i += 1) {
    const onLine = i === 0 ? (line) => {
      if (counting && !line.startsWith('OK ')) floodReceived += 1;
    } : () => {};
    const socket = await user(port, `b${tag}${i}`, { rich: attack.rich, room: attack.room, onLine });
    socket.on('close', () => { dropped += 1; });
    bystanders.push(socket);
  }
  const sentAt = new Map();
  const latencies = [];
  const pong = await user(port, `q${tag}`, { onLine: (line) => {
    const marker = / probe(\d+)$/.exec(line);
    if (marker && sentAt.has(marker[1])) {
      latencies.push(Number(process.hrtime.bigint() - sentAt.get(marker[1])) / 1e6);
    }
  } });
  const ping = await user(port, `p${tag}`);
  const flooder = await user(port, `f${tag}`);

  let flooding = true;
  counting = true;
  const cpuBefore = cpuSeconds(child.pid);
  const chunk = attack.lines(tag).repeat(100);
  const flood = () => {
    while (flooding && flooder.write(chunk)) { /* until the socket pushes back */ }
  };
  flooder.on('drain', flood);
  flooder.on('error', () => {});
  flood();

  let probes = 0;
  const probeTimer = setInterval(() => {
    const id = String(probes++);
    sentAt.set(id, process.hrtime.bigint());
    ping.write(`MSG @q${tag} probe${id}\n`);
  }, 100);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  flooding = false;
  clearInterval(probeTimer);
  const cpu = (cpuSeconds(child.pid) - cpuBefore) / seconds;
  const sorted = [...latencies].sort((a, b) => a - b);
  const result = {
    dropped,
    floodRate: floodReceived / seconds,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    probesLost: probes - latencies.length,
    probes,
    cpu,
  };
  for (const socket of [...bystanders, pong, ping, flooder]) socket.destroy();
  await stop(child);
  return result;
}

const results = { limited: [], open: [] };
for (let i = 0; i < runs; i += 1) {
  results.limited.push(await run([]));
  results.open.push(await run(['--no-flood-control']));
}
console.log(`chatd flood benchmark, attack "${attackName ?? 'send'}": 1 plain-mode flooder, ` +
  `${bystanderCount} ${attack.rich ? 'rich' : 'plain'} bystanders${attack.room ? ` in ${attack.room}` : ''}, ` +
  `${seconds} s x ${runs} runs (medians), ${pinned ? 'chatd pinned to CPU 0, load to CPU 1' : 'not pinned'}`);
console.log('| mode | bystanders dropped | flood lines/s a bystander gets | probe p50 | probe p99 | probes not delivered | chatd CPU |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, list] of [['flood control (defaults)', results.limited], ['--no-flood-control', results.open]]) {
  const m = (key) => median(list.map((r) => r[key]));
  // No latency when no probe arrived (its recipient was dropped too).
  const ms = (value) => (Number.isNaN(value) ? 'none arrived' : `${value.toFixed(2)} ms`);
  console.log(`| ${name} | ${m('dropped')} of ${bystanderCount} | ${Math.round(m('floodRate'))} | ` +
    `${ms(m('p50'))} | ${ms(m('p99'))} | ${m('probesLost')} of ${m('probes')} | ` +
    `${Math.round(m('cpu') * 100)}% |`);
}
