// The console client without a terminal (stdin a pipe), against the real chatd: the stable plain
// output, private and room conversations, seed 004's one-step join, exit at end of input, a taken
// nickname, surviving a restart of chatd, a list answer over 64 KiB, and failing clearly when
// chatd is unreachable or drops a command unanswered.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startChatd } from '../lib/processes.mjs';
import { ChatPool, parseMessage } from '../lib/chat_client.mjs';
import { CliProcess } from '../lib/cli_process.mjs';

let chatd;
let pool;
let clients = [];

before(async () => {
  chatd = await startChatd();
  pool = new ChatPool(chatd.port);
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.kill();
  await pool.closeAll();
});
after(() => chatd.stop());

function cli(args, port = chatd.port) {
  const client = CliProcess.start(port, args);
  clients.push(client);
  return client;
}

async function loggedIn(nick, args = []) {
  const client = cli(['--nick', nick, ...args]);
  await client.line(`-!- logged in as ${nick}`);
  return client;
}

// A line with the server's time in front: "[15:32] <text>".
function timed(text) {
  return new RegExp(`^\\[\\d\\d:\\d\\d\\] ${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

async function endsCleanly(client) {
  client.end();
  assert.deepEqual(await client.exited(), { code: 0, signal: null });
}

test('two clients talk privately and in a room; a third outside the room hears nothing', async () => {
  const alice = await loggedIn('alice');
  const bob = await loggedIn('bob');
  const carol = await loggedIn('carol');

  alice.send('/msg bob hi bob');
  await bob.line(timed('(private) alice -> bob: hi bob'));
  await alice.line(timed('(private) alice -> bob: hi bob'));
  bob.send('/msg @alice hi alice');
  await alice.line(timed('(private) bob -> alice: hi alice'));

  alice.send('/join #main');
  await alice.line(timed('-!- alice joined #main'));
  bob.send('/join main');
  await alice.line(timed('-!- bob joined #main'));
  alice.send('hello room');
  await bob.line(timed('#main <alice> hello room'));
  bob.send('hi all');
  await alice.line(timed('#main <bob> hi all'));

  // carol's end of input is answered after everything routed before it.
  await endsCleanly(carol);
  const heard = carol.stdout.join('\n');
  for (const text of ['hi bob', 'hi alice', 'hello room', 'hi all', 'joined #main']) {
    assert.ok(!heard.includes(text), `carol heard "${text}":\n${heard}`);
  }
  assert.match(heard, /^\[\d\d:\d\d\] -!- alice created #main$/m);  // room events go to all

  await endsCleanly(alice);
  await bob.line(timed('-!- alice left #main'));
  await bob.line(timed('-!- alice went offline'));
  await endsCleanly(bob);
});

test('seed 004 in one step: --join a room under a name, then every line is a message there', async () => {
  const erin = await pool.rich('erin');
  erin.send('JOIN #lobby');
  await erin.lineMatching(/^OK JOIN #lobby$/);

  const dave = cli(['--nick', 'dave', '--join', 'lobby']);
  dave.send('this is a message from the client');
  dave.send('say hi, suggest a feature');
  for (const text of ['this is a message from the client', 'say hi, suggest a feature']) {
    const message = parseMessage(await erin.lineMatching(/^MESSAGE /));
    assert.deepEqual([message.target, message.from, message.text], ['#lobby', 'dave', text]);
  }
  await endsCleanly(dave);
  assert.ok(dave.stdout.includes('-!- logged in as dave'));
});

test('seed 004 in one command: /join <room> <username> as the first line', async () => {
  const erin = await pool.rich('erin');
  erin.send('JOIN #den');
  await erin.lineMatching(/^OK JOIN #den$/);

  const frank = cli([]);
  frank.send('/join den frank');
  frank.send('hello from frank');
  const message = parseMessage(await erin.lineMatching(/^MESSAGE /));
  assert.deepEqual([message.target, message.from, message.text], ['#den', 'frank', 'hello from frank']);
  await endsCleanly(frank);
});

test('at the end of input every line has been sent and answered before it exits', async () => {
  const erin = await pool.rich('erin');
  erin.send('JOIN #bulk');
  await erin.lineMatching(/^OK JOIN #bulk$/);

  const texts = Array.from({ length: 50 }, (_, i) => `line ${i}`);
  const gus = cli(['--nick', 'gus']);
  gus.child.stdin.end(['/join #bulk', ...texts, ''].join('\n'));  // all at once, then EOF
  assert.deepEqual(await gus.exited(), { code: 0, signal: null });

  for (const text of texts) {
    const message = parseMessage(await erin.lineMatching(/^MESSAGE /));
    assert.equal(message.text, text);
  }
  const echoed = gus.stdout.filter((line) => / #bulk <gus> /.test(line));
  assert.equal(echoed.length, texts.length);
});

test('without --nick the first line is the nickname', async () => {
  const hank = cli([]);
  hank.send('hank');
  hank.send('/users');
  await hank.line(/^-!- online: .*\bhank\b/);
  await endsCleanly(hank);
  assert.equal(hank.stdout[0], '-!- logged in as hank');
});

test('a taken nickname: a clear error and a non-zero status', async () => {
  await pool.rich('ines');
  const impostor = cli(['--nick', 'ines']);
  impostor.end();
  assert.deepEqual(await impostor.exited(), { code: 1, signal: null });
  assert.match(impostor.stderr, /^chat: cannot log in as ines: Username is already taken\.$/m);
  assert.ok(impostor.stdout.includes('!! error: Username is already taken. (USERNAME ines)'));
});

test('no nickname at all is a usage error', async () => {
  const nobody = cli([]);
  nobody.end();
  assert.deepEqual(await nobody.exited(), { code: 2, signal: null });
  assert.match(nobody.stderr, /no nickname/);
});

test("chatd's errors go to stdout, the client's own complaints to stderr", async () => {
  const jo = await loggedIn('jo');
  jo.send('/frobnicate');
  jo.send('/join');
  jo.send('/msg nobody hi');
  jo.send('/leave #nowhere');
  await jo.line('!! error: No such user. (MSG @nobody)');
  await jo.line('!! error: No such room. (LEAVE #nowhere)');
  await endsCleanly(jo);
  assert.match(jo.stderr, /^!! unknown command \/frobnicate; \/help lists them$/m);
  assert.match(jo.stderr, /^!! usage: \/join <#room> \[nick\]$/m);
});

test('/to switches the conversation; /quit leaves at once', async () => {
  const kim = await pool.rich('kim');
  const lee = await loggedIn('lee');
  lee.send('/to kim');
  lee.send('just for you');
  const message = parseMessage(await kim.lineMatching(/^MESSAGE /));
  assert.deepEqual([message.target, message.from, message.text], ['@kim', 'lee', 'just for you']);
  lee.send('/quit');
  lee.send('never sent');
  assert.deepEqual(await lee.exited(), { code: 0, signal: null });
  // The very next line kim gets is lee going offline: nothing was sent after /quit.
  assert.match(await kim.line(), / OFFLINE \* \S+ lee$/);
  await kim.expectAlive();
});

test('chatd gone: it says so, reconnects with backoff and rejoins its rooms', async () => {
  const own = await startChatd();
  const port = own.port;
  let restarted;
  try {
    const ivy = cli(['--nick', 'ivy', '--join', '#phoenix'], port);
    await ivy.line(timed('-!- ivy joined #phoenix'));
    await own.stop();
    await ivy.stderrMatching(/^!! lost the connection to 127\.0\.0\.1:\d+ \(closed by the server\); reconnecting in \d\.\ds$/m);
    await ivy.stderrMatching(/^!! cannot connect to 127\.0\.0\.1:\d+ \(Connection refused\); trying again in \d\.\ds$/m);

    const before = ivy.stdout.length;
    restarted = await startChatd(['--port', String(port)]);
    await ivy.line('-!- logged in as ivy', { from: before, timeoutMs: 10000 });
    await ivy.line(timed('-!- ivy joined #phoenix'), { from: before });

    const observers = new ChatPool(port);
    try {
      const max = await observers.rich('max');
      max.send('JOIN #phoenix');
      await max.lineMatching(/^OK JOIN #phoenix$/);
      max.send('MSG #phoenix welcome back');
      await ivy.line(timed('#phoenix <max> welcome back'));
      ivy.send('glad to be here');  // still talking in #phoenix
      const message = parseMessage(await max.lineMatching(/^MESSAGE \S+ \S+ \S+ \S+ ivy /));
      assert.deepEqual([message.target, message.text], ['#phoenix', 'glad to be here']);
      await endsCleanly(ivy);
    } finally {
      await observers.closeAll();
    }
  } finally {
    await own.stop();
    await restarted?.stop();
  }
});

test('a /rooms answer over 64 KiB is shown, and the next line still gets its own answer', async () => {
  const own = await startChatd(['--max-rooms-per-user', '2000', '--no-flood-control']);
  const observers = new ChatPool(own.port);
  try {
    const maker = await observers.rich('maker');
    const rooms = Array.from({ length: 1500 }, (_, i) => `#r${String(i).padStart(4, '0')}_${'x'.repeat(44)}`);
    maker.write(rooms.map((room) => `CREATE ${room}\n`).join(''));
    await maker.lineMatching(new RegExp(`^OK CREATE ${rooms.at(-1)}$`), 20000);

    const robot = cli(['--nick', 'robot'], own.port);
    robot.child.stdin.end('/rooms\nhello after the list\n');
    assert.deepEqual(await robot.exited(10000), { code: 0, signal: null });
    const list = robot.stdout.find((line) => line.startsWith('-!- rooms: '));
    assert.ok(list && list.length > 64 * 1024, `no long rooms line:\n${robot.stderr}`);
    assert.equal(list, `-!- rooms: ${rooms.join(' ')}`);
    assert.ok(robot.stdout.some((line) => timed('* robot: hello after the list').test(line)));
  } finally {
    await observers.closeAll();
    await own.stop();
  }
});

test('a script gives up, with a clear error, when chatd cannot be reached', async () => {
  const gone = await startChatd();
  const port = gone.port;
  await gone.stop();
  const nobody = cli(['--nick', 'nobody'], port);
  assert.deepEqual(await nobody.exited(15000), { code: 1, signal: null });
  assert.match(nobody.stderr,
    /^chat: cannot reach chatd at 127\.0\.0\.1:\d+ \(Connection refused\); gave up after 5 tries$/m);
});

test('a script whose command goes unanswered when the connection breaks fails', async () => {
  // A server that logs anyone in, then hangs up on the first other command without answering.
  const server = net.createServer((socket) => {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      buffered += chunk;
      for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
        const line = buffered.slice(0, at);
        buffered = buffered.slice(at + 1);
        if (line.startsWith('RICH')) {
          socket.write(`OK ${line}\n`);
        } else if (line.startsWith('USERNAME ')) {
          socket.write(`OK USERNAME ${line.slice(9)} 5b1c0b3e-8f0e-4a4e-9d5e-1f2a3b4c5d6e\n`);
        } else {
          socket.destroy();
          return;
        }
      }
    });
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const robot = cli(['--nick', 'robot'], server.address().port);
    await robot.line('-!- logged in as robot');
    robot.send('did this arrive?');
    assert.deepEqual(await robot.exited(), { code: 1, signal: null });
    assert.match(robot.stderr,
      /^chat: the connection to 127\.0\.0\.1:\d+ broke \([^)]+\); 1 command was not confirmed by chatd$/m);
  } finally {
    server.close();
  }
});

test('a multi-line message shows as its lines, the later ones indented; a backslash stays one', async () => {
  const reader = await loggedIn('reader');
  const writer = await pool.connect();
  writer.send('RICH MULTILINE');
  await writer.expectLine('OK RICH MULTILINE');
  writer.mode = 'rich';
  await writer.login('writer');
  writer.send('MSG @reader first line\\n  second, indented\\nC:\\\\path');
  await reader.line(timed('(private) writer -> reader: first line'));
  await reader.line('      second, indented');
  await reader.line('    C:\\path');
  // What the console client sends keeps its backslashes as typed.
  reader.send('/msg writer a\\nb');
  const message = parseMessage(await writer.lineMatching(/^MESSAGE \S+ \S+ @writer \S+ reader /));
  assert.equal(message.text, 'a\\\\nb');
  // A line ending in a backslash goes on on the next: one message of three lines; "\\" at
  // the end is one backslash.
  reader.send('/msg writer one\\');
  reader.send('  two\\');
  reader.send('three\\\\');
  const continued = parseMessage(await writer.lineMatching(/^MESSAGE \S+ \S+ @writer \S+ reader /));
  assert.equal(continued.text, 'one\\n  two\\nthree\\\\');
});
