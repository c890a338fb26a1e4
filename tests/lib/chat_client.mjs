// Test-side helpers for chatd's line protocol (docs/protocol.md): a client that knows its mode
// and login, parsers for rich-mode lines, and a pool that logs everyone out between tests.
import assert from 'node:assert/strict';
import { after, afterEach, before } from 'node:test';
import { LineClient } from './line_client.mjs';
import { startChatd } from './processes.mjs';

export const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// docs/protocol.md, "Errors".
export const SENTENCES = {
  'unknown-command': 'Unrecognised command.',
  'line-too-long': 'Line too long.',
  'missing-argument': 'Missing argument; send HELP for usage.',
  'invalid-argument': 'Invalid argument; send HELP for usage.',
  'username-required': 'Set a username first with USERNAME <name>.',
  'username-empty': 'Username is empty.',
  'username-has-spaces': 'Username contains empty spaces.',
  'username-too-long': 'Username is too long.',
  'username-invalid':
    "Username may contain only letters, digits, '_' and '-', and must start with a letter or '_'.",
  'username-taken': 'Username is already taken.',
  'message-empty': 'Message is empty.',
  'message-invalid-utf8': 'Message is not valid UTF-8.',
  'message-control-characters': 'Message contains control characters.',
  'message-too-many-lines': 'Message has too many lines (at most 100).',
  'room-name-invalid': "Room names are '#' followed by up to 50 letters, digits, '_' or '-'.",
  'room-exists': 'Room already exists.',
  'no-such-room': 'No such room.',
  'no-such-user': 'No such user.',
  'already-member': 'You are already in that room.',
  'not-member': 'You are not in that room.',
  'not-room-owner': "Only the room's owner can do that.",
  'room-limit': 'Too many rooms; destroy one first.',
  'password-invalid': 'Passwords are 8 to 128 characters without spaces or control characters.',
  'login-failed': 'Wrong nickname or password.',
  'login-throttled': 'Too many failed logins; wait a minute and try again.',
  'already-logged-in': 'You are already logged in; LOGOUT first.',
  'nickname-registered': 'That nickname is registered; log in with LOGIN <nick> <password>.',
  'already-registered': 'You are already logged in to an account.',
  'not-registered': 'Only registered users can do that; REGISTER <password> first.',
  'token-invalid': 'Session expired or unknown; log in again.',
  'no-such-message': 'No such message.',
  'store-failed': 'The server could not save that; try again.',
  'store-disabled': 'This server keeps no accounts or history.',
  'login-timeout': 'You did not log in in time.',
  'too-many-connections': 'Too many connections; try again later.',
  'no-such-provider': 'No sign-in provider by that name; PROVIDERS lists them.',
  'signin-expired': 'That sign-in is unknown, already used or expired; start it again.',
  'signin-failed': "The provider's answer did not verify; no session was opened.",
  'provider-unavailable': 'The sign-in provider could not be reached; try again later.',
  'identity-linked': 'That identity is linked to another account already.',
  'link-needs-account': 'Log in to the account that asked for this link, then send it again.',
  'redirect-refused': 'This server does not send sign-ins back to that address.',
  'signin-busy': 'That identity is signing in on another connection; try again.',
  'cluster-unavailable': 'The chat network cannot be reached just now; try again shortly.',
  'web-only': 'This server takes browsers only, through its web proxy.',
};

export function errorLine(mode, verb, code) {
  assert.ok(code in SENTENCES, `unknown error code ${code}`);
  return mode === 'rich' ? `ERROR ${verb} ${code} ${SENTENCES[code]}` : `ERROR ${SENTENCES[code]}`;
}

// Splits a line into `count` fields: count-1 single words, then the rest of the line.
export function fields(line, count) {
  const words = line.split(' ');
  assert.ok(words.length >= count, `expected at least ${count} fields in ${JSON.stringify(line)}`);
  return [...words.slice(0, count - 1), words.slice(count - 1).join(' ')];
}

// A server time: the spec's format, and close to this machine's clock.
export function assertTime(time) {
  assert.match(time, TIME);
  assert.ok(Math.abs(Date.parse(time) - Date.now()) < 60_000, `time ${time} is not now`);
}

// `MESSAGE <msgid> <time> <target> <identifier> <from> <text>`
export function parseMessage(line) {
  const [tag, msgid, time, target, identifier, from, text] = fields(line, 7);
  assert.equal(tag, 'MESSAGE', line);
  assert.match(msgid, UUID);
  assertTime(time);
  assert.match(identifier, UUID);
  return { msgid, time, target, identifier, from, text };
}

// `EVENT <time> <KIND> <room or *> <identifier> <nick> [<previous nick>]`
export function parseEvent(line) {
  const [tag, time, kind, room, identifier, nick, ...rest] = line.split(' ');
  assert.equal(tag, 'EVENT', line);
  assert.ok(rest.length <= 1, `too many fields in ${JSON.stringify(line)}`);
  assertTime(time);
  assert.match(identifier, UUID);
  return { time, kind, room, identifier, nick, previous: rest[0] };
}

let pings = 0;

export class ChatClient extends LineClient {
  mode = 'plain';
  loggedIn = false;
  // The last nickname and identifier this connection logged in with (kept after a logout, to
  // check the events it causes).
  nick = undefined;
  id = undefined;

  async expectLine(expected, timeoutMs) {
    assert.equal(await this.line(timeoutMs), expected);
  }

  async expectLines(expected) {
    for (const line of expected) await this.expectLine(line);
  }

  // Nothing arrives before the answer to a PING sent now. A barrier, not a wait: chatd answers
  // in order and fans out before it acknowledges, so once whatever could have sent this client
  // something has been acknowledged, anything it sent is queued before the PONG.
  async expectSilence() {
    await this.expectAlive();
  }

  async expectError(verb, code) {
    await this.expectLine(errorLine(this.mode, verb, code));
  }

  // A PING round trip: proves the connection works and that everything sent before it was handled
  // without any output (the reply must be the very next line).
  async expectAlive() {
    const token = `p${++pings}`;
    this.send(`PING ${token}`);
    await this.expectLine(this.mode === 'rich' ? `OK PING ${token}` : `PONG ${token}`);
  }

  async becomeRich() {
    this.send('RICH');
    await this.expectLine('OK RICH');
    this.mode = 'rich';
  }

  // Logs in (or renames). Rich mode checks `OK USERNAME <nick> <identifier>`, the identifier
  // staying the same on a rename; plain mode has no reply, so a PING round trip proves the command
  // was silent.
  async login(nick) {
    this.send(`USERNAME ${nick}`);
    if (this.mode === 'rich') {
      const [ok, verb, name, identifier] = fields(await this.line(), 4);
      assert.deepEqual([ok, verb, name], ['OK', 'USERNAME', nick]);
      assert.match(identifier, UUID);
      if (this.loggedIn) assert.equal(identifier, this.id, 'identifier changed on rename');
      this.id = identifier;
    } else {
      await this.expectAlive();
    }
    this.nick = nick;
    this.loggedIn = true;
  }

  async logout() {
    this.send('LOGOUT');
    if (this.mode === 'rich') await this.expectLine('OK LOGOUT');
    else await this.expectAlive();
    this.loggedIn = false;
  }

  // Reads the next line and checks it is the given event about `user` (a logged-in ChatClient).
  async expectEvent(kind, room, user, previous) {
    const event = parseEvent(await this.line());
    assert.deepEqual(
      { kind: event.kind, room: event.room, identifier: event.identifier, nick: event.nick, previous: event.previous },
      { kind, room, identifier: user.id, nick: user.nick, previous },
    );
    return event;
  }

  // Reads the next line and checks it is a MESSAGE from `sender` to `target` with `text`.
  async expectMessage(target, sender, text) {
    const message = parseMessage(await this.line());
    assert.deepEqual(
      { target: message.target, identifier: message.identifier, from: message.from, text: message.text },
      { target, identifier: sender.id, from: sender.nick, text },
    );
    return message;
  }

  // Reads `OK <verb> <msgid> <time>` and checks it matches the echoed MESSAGE.
  async expectMessageOk(verb, message) {
    await this.expectLine(`OK ${verb} ${message.msgid} ${message.time}`);
  }

  // Sends a list query (`USERS`, `ROOMS`, `MEMBERS #room`) and returns the words of its answer
  // after the head (`USERS`, `OK USERS`...), in the order received.
  async list(command) {
    this.send(command);
    const verb = command.split(' ')[0].toUpperCase();
    const head = this.mode === 'rich' ? `OK ${verb}` : verb;
    const line = await this.line();
    assert.ok(line === head || line.startsWith(`${head} `), `expected "${head} ...", got ${JSON.stringify(line)}`);
    return line.slice(head.length).split(' ').filter(Boolean);
  }

  // Logs out and closes (QUIT), waiting for the server's close so that every event the logout
  // causes has been sent before the next test starts.
  async quit() {
    if (!this.closed) {
      this.socket.resume();
      this.send('QUIT');
      await this.waitClosed(3000);
    }
    this.close();
  }
}

// The connections of one test file, on one chatd.
export class ChatPool {
  constructor(port) {
    this.port = port;
    this.clients = [];
  }

  async connect() {
    const client = await ChatClient.connect(this.port);
    this.clients.push(client);
    return client;
  }

  async plain(nick) {
    const client = await this.connect();
    if (nick !== undefined) await client.login(nick);
    return client;
  }

  async rich(nick) {
    const client = await this.connect();
    await client.becomeRich();
    if (nick !== undefined) await client.login(nick);
    return client;
  }

  // A rich client that asked for RICH MULTILINE (a message's line breaks escaped in its one line).
  async multiline(nick) {
    const client = await this.connect();
    client.send('RICH MULTILINE');
    await client.expectLine('OK RICH MULTILINE');
    client.mode = 'rich';
    if (nick !== undefined) await client.login(nick);
    return client;
  }

  // A rich guest `nick` that registers `password`: the connection is then the account's.
  async account(nick, password = 'correct-horse') {
    const client = await this.rich(nick);
    client.send(`REGISTER ${password}`);
    assert.equal(await client.lineMatching(/^(OK|ERROR) REGISTER/, 10000), `OK REGISTER ${nick} ${client.id}`);
    return client;
  }

  // A new rich connection logged in to an account with its password; it knows its identifier
  // and the session token chatd gave.
  async accountLogin(nick, password = 'correct-horse') {
    const client = await this.rich();
    client.send(`LOGIN ${nick} ${password}`);
    const [ok, verb, name, identifier, token] = fields(await client.lineMatching(/^(OK|ERROR) LOGIN/, 10000), 5);
    assert.deepEqual([ok, verb, name], ['OK', 'LOGIN', nick]);
    assert.match(identifier, UUID);
    assert.match(token, /^[0-9a-f]{64}$/);
    Object.assign(client, { nick, id: identifier, token, loggedIn: true });
    return client;
  }

  // Logs `nick` in; every rich user in `observers` must see its ONLINE event. A plain user's
  // identifier (plain mode never shows it) is learnt from those events.
  async arrive(mode, nick, observers) {
    const user = await this[mode](nick);
    for (const observer of observers.filter((other) => other.mode === 'rich')) {
      const event = parseEvent(await observer.line());
      assert.deepEqual([event.kind, event.room, event.nick], ['ONLINE', '*', nick]);
      user.id ??= event.identifier;
      assert.equal(event.identifier, user.id);
    }
    return user;
  }

  // Logs users in one after another, e.g. users({ alice: 'rich', bob: 'plain' }), each seen
  // arriving by the rich ones before it; returns them by nickname.
  async users(modes) {
    const online = [];
    for (const [nick, mode] of Object.entries(modes)) online.push(await this.arrive(mode, nick, online));
    return Object.fromEntries(online.map((user) => [user.nick, user]));
  }

  async closeAll() {
    await Promise.all(this.clients.splice(0).map((client) => client.quit()));
  }
}

// Starts one chatd (with the given flags) for the calling test file and returns a pool of
// connections to it, all closed after each test. Call at the top level of a test file.
export function chatdPool(args = []) {
  const pool = new ChatPool();
  let chatd;
  before(async () => {
    chatd = await startChatd(args);
    pool.port = chatd.port;
  });
  afterEach(() => pool.closeAll());
  after(() => chatd.stop());
  return pool;
}
