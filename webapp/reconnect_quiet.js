// Quiet reconnects. When the app's connection drops (wsproxy or chatd restarted, the network
// went), everyone else's usually dropped too, and they come back one by one after the app has:
// their "is online" and "joined" events are no news to someone who never saw them go. For a
// while after logging in again, the people who were there before the drop come back silently
// (the lists still follow). Whoever goes away meanwhile is announced as usual when they return.
// Whoever has not come back when that while is over is announced as gone then, once: no event
// will ever say so (chatd restarted without them, or they left while the app was away).

import { fold } from './state.js';

const QUIET_MS = 60 * 1000;

export class ReconnectQuiet {
  #until = 0; // quiet until then; Infinity while logging in again
  #timer = null; // ends the quiet while
  #gone; // called with who has not come back when the quiet while ends
  #users = new Map(); // fold(nick) -> nick of who was online before the drop
  #members = new Map(); // room key -> Map of fold(nick) -> nick of who was in it

  // gone(users, members): the nicknames of `users` (an array) and of `members` (room key ->
  // array) who were there before the drop and have not been seen going since; the caller checks
  // which of them are still missing.
  constructor(gone) { this.#gone = gone; }

  // The connection dropped: remember who was there (adding to what an earlier drop, not long
  // ago, remembered: the lists may not have filled up again since).
  remember(state) {
    if (!this.#quiet()) this.forget();
    clearTimeout(this.#timer);
    for (const [folded, nick] of state.users) this.#users.set(folded, nick);
    for (const [key, room] of state.rooms) {
      if (!room.members) continue;
      const members = this.#members.get(key) ?? new Map();
      for (const [folded, nick] of room.members) members.set(folded, nick);
      this.#members.set(key, members);
    }
    this.#until = Infinity;
  }

  // Logged in again: the others have a minute to come back quietly.
  reconnected() {
    if (this.#until !== Infinity) return;
    this.#until = Date.now() + QUIET_MS;
    this.#timer = setTimeout(() => this.#over(), QUIET_MS);
  }

  forget() {
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#until = 0;
    this.#users.clear();
    this.#members.clear();
  }

  #over() {
    const users = [...this.#users.values()];
    const members = new Map([...this.#members].map(([key, nicks]) => [key, [...nicks.values()]]));
    this.forget();
    this.#gone(users, members);
  }

  #quiet() { return Date.now() < this.#until; }

  // Whether someone coming online is only coming back (nothing to announce).
  cameBackOnline(nick) { return this.#quiet() && this.#users.has(fold(nick)); }

  // Whether someone joining a room is only coming back to it.
  cameBackTo(roomKey, nick) { return this.#quiet() && Boolean(this.#members.get(roomKey)?.has(fold(nick))); }

  // Someone left after the reconnect: their return is news again (and their going was told).
  wentOffline(nick) {
    this.#users.delete(fold(nick));
    for (const members of this.#members.values()) members.delete(fold(nick));
  }

  left(roomKey, nick) { this.#members.get(roomKey)?.delete(fold(nick)); }
}
