// The client's picture of the chat: who I am, the conversations and their messages, the rooms
// and the users online. It knows nothing about the DOM or the socket; it emits events that the
// view turns into DOM updates:
//
//   'me'            my nickname changed
//   'conversations' the sidebar's list changed (added, removed, renamed, unread, joined)
//   'users'         the online users changed
//   'active'        another conversation was selected
//   'unread-seen'   detail {key, entry}: the active conversation's unread messages, from `entry`
//                   on, are now in front of the person (selected, or the tab shown again)
//   'header'        the active conversation's title or subtitle may have changed
//   'entry'         detail {key, entry}: a message or notice was added at the end of a conversation
//   'history'       detail {key, mode}: a conversation's messages changed other than at the end
//                   (a page of history was merged in, or old entries were dropped): redraw it
//   'history-state' detail {key}: a conversation's history status changed (loading, beginning)
//   'renamed'       detail {from, to}: a conversation changed key (a user was renamed)
//   'removed'       detail {key}: a conversation disappeared (its room was destroyed)
//   'reset'         everything was cleared (logged out)

import { actionText, mentions } from './message_text.js';

export const EVERYONE = '*';
// Entries kept per conversation; past the limit the oldest are dropped down to TRIM_TO (they can
// be loaded again by scrolling back).
const MAX_ENTRIES = 2000;
const TRIM_TO = 1500;

// Nicknames and room names are ASCII and compared case-insensitively (docs/protocol.md).
export const fold = (name) => name.toLowerCase();
export const roomKey = (room) => fold(room.startsWith('#') ? room : `#${room}`);
export const dmKey = (nick) => `@${fold(nick.replace(/^@/, ''))}`;

// The conversation a server target names: "*", "#room" or "@nick".
export function keyForTarget(target) {
  if (!target || target === EVERYONE) return EVERYONE;
  if (target.startsWith('#')) return roomKey(target);
  return dmKey(target);
}

const timeOf = (iso) => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? Date.now() : ms;
};

// A stable, selector-friendly slug for data-testid attributes.
export function slugFor(key) {
  if (key === EVERYONE) return 'everyone';
  if (key.startsWith('#')) return `room-${key.slice(1)}`;
  return `dm-${key.slice(1)}`;
}

export class ChatState extends EventTarget {
  constructor() {
    super();
    this.#init();
  }

  #init() {
    this.me = null; // { nickname, identifier, account }
    // key -> { key, kind, name, entries, unread, mentions, readId, readThrough, history, peerKept }
    //   mentions: how many of the unread messages mention my nickname
    //   readId: the account's read marker there (undefined: not known yet, null: none set)
    //   readThrough: a message known to be at or before the marker, for when the marker's own
    //     message is not loaded here (another device read further than this tab has got)
    //   history: { loaded, more, loadingOlder, unavailable } (more: older messages exist)
    //   peerKept (private conversations): whether chatd keeps messages for the other person while
    //     they are offline (true: an account; false: chatd refuses them, a guest who left;
    //     undefined: not known)
    this.conversations = new Map();
    // key -> { name, joined, owner, members: Map<fold, nick> | null, topic, removedBy }
    //   owner: who may moderate the room (destroy it, set its topic, remove members): its owner's
    //     nickname, null when its guest owner has gone (then any member may), undefined: not known
    //   topic: the room's topic ('' none, undefined: not known yet)
    //   removedBy: who removed me from the room (KICK), until I join it again
    this.rooms = new Map();
    this.users = new Map(); // fold(nick) -> nick
    this.activeKey = EVERYONE;
    this.conversations.set(EVERYONE, newConversation(EVERYONE, 'everyone', 'Everyone'));
  }

  #emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }

  reset() {
    this.#init();
    this.#emit('reset');
  }

  // The target a conversation is addressed by: "*", "#room" or "@nick".
  targetOf(key) {
    const conversation = this.conversations.get(key);
    if (!conversation) return null;
    if (conversation.kind === 'everyone') return EVERYONE;
    if (conversation.kind === 'room') return this.rooms.get(key)?.name ?? conversation.name;
    return `@${conversation.name}`;
  }

  isMe(nick) { return this.me !== null && fold(nick) === fold(this.me.nickname); }
  get active() { return this.conversations.get(this.activeKey); }
  get totalMentions() {
    let total = 0;
    for (const conversation of this.conversations.values()) total += conversation.mentions;
    return total;
  }
  get totalUnread() {
    let total = 0;
    for (const conversation of this.conversations.values()) total += conversation.unread;
    return total;
  }

  setMe(nickname, identifier, account = this.me?.account ?? false) {
    const previous = this.me?.nickname;
    this.me = { nickname, identifier, account };
    if (previous && fold(previous) !== fold(nickname)) {
      this.users.delete(fold(previous));
      for (const room of this.rooms.values()) renameMember(room, previous, nickname);
    }
    this.users.set(fold(nickname), nickname);
    this.#emit('me');
    this.#emit('users');
    this.#emit('header');
  }

  // ---- conversations -----------------------------------------------------------------------

  #conversation(key, kind, name) {
    let conversation = this.conversations.get(key);
    if (!conversation) {
      conversation = newConversation(key, kind, name);
      this.conversations.set(key, conversation);
      this.#emit('conversations');
    } else if (conversation.name !== name) {
      conversation.name = name;
      this.#emit('conversations');
      if (key === this.activeKey) this.#emit('header');
    }
    return conversation;
  }

  openDm(nick) {
    const conversation = this.addDm(nick);
    this.select(conversation.key);
    return conversation;
  }

  // A private conversation in the sidebar, without opening it.
  addDm(nick) { return this.#conversation(dmKey(nick), 'dm', nick.replace(/^@/, '')); }

  // Drops a private conversation (with a user the server no longer knows).
  dropDm(key) {
    if (key.startsWith('@')) this.#removeConversation(key);
  }

  // What the app learnt about keeping messages for a private conversation's offline partner.
  setPeerKept(key, kept) {
    const conversation = this.conversations.get(key);
    if (conversation?.kind !== 'dm' || conversation.peerKept === kept) return;
    conversation.peerKept = kept;
    if (key === this.activeKey) this.#emit('header');
  }

  select(key) {
    const conversation = this.conversations.get(key);
    if (!conversation) return;
    const changed = key !== this.activeKey;
    this.activeKey = key;
    const firstUnread = conversation.unread ? firstUnreadEntry(conversation) : null;
    if (conversation.unread) {
      conversation.unread = 0;
      conversation.mentions = 0;
      this.#emit('conversations');
    }
    if (changed) this.#emit('active');
    if (firstUnread) this.#emit('unread-seen', { key, entry: firstUnread });
    this.#emit('header');
  }

  // Whether the person can see this conversation now (its messages are not unread).
  isInView(key) { return key === this.activeKey && !globalThis.document?.hidden; }

  #add(conversation, entry, { countUnread }) {
    entry.t = timeOf(entry.time);
    conversation.entries.push(entry);
    const trimmed = this.#trim(conversation);
    if (countUnread) this.#countNew(conversation, [entry]);
    if (trimmed) this.#emit('history', { key: conversation.key, mode: 'trim' });
    else this.#emit('entry', { key: conversation.key, entry });
  }

  #trim(conversation) {
    if (conversation.entries.length <= MAX_ENTRIES) return false;
    const dropped = conversation.entries.splice(0, conversation.entries.length - TRIM_TO);
    for (const entry of dropped) if (entry.id) conversation.ids.delete(entry.id);
    conversation.history.more = true; // what was dropped can be loaded again
    return true;
  }

  // New messages from others (`added`) arrived in a conversation. With a known read marker the
  // count is worked out from it (so that every tab of an account agrees); without, it is counted.
  #countNew(conversation, added) {
    if (this.me?.account && conversation.readId !== undefined) {
      this.#recount(conversation);
    } else if (added.length > 0 && !this.isInView(conversation.key)) {
      conversation.unread += added.length;
      conversation.mentions += added.filter((entry) => entry.mention).length;
      this.#emit('conversations');
    }
  }

  // Where the read messages end in a conversation's entries: the index of the marker's message,
  // or of a message known to be read when the marker's is not loaded (-1: none is read), or
  // null when that is unknown here.
  #readIndex(conversation) {
    const { entries, readId, readThrough } = conversation;
    if (!readId) return -1;
    const at = indexOfId(entries, readId);
    if (at >= 0) return at;
    // The marker is later than a message shown here: all up to that one is read (and, messages
    // arriving in order, the marker's message has not come yet).
    const through = indexOfId(entries, readThrough);
    if (through >= 0) return through;
    // Otherwise a marker not among the loaded messages lies before them when older ones exist.
    return conversation.history.more ? -1 : null;
  }

  // Unread = messages from others after the read marker. A marker that is unknown here (see
  // #readIndex) leaves the count alone. No marker at all: everything loaded is unread.
  #recount(conversation) {
    const { entries } = conversation;
    const read = this.#readIndex(conversation);
    if (read === null) return;
    const from = read + 1;
    let unread = 0;
    let mentioned = 0;
    if (!this.isInView(conversation.key)) {
      for (let i = from; i < entries.length; i += 1) {
        if (entries[i].type === 'message' && !entries[i].mine) {
          unread += 1;
          if (entries[i].mention) mentioned += 1;
        }
      }
    }
    if (unread !== conversation.unread || mentioned !== conversation.mentions) {
      conversation.unread = unread;
      conversation.mentions = mentioned;
      this.#emit('conversations');
    }
  }

  // The account's read marker in a conversation (a reply to READ, or another device's read).
  // Markers only move forward, so what was read stays read; `readThrough`: the message this tab
  // marked as read, when the server answers with the marker as it stands (perhaps later).
  setReadMarker(key, id, { readThrough } = {}) {
    const conversation = this.conversations.get(key);
    if (!conversation) return;
    const { entries } = conversation;
    // The latest loaded message known to be read, in case the new marker's is not loaded.
    let through = null;
    let throughAt = -1;
    for (const known of [conversation.readId, conversation.readThrough, readThrough]) {
      const at = known ? indexOfId(entries, known) : -1;
      if (at > throughAt) {
        through = known;
        throughAt = at;
      }
    }
    conversation.readId = id ?? null;
    conversation.readThrough = id ? through : null;
    if (this.me?.account) this.#recount(conversation);
  }

  // Whether the account is known to have read a message here (at or before its marker).
  isRead(key, id) {
    const conversation = this.conversations.get(key);
    if (!conversation || !id) return false;
    if (id === conversation.readId) return true;
    const at = indexOfId(conversation.entries, id);
    const read = this.#readIndex(conversation);
    return at >= 0 && read !== null && at <= read;
  }

  // The newest message with a server id in a conversation.
  newestMessage(key) {
    const entries = this.conversations.get(key)?.entries ?? [];
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      if (entries[i].type === 'message' && entries[i].id) return entries[i];
    }
    return null;
  }

  oldestMessage(key) {
    for (const entry of this.conversations.get(key)?.entries ?? []) {
      if (entry.type === 'message' && entry.id) return entry;
    }
    return null;
  }

  // ---- history -----------------------------------------------------------------------------

  setHistoryStatus(key, changes) {
    const conversation = this.conversations.get(key);
    if (!conversation) return;
    Object.assign(conversation.history, changes);
    this.#emit('history-state', { key });
  }

  // A page of {"type":"history"} frames for a conversation, oldest first. mode: 'latest' (the
  // newest page), 'before' (scrolling back: `more` says older ones exist) or 'after' (catching up
  // after a reconnect: what arrives counts as new). Messages already shown are skipped; the rest
  // go in server order.
  mergeHistory(key, frames, { mode, more }) {
    const conversation = this.conversations.get(key);
    if (!conversation) return 0;
    const fresh = [];
    for (const frame of frames) {
      const entry = this.#messageEntry(conversation, frame);
      if (entry) fresh.push(entry);
    }
    const { entries } = conversation;
    if (mode === 'before') {
      // Older than every message shown: each goes before the oldest message, and before the
      // notices older than itself.
      let at = entries.findIndex((entry) => entry.type === 'message');
      if (at < 0) at = entries.length;
      for (let i = fresh.length - 1; i >= 0; i -= 1) {
        const entry = fresh[i];
        while (at > 0 && entries[at - 1].t > entry.t) at -= 1;
        entries.splice(at, 0, entry);
      }
    } else {
      for (const entry of fresh) {
        let at = entries.length;
        while (at > 0 && entries[at - 1].t > entry.t) at -= 1;
        entries.splice(at, 0, entry);
      }
    }
    const history = conversation.history;
    if (mode === 'latest') {
      history.loaded = true;
      history.more = more;
    } else if (mode === 'before') {
      history.more = more;
    }
    if (mode === 'before') history.loadingOlder = false;
    else this.#trim(conversation); // never drop the page just asked for
    const others = fresh.filter((entry) => !entry.mine);
    if (mode === 'after') this.#countNew(conversation, others);
    else if (this.me?.account && conversation.readId !== undefined) this.#recount(conversation);
    if (fresh.length > 0) this.#emit('history', { key, mode });
    this.#emit('history-state', { key });
    return fresh.length;
  }

  notice(key, text, time = new Date().toISOString()) {
    const conversation = this.conversations.get(key);
    if (conversation) this.#add(conversation, { type: 'notice', text, time }, { countUnread: false });
  }

  // The conversation a message frame belongs to, created if new.
  conversationFor(frame) {
    const { target = EVERYONE, nickname: from = '?' } = frame;
    if (target === EVERYONE) return this.conversations.get(EVERYONE);
    if (target.startsWith('#')) {
      this.#room(target);
      return this.#conversation(roomKey(target), 'room', target);
    }
    // A private message's target is "@<recipient>": the conversation is with the other party.
    const peer = this.isMe(from) ? target.replace(/^@/, '') : from;
    return this.#conversation(dmKey(peer), 'dm', peer);
  }

  // A message frame as an entry of a conversation, or null when that message is already in it.
  #messageEntry(conversation, frame) {
    const { nickname: from = '?', message: text = '', id, time } = frame;
    if (id) {
      if (conversation.ids.has(id)) return null;
      conversation.ids.add(id);
    }
    const stamp = time ?? new Date().toISOString();
    const mine = this.isMe(from);
    // An action ("/me waves"): what it says, shown after the sender's name; only that can mention.
    const action = actionText(text);
    return {
      type: 'message', id, time: stamp, t: timeOf(stamp), from, fromId: frame.identifier, text, action,
      mine, mention: !mine && mentions(action ?? text, this.me?.nickname),
    };
  }

  // A {"type":"message"} frame from the proxy. Returns the conversation's key, or null for a
  // message already shown.
  addMessage(frame) {
    const conversation = this.conversationFor(frame);
    const entry = this.#messageEntry(conversation, frame);
    if (!entry) return null;
    this.#add(conversation, entry, { countUnread: !entry.mine });
    return conversation.key;
  }

  // ---- rooms -------------------------------------------------------------------------------

  #room(name) {
    const key = roomKey(name);
    let room = this.rooms.get(key);
    if (!room) {
      room = {
        name: name.startsWith('#') ? name : `#${name}`, joined: false, owner: undefined, members: null,
        topic: undefined, removedBy: null,
      };
      this.rooms.set(key, room);
      this.#conversation(key, 'room', room.name);
      this.#emit('conversations');
    }
    return room;
  }

  room(name) { return this.rooms.get(roomKey(name)); }

  setRooms(names) {
    const keep = new Set(names.map(roomKey));
    for (const [key, room] of this.rooms) {
      if (!keep.has(key) && !room.joined) this.#dropRoom(key);
    }
    for (const name of names) this.#room(name);
    this.#emit('conversations');
  }

  roomCreated(name, by) {
    const room = this.#room(name);
    if (by) room.owner = by;
    if (this.activeKey === roomKey(name)) this.#emit('header');
  }

  // chatd's answer to OWNER: a nickname, or null once a guest owner has gone.
  setOwner(name, owner) {
    const room = this.rooms.get(roomKey(name));
    if (!room || room.owner === owner) return;
    room.owner = owner;
    if (this.activeKey === roomKey(name)) this.#emit('header');
  }

  // Whether chatd lets me moderate the room `key`, as far as is known.
  mayModerate(key) {
    const owner = this.rooms.get(key)?.owner;
    return owner === null || (owner !== undefined && this.isMe(owner));
  }

  roomDestroyed(name, by) {
    const key = roomKey(name);
    if (!this.rooms.has(key)) return false;
    const wasJoined = this.rooms.get(key).joined;
    this.#dropRoom(key);
    return wasJoined;
  }

  #dropRoom(key) {
    this.rooms.delete(key);
    this.#removeConversation(key);
  }

  // Forgets a conversation; if it was open, everyone's is open instead.
  #removeConversation(key) {
    if (!this.conversations.delete(key)) return;
    if (this.activeKey === key) {
      this.activeKey = EVERYONE;
      this.#emit('active');
      this.#emit('header');
    }
    this.#emit('removed', { key });
    this.#emit('conversations');
  }

  setJoined(name, joined) {
    const room = this.#room(name);
    if (room.joined === joined) return;
    room.joined = joined;
    if (!joined) room.members = null;
    else room.removedBy = null;
    this.#emit('conversations');
    if (this.activeKey === roomKey(name)) this.#emit('header');
  }

  setMembers(name, members) {
    const room = this.#room(name);
    room.members = new Map(members.map((nick) => [fold(nick), nick]));
    if (this.activeKey === roomKey(name)) this.#emit('header');
  }

  // announce: false for someone only coming back after a reconnect (reconnect_quiet.js).
  memberJoined(name, nick, time, { announce = true } = {}) {
    const room = this.#room(name);
    room.members?.set(fold(nick), nick);
    if (this.isMe(nick)) return;
    if (announce) this.notice(roomKey(name), `${nick} joined ${room.name}`, time);
    if (this.activeKey === roomKey(name)) this.#emit('header');
  }

  memberLeft(name, nick, time) {
    const room = this.rooms.get(roomKey(name));
    if (room) this.#memberGone(room, nick, `${nick} left ${room.name}`, time);
  }

  // Someone was removed from a room by its owner (KICK). When it is me, the controller then
  // marks the room not joined (setJoined); it stays listed and says who removed me.
  memberKicked(name, nick, by, time) {
    const room = this.rooms.get(roomKey(name));
    if (!room) return;
    const byMe = this.isMe(by);
    let text;
    if (!this.isMe(nick)) text = `${nick} was removed by ${byMe ? 'you' : by}`;
    else if (byMe) text = `You removed yourself from ${room.name}`;
    else {
      text = `You were removed from ${room.name} by ${by}`;
      room.removedBy = by;
    }
    this.#memberGone(room, nick, text, time);
  }

  #memberGone(room, nick, text, time) {
    const key = roomKey(room.name);
    room.members?.delete(fold(nick));
    this.notice(key, text, time);
    if (this.activeKey === key) this.#emit('header');
  }

  // A room's topic as the server has it ('' for none).
  setTopic(name, topic) {
    const room = this.rooms.get(roomKey(name));
    if (!room || room.topic === topic) return;
    room.topic = topic;
    if (this.activeKey === roomKey(name)) this.#emit('header');
  }

  // The topic was set or cleared by `by` (a TOPIC event).
  topicChanged(name, topic, by, time) {
    const room = this.rooms.get(roomKey(name));
    if (!room) return;
    this.setTopic(name, topic);
    const who = this.isMe(by) ? 'You' : by;
    this.notice(roomKey(name), topic ? `${who} set the topic: ${topic}` : `${who} cleared the topic`, time);
  }

  // ---- users -------------------------------------------------------------------------------

  isOnline(nick) { return this.users.has(fold(nick)); }

  setUsers(names) {
    this.users = new Map(names.map((nick) => [fold(nick), nick]));
    if (this.me) this.users.set(fold(this.me.nickname), this.me.nickname);
    this.#emit('users');
    this.#emit('conversations');
    this.#emit('header');
  }

  userOnline(nick, time, { announce = true } = {}) {
    this.users.set(fold(nick), nick);
    if (announce && this.conversations.has(dmKey(nick))) this.notice(dmKey(nick), `${nick} is online`, time);
    this.#emit('users');
    this.#emit('conversations');
    this.#emit('header');
  }

  userOffline(nick, time) {
    this.users.delete(fold(nick));
    if (this.conversations.has(dmKey(nick))) this.notice(dmKey(nick), `${nick} went offline`, time);
    this.#emit('users');
    this.#emit('conversations');
    this.#emit('header');
  }

  userRenamed(previous, nick, time) {
    this.users.delete(fold(previous));
    this.users.set(fold(nick), nick);
    for (const room of this.rooms.values()) renameMember(room, previous, nick);
    const from = dmKey(previous);
    const to = dmKey(nick);
    const conversation = this.conversations.get(from);
    if (conversation && !this.conversations.has(to)) {
      this.conversations.delete(from);
      conversation.key = to;
      conversation.name = nick;
      this.conversations.set(to, conversation);
      if (this.activeKey === from) this.activeKey = to;
      this.#emit('renamed', { from, to });
    }
    if (this.conversations.has(to)) this.notice(to, `${previous} is now known as ${nick}`, time);
    this.#emit('users');
    this.#emit('conversations');
    this.#emit('header');
  }
}

// The oldest of a conversation's unread messages: the unread count's worth of the newest
// messages from others.
function firstUnreadEntry({ entries, unread }) {
  let left = unread;
  for (let i = entries.length - 1; i >= 0; i -= 1) {
    if (entries[i].type === 'message' && !entries[i].mine) {
      left -= 1;
      if (left === 0) return entries[i];
    }
  }
  return null;
}

function indexOfId(entries, id) {
  return id ? entries.findLastIndex((entry) => entry.id === id) : -1;
}

function newConversation(key, kind, name) {
  return {
    key, kind, name, entries: [], ids: new Set(), unread: 0, mentions: 0, readId: undefined, readThrough: null,
    history: { loaded: false, more: undefined, loadingOlder: false, unavailable: false },
    peerKept: undefined,
  };
}

function renameMember(room, previous, nick) {
  if (room.members?.delete(fold(previous))) room.members.set(fold(nick), nick);
  if (room.owner && fold(room.owner) === fold(previous)) room.owner = nick;
  if (room.removedBy && fold(room.removedBy) === fold(previous)) room.removedBy = nick;
}
