// A real PostgreSQL 15 server for the tests that run chatd's store on it (CHAT_TEST_STORE=
// postgres): started once per test process on a free port in a directory of its own, a fresh
// database for each chatd, owned by an ordinary role (not a superuser, as an operator would
// set it up), stopped and removed when the process exits. As root it runs as
// nobody (PostgreSQL refuses root). Synchronous, so that tempDatabase() can stay so.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const bin = '/usr/lib/postgresql/15/bin';
let server = null;
let databases = 0;

export const postgresAvailable = () => fs.existsSync(path.join(bin, 'postgres'));

function asServerUser(command, args) {
  return process.getuid() === 0 ? ['runuser', ['-u', 'nobody', '--', command, ...args]] : [command, args];
}

function run(command, args) {
  const [file, argv] = asServerUser(command, args);
  return execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}

// A port nothing listens on now: PostgreSQL takes no port 0.
function freePort() {
  const probe = path.join(os.tmpdir(), `chat-port-${process.pid}`);
  execFileSync(process.execPath, ['-e', `
    const s = require('net').createServer().listen(0, '127.0.0.1', () => {
      require('fs').writeFileSync(${JSON.stringify(probe)}, String(s.address().port)); s.close();
    });`]);
  const port = Number(fs.readFileSync(probe, 'utf8'));
  fs.rmSync(probe);
  return port;
}

function start() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-pg-'));
  fs.chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  run(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'admin', '-E', 'UTF8', '--no-sync']);
  const port = freePort();
  const log = fs.openSync(path.join(dir, 'server.log'), 'a');
  const [file, argv] = asServerUser(path.join(bin, 'postgres'),
    ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1']);
  const child = spawn(file, argv, { stdio: ['ignore', log, log], detached: true });
  child.unref();
  fs.closeSync(log);
  const stop = () => {
    try {
      run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
    } catch {
      // Not running (it failed to start, or was stopped): nothing to stop.
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  const deadline = Date.now() + 20000;
  for (;;) {
    try {
      execFileSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', String(port)]);
      break;
    } catch {
      if (Date.now() > deadline) {
        throw new Error(`PostgreSQL did not start: ${fs.readFileSync(path.join(dir, 'server.log'), 'utf8')}`);
      }
      execFileSync('sleep', ['0.1']);
    }
  }
  server = { port, dir };
  psql('CREATE ROLE chat LOGIN');
  return server;
}

// Restarts the test process's server (as an operator's restart would: fast shutdown, which
// ends every session), for tests of what chatd does meanwhile.
export function restartPostgres() {
  const data = path.join(server.dir, 'data');
  run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-o',
    `-p ${server.port} -k ${server.dir} -c listen_addresses=127.0.0.1`, '-l', path.join(server.dir, 'restarted.log'),
    'restart']);
}

function psql(sql) {
  execFileSync('psql', ['-q', '-h', '127.0.0.1', '-p', String(server.port), '-U', 'admin', '-d', 'postgres',
    '-v', 'ON_ERROR_STOP=1', '-c', sql], { stdio: ['ignore', 'pipe', 'pipe'] });
}

// A new, empty database on the test process's server: its URI for chatd's --db, and a way
// to drop it.
export function postgresDatabase() {
  server ??= start();
  const name = `chat_${process.pid}_${++databases}`;
  psql(`CREATE DATABASE ${name} OWNER chat`);
  return {
    path: `postgresql://chat@127.0.0.1:${server.port}/${name}`,
    remove: () => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
