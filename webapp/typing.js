// Typing notifications both ways (chatd's TYPING, IRCv3's +typing): what this tab tells while the
// person types, and who is typing in each conversation. chatd counts them against the same
// budget as its queries, so this follows IRCv3's client guidance on how often to send them.

import { fold } from './state.js';

// "active" again at most this often while the person keeps typing.
const ACTIVE_EVERY_MS = 3000;
// "paused" once nothing was typed for this long; someone else's indicator goes after as long
// without news from them (their "done" may never come: a closed tab).
const QUIET_MS = 6000;

// What this tab tells the others: "active" while the person types (at most every 3 s), "paused"
// after 6 s without a keystroke, "done" once they empty the composer, send, or move on, and
// only when "active" or "paused" was told.
export class TypingSender {
  #send; // (target, state): whether it went
  #target = null; // where "active" or "paused" was told, until "done"
  #state = null;
  #activeAt = 0;
  #pauseTimer = null;

  constructor(send) {
    this.#send = send;
  }

  // The person changed the composer's text to `text` in the conversation `target` ("#room" or
  // "@nick"; null where nobody is told, as everyone's).
  input(target, text) {
    const typing = Boolean(target) && text !== '';
    if (this.#state && (!typing || target !== this.#target)) this.done();
    if (!typing) return;
    if (this.#state !== 'active' || Date.now() - this.#activeAt >= ACTIVE_EVERY_MS) {
      this.#tell(target, 'active');
      this.#activeAt = Date.now();
    }
    clearTimeout(this.#pauseTimer);
    this.#pauseTimer = setTimeout(() => this.#tell(this.#target, 'paused'), QUIET_MS);
  }

  // Sent, or typing somewhere else now.
  done() {
    if (this.#state) this.#send(this.#target, 'done');
    this.forget();
  }

  // The connection is gone, and with it whatever chatd was told (the others' indicators expire).
  forget() {
    clearTimeout(this.#pauseTimer);
    this.#target = null;
    this.#state = null;
  }

  #tell(target, state) {
    if (!this.#send(target, state)) {
      this.forget();
      return;
    }
    this.#target = target;
    this.#state = state;
  }
}

// Who is typing where, from the others' typing events: each until they pause, finish, send their
// message, or say nothing for QUIET_MS. Emits 'change' (detail {key}) when a conversation's
// list changes.
export class Typists extends EventTarget {
  #typing = new Map(); // conversation key -> Map<fold(nick), { nick, timer }>, in order of arrival

  // `nick` said `state` ("active", "paused", "done") in the conversation `key`.
  update(key, nick, state) {
    if (state !== 'active') {
      this.stopped(key, nick);
      return;
    }
    let people = this.#typing.get(key);
    if (!people) {
      people = new Map();
      this.#typing.set(key, people);
    }
    const known = people.get(fold(nick));
    clearTimeout(known?.timer);
    people.set(fold(nick), { nick, timer: setTimeout(() => this.stopped(key, nick), QUIET_MS) });
    if (!known) this.#changed(key);
  }

  // `nick` is no longer typing in `key` (their message came, say).
  stopped(key, nick) {
    const people = this.#typing.get(key);
    const known = people?.get(fold(nick));
    if (!known) return;
    clearTimeout(known.timer);
    people.delete(fold(nick));
    if (people.size === 0) this.#typing.delete(key);
    this.#changed(key);
  }

  clear() {
    for (const [key, people] of [...this.#typing]) {
      for (const { timer } of people.values()) clearTimeout(timer);
      this.#typing.delete(key);
      this.#changed(key);
    }
  }

  names(key) {
    return [...(this.#typing.get(key)?.values() ?? [])].map(({ nick }) => nick);
  }

  #changed(key) {
    this.dispatchEvent(new CustomEvent('change', { detail: { key } }));
  }
}

// What the open conversation says about who is typing in it ('' for nobody).
export function typingText(names) {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}
