// Every error of docs/protocol.md's error table, in plain (`ERROR <sentence>`) and rich
// (`ERROR <VERB> <code> <sentence>`) mode; after each one the connection still works.
import { test } from 'node:test';
import { chatdPool } from '../lib/chat_client.mjs';

const pool = chatdPool();

const bytes = (...parts) => Buffer.concat(parts.map((part) => Buffer.from(part)));

// Each case: the line sent (string or raw bytes, without "\n"; a function gets the case's own room
// name), the expected verb and code, and whether the tester logs in first. Optional setup, done
// before the tester arrives so that it sees no events: `others` log in, `withRoom` has an owner
// create the case's room; `member` then has the tester join that room.
const cases = [
  { send: 'NOT_A_COMMAND test', verb: '*', code: 'unknown-command' },
  { send: 'NOT_A_COMMAND test', verb: '*', code: 'unknown-command', login: true },
  { send: 'SENDX hello', verb: '*', code: 'unknown-command', login: true },
  { send: `SEND ${'x'.repeat(9000)}`, verb: '*', code: 'line-too-long', login: true },
  { send: `NOT_A_COMMAND ${'x'.repeat(9000)}`, verb: '*', code: 'line-too-long' },

  { send: 'JOIN', verb: 'JOIN', code: 'missing-argument', login: true },
  { send: 'join', verb: 'JOIN', code: 'missing-argument', login: true },
  { send: 'MSG', verb: 'MSG', code: 'missing-argument', login: true },
  { send: 'MEMBERS', verb: 'MEMBERS', code: 'missing-argument' },
  { send: 'ROOMS please', verb: 'ROOMS', code: 'invalid-argument' },
  { send: 'USERS all', verb: 'USERS', code: 'invalid-argument' },
  { send: 'PING two words', verb: 'PING', code: 'invalid-argument' },

  { send: 'SEND Hello, world!', verb: 'SEND', code: 'username-required' },
  { send: 'MSG * hi', verb: 'MSG', code: 'username-required' },
  { send: 'CREATE #nowhere', verb: 'CREATE', code: 'username-required' },
  { send: 'JOIN #nowhere', verb: 'JOIN', code: 'username-required' },
  { send: 'LEAVE #nowhere', verb: 'LEAVE', code: 'username-required' },
  { send: 'DESTROY #nowhere', verb: 'DESTROY', code: 'username-required' },
  { send: 'LOGOUT', verb: 'LOGOUT', code: 'username-required' },

  { send: 'USERNAME ', verb: 'USERNAME', code: 'username-empty' },
  { send: 'USERNAME not valid', verb: 'USERNAME', code: 'username-has-spaces' },
  { send: 'USERNAME not valid', verb: 'USERNAME', code: 'username-has-spaces', login: true },
  { send: `USERNAME ${'a'.repeat(33)}`, verb: 'USERNAME', code: 'username-too-long' },
  { send: 'USERNAME 9lives', verb: 'USERNAME', code: 'username-invalid' },
  { send: 'USERNAME -dash', verb: 'USERNAME', code: 'username-invalid' },
  { send: 'USERNAME bad!name', verb: 'USERNAME', code: 'username-invalid' },
  { send: 'USERNAME \u00e9mile', verb: 'USERNAME', code: 'username-invalid' },
  { send: 'USERNAME #room', verb: 'USERNAME', code: 'username-invalid' },
  { send: 'USERNAME @nick', verb: 'USERNAME', code: 'username-invalid' },
  { send: 'USERNAME Taken', verb: 'USERNAME', code: 'username-taken', others: ['Taken'] },
  { send: 'USERNAME tAKEN', verb: 'USERNAME', code: 'username-taken', others: ['Taken'] },
  { send: 'USERNAME TAKEN', verb: 'USERNAME', code: 'username-taken', others: ['Taken'], login: true },

  { send: 'SEND ', verb: 'SEND', code: 'message-empty', login: true },
  { send: 'MSG * ', verb: 'MSG', code: 'message-empty', login: true },
  { send: bytes('SEND ', [0xc3, 0x28]), verb: 'SEND', code: 'message-invalid-utf8', login: true },
  { send: bytes('MSG @watcher ok ', [0xc3, 0x28]), verb: 'MSG', code: 'message-invalid-utf8', login: true },
  { send: bytes('SEND ', [0x80]), verb: 'SEND', code: 'message-invalid-utf8', login: true },
  { send: bytes('SEND ', [0xc0, 0xaf]), verb: 'SEND', code: 'message-invalid-utf8', login: true },
  { send: bytes('SEND ', [0xed, 0xa0, 0x80]), verb: 'SEND', code: 'message-invalid-utf8', login: true },
  { send: 'SEND bell\x07', verb: 'SEND', code: 'message-control-characters', login: true },
  { send: 'SEND esc\x1b[31mred', verb: 'SEND', code: 'message-control-characters', login: true },
  { send: 'SEND carriage\rreturn', verb: 'SEND', code: 'message-control-characters', login: true },
  { send: 'SEND nul\x00byte', verb: 'SEND', code: 'message-control-characters', login: true },
  { send: 'SEND del\x7f', verb: 'SEND', code: 'message-control-characters', login: true },
  { send: 'SEND next\u0085line', verb: 'SEND', code: 'message-control-characters', login: true },
  { send: 'MSG @watcher bell\x07', verb: 'MSG', code: 'message-control-characters', login: true },

  { send: 'JOIN #bad!name', verb: 'JOIN', code: 'room-name-invalid', login: true },
  { send: 'JOIN #two words', verb: 'JOIN', code: 'room-name-invalid', login: true },
  { send: 'CREATE #', verb: 'CREATE', code: 'room-name-invalid', login: true },
  { send: `CREATE #${'r'.repeat(51)}`, verb: 'CREATE', code: 'room-name-invalid', login: true },
  { send: 'MSG #bad.name hi', verb: 'MSG', code: 'room-name-invalid', login: true },
  { send: 'MEMBERS #\u00e9t\u00e9', verb: 'MEMBERS', code: 'room-name-invalid' },

  { send: (room) => `CREATE ${room.toUpperCase()}`, verb: 'CREATE', code: 'room-exists', login: true, withRoom: true },
  { send: 'LEAVE #nowhere', verb: 'LEAVE', code: 'no-such-room', login: true },
  { send: 'DESTROY #nowhere', verb: 'DESTROY', code: 'no-such-room', login: true },
  { send: 'MSG #nowhere hi', verb: 'MSG', code: 'no-such-room', login: true },
  { send: 'MEMBERS #nowhere', verb: 'MEMBERS', code: 'no-such-room' },
  { send: 'MSG @ghost hi', verb: 'MSG', code: 'no-such-user', login: true },
  { send: 'MSG ghost hi', verb: 'MSG', code: 'no-such-user', login: true },
  { send: (room) => `JOIN ${room}`, verb: 'JOIN', code: 'already-member', login: true, withRoom: true, member: true },
  { send: (room) => `LEAVE ${room}`, verb: 'LEAVE', code: 'not-member', login: true, withRoom: true },
  { send: (room) => `MSG ${room} hi`, verb: 'MSG', code: 'not-member', login: true, withRoom: true },
  { send: (room) => `DESTROY ${room}`, verb: 'DESTROY', code: 'not-room-owner', login: true, withRoom: true, member: true },
];

// A plain-mode success is silent; a PING round trip proves it produced no output.
async function silently(user, command) {
  user.send(command);
  await user.expectAlive();
}

// Joins an existing room.
async function join(user, room) {
  user.send(`JOIN ${room}`);
  if (user.mode === 'plain') {
    await user.expectAlive();
  } else {
    await user.expectEvent('JOIN', room, user);
    await user.expectLine(`OK JOIN ${room}`);
  }
}

// After the error, the connection carries on: a PING works, and the tester (logging in if it was
// not) can send a message that the watcher receives as the very next line.
async function expectStillUsable(tester, watcher) {
  await tester.expectAlive();
  if (!tester.loggedIn) await tester.login('tester');
  tester.send('SEND still here');
  if (tester.mode === 'rich') {
    await tester.expectMessageOk('SEND', await tester.expectMessage('*', tester, 'still here'));
  }
  await watcher.expectLine(`RECEIVE ${tester.nick} still here`);
}

// A short, printable spelling of a case's line for the test name: raw bytes as \xNN, other
// non-ASCII characters as \uNNNN.
function describeLine(line) {
  const text = typeof line === 'string'
    ? line.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : [...line].map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16)}`)).join('');
  return `"${text.length > 40 ? `${text.slice(0, 30)}... (${line.length} long)` : text}"`;
}

cases.forEach((errorCase, index) => {
  for (const mode of ['plain', 'rich']) {
    const room = `#case${index}_${mode}`;
    const line = typeof errorCase.send === 'function' ? errorCase.send(room) : errorCase.send;
    const who = errorCase.login ? 'logged in' : 'not logged in';
    test(`${mode}, ${who}: ${describeLine(line)} -> ${errorCase.code}`, async () => {
      const watcher = await pool.plain('watcher');
      for (const nick of errorCase.others ?? []) await pool.plain(nick);
      if (errorCase.withRoom) await silently(await pool.plain('owner'), `CREATE ${room}`);
      const tester = await pool[mode](errorCase.login ? 'tester' : undefined);
      if (errorCase.member) await join(tester, room);

      tester.write(bytes(line, '\n'));

      await tester.expectError(errorCase.verb, errorCase.code);
      await expectStillUsable(tester, watcher);
    });
  }
});

test('the limits themselves are accepted: 32-character nicknames, 50-character rooms, TAB and any UTF-8', async () => {
  const watcher = await pool.plain('watcher');
  const longest = `_${'n'.repeat(31)}`;
  const tester = await pool.rich(longest);
  await tester.login('a-9_Z');
  const room = `#${'r'.repeat(50)}`;
  tester.send(`JOIN ${room}`);
  await tester.expectEvent('CREATE', room, tester);
  await tester.expectEvent('JOIN', room, tester);
  await tester.expectLine(`OK JOIN ${room}`);
  const text = 'tab\there, \u00e9, \u2713, \u{1f600}';
  tester.send(`SEND ${text}`);
  await tester.expectMessageOk('SEND', await tester.expectMessage('*', tester, text));
  await watcher.expectLine(`RECEIVE a-9_Z ${text}`);
});
