// Connections that never log in, from one address: how many chatd holds and what memory they
// take, against the 15,000 held (470 MB). chatd trusts loopback's 127.0.0.1 as a proxy,
// so the connections come from 127.0.0.2, an address like any other.
//
//   node bench/admission.mjs [--connections 15000]
import net from 'node:net';
import fs from 'node:fs';
import { option, startChatd, stop } from './lib.mjs';

const count = option('connections', 15000);

function residentKiB(pid) {
  return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
}

const { child, port } = await startChatd(['--no-store'], { pinned: false });
const before = residentKiB(child.pid);
const started = performance.now();
let refused = 0;
const sockets = await Promise.all(Array.from({ length: count }, () => new Promise((resolve) => {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.2' }, () => resolve(socket));
  socket.on('data', (chunk) => { if (chunk.toString().startsWith('ERROR Too many connections')) refused += 1; });
  socket.on('error', () => resolve(socket));
})));
// Each gets one over-long line without a newline, as slowloris would start.
for (const socket of sockets) if (!socket.destroyed) socket.write('x'.repeat(9000));
await new Promise((resolve) => setTimeout(resolve, 1000));
const open = sockets.filter((socket) => !socket.destroyed && !socket.readableEnded).length;
const after = residentKiB(child.pid);
console.log(`chatd, ${count} connections from one address in ${(performance.now() - started).toFixed(0)} ms ` +
  `(+1 s), each sent 9,000 bytes without a newline: ${refused} told "Too many connections", ` +
  `${open} still open on the client side; chatd resident memory ${(before / 1024).toFixed(1)} MiB ` +
  `before, ${(after / 1024).toFixed(1)} MiB after`);
for (const socket of sockets) socket.destroy();
await stop(child);
