// A raw IRC client for chatd's IRC front, as a test would type it: CR LF lines, and helpers to
// register and to wait for a numeric or a command.
import assert from 'node:assert/strict';
import { after, afterEach, before } from 'node:test';
import { ChatPool } from './chat_client.mjs';
import { LineClient } from './line_client.mjs';
import { startChatd } from './processes.mjs';

export class IrcClient extends LineClient {
  send(line) { this.socket.write(`${line}\r\n`); }

  // The next line without its CR LF (IRC ends every line so; a bare LF is a failure).
  async line(timeoutMs) {
    const text = await super.line(timeoutMs);
    assert.ok(text.endsWith('\r'), `a line without CR: ${JSON.stringify(text)}`);
    return text.slice(0, -1);
  }

  // Registers as `nick` (after CAP REQ of `caps`, if any) and reads up to the end of the
  // welcome (366 of &everyone). Returns the lines of the welcome.
  async register(nick, { caps = [], pass } = {}) {
    if (caps.length) this.send('CAP LS 302');
    if (pass) this.send(`PASS ${pass}`);
    this.send(`NICK ${nick}`);
    this.send(`USER ${nick} 0 * :${nick} of the tests`);
    const lines = [];
    if (caps.length) {
      lines.push(await this.lineMatching(/ CAP \* LS /));
      this.send(`CAP REQ :${caps.join(' ')}`);
      lines.push(await this.lineMatching(/ CAP \S+ (ACK|NAK) /));
      this.send('CAP END');
    }
    for (;;) {
      const line = await this.line();
      lines.push(line);
      if (/ 366 \S+ &everyone /.test(line)) break;
      if (/ (432|433|464) /.test(line)) throw new Error(`registration refused: ${line}`);
    }
    this.nick = nick;
    return lines;
  }

  // The next line with this numeric or command (its source and tags left aside).
  async expect(command, timeoutMs = 3000) {
    return this.lineMatching((line) => parse(line).command === command, timeoutMs);
  }
}

// "@tags :source COMMAND params :trailing" as { tags, source, command, params }.
export function parse(line) {
  let rest = line;
  const tags = {};
  if (rest.startsWith('@')) {
    const space = rest.indexOf(' ');
    for (const tag of rest.slice(1, space).split(';')) {
      const [key, value = ''] = tag.split('=');
      tags[key] = value;
    }
    rest = rest.slice(space + 1);
  }
  let source = '';
  if (rest.startsWith(':')) {
    const space = rest.indexOf(' ');
    source = rest.slice(1, space);
    rest = rest.slice(space + 1);
  }
  const trailingAt = rest.indexOf(' :');
  const head = trailingAt >= 0 ? rest.slice(0, trailingAt) : rest;
  const params = head.split(' ').filter(Boolean);
  const command = params.shift();
  if (trailingAt >= 0) params.push(rest.slice(trailingAt + 2));
  return { tags, source, command, params };
}

// One chatd (with the given flags) for the calling test file: a pool of chatd-protocol
// connections to it, and irc(), which opens an IRC connection (to it, or to another chatd's IRC
// port); all are closed after each test. Call at the top level of a test file.
export function chatdWithIrc(args = []) {
  const pool = new ChatPool();
  const opened = [];
  let chatd;
  before(async () => {
    chatd = await startChatd(args);
    pool.port = chatd.port;
  });
  afterEach(async () => {
    for (const client of opened.splice(0)) client.close();
    await pool.closeAll();
  });
  after(() => chatd.stop());
  const irc = async (port = chatd.ircPort) => {
    const client = await IrcClient.connect(port);
    opened.push(client);
    return client;
  };
  return { pool, irc };
}
