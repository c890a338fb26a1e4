// Medians of loadgen's JSON lines (from bench/compare.sh or bench/fanout.sh on standard input),
// one line per server and protocol, with each run's figure after the median.
//
//   bench/compare.sh 3 | node bench/medians.mjs
import { createInterface } from 'node:readline';

const fields = [
  'deliveries_per_cpu_second',
  'server_cpu',
  'latency_p50_ms',
  'latency_p99_ms',
  'dropped',
  'login_seconds',
  'login_server_cpu_seconds',
  'server_rss_kib_per_client',
  'settle_seconds',
];

const groups = new Map();
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.startsWith('{')) continue;
  const run = JSON.parse(line);
  const key = `${run.server ?? 'chatd'} (${run.protocol})`;
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(run);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

for (const [key, runs] of groups) {
  console.log(`${key}: ${runs.length} run(s)`);
  for (const field of fields) {
    const values = runs.map((run) => run[field]);
    console.log(`  ${field}: ${median(values)} (${values.join(', ')})`);
  }
}
