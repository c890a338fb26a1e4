// Quiet reconnects. When the app's connection drops (wsproxy or chatd restarted, the network
// went), everyone else's usually dropped too, and they come back one by one after the app has:
// their "is online" and "joined" events are no news to someone who never saw them go. For a
// while after logging in again, the people who were there before the drop come back silently
// (the lists still follow). Whoever goes away meanwhile is announced as usual when they return.

import { fold } from './state.js';

const QUIET_MS = 60 * 1000;

export class ReconnectQuiet {
  #until = 0; // quiet until then; Infinity while logging in again
  #users = new Set(); // fold(nick) of who was online before the drop
  #members = new Map(); // room key -> Set of fold(nick) of who was in it

  // The connection dropped: remember who was there (adding to what an earlier drop, not long
  // ago, remembered: the lists may not have filled up again since).
  remember(state) {
    if (!this.#quiet()) this.forget();
    for (const nick of state.users.keys()) this.#users.add(nick);
    for (const [key, room] of state.rooms) {
      if (!room.members) continue;
      const members = this.#members.get(key) ?? new Set();
      for (const nick of room.members.keys()) members.add(nick);
      this.#members.set(key, members);
    }
    this.#until = Infinity;
  }

  // Logged in again: the others have a minute to come back quietly.
  reconnected() {
    if (this.#until === Infinity) this.#until = Date.now() + QUIET_MS;
  }

  forget() {
    this.#until = 0;
    this.#users.clear();
    this.#members.clear();
  }

  #quiet() { return Date.now() < this.#until; }

  // Whether someone coming online is only coming back (nothing to announce).
  cameBackOnline(nick) { return this.#quiet() && this.#users.has(fold(nick)); }

  // Whether someone joining a room is only coming back to it.
  cameBackTo(roomKey, nick) { return this.#quiet() && Boolean(this.#members.get(roomKey)?.has(fold(nick))); }

  // Someone left after the reconnect: their return is news again.
  wentOffline(nick) {
    this.#users.delete(fold(nick));
    for (const members of this.#members.values()) members.delete(fold(nick));
  }

  left(roomKey, nick) { this.#members.get(roomKey)?.delete(fold(nick)); }
}
