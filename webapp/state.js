// The client's picture of the chat: who I am, the conversations and their messages, the rooms
// and the users online. It knows nothing about the DOM or the socket; it emits events that the
// view turns into DOM updates:
//
//   'me'            my nickname changed
//   'conversations' the sidebar's list changed (added, removed, renamed, unread, joined)
//   'users'         the online users changed
//   'active'        another conversation was selected
//   'header'        the active conversation's title or subtitle may have changed
//   'entry'         detail {key, entry}: a message or notice was added to a conversation
//   'renamed'       detail {from, to}: a conversation changed key (a user was renamed)
//   'removed'       detail {key}: a conversation disappeared (its room was destroyed)
//   'reset'         everything was cleared (logged out)

export const EVERYONE = '*';
const MAX_ENTRIES = 500;
// Message ids remembered to drop duplicates (a message seen again after reconnecting).
const MAX_SEEN_IDS = 5000;

// Nicknames and room names are ASCII and compared case-insensitively (docs/protocol.md).
export const fold = (name) => name.toLowerCase();
export const roomKey = (room) => fold(room.startsWith('#') ? room : `#${room}`);
export const dmKey = (nick) => `@${fold(nick.replace(/^@/, ''))}`;

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
    this.me = null; // { nickname, identifier }
    this.conversations = new Map(); // key -> { key, kind, name, entries, unread }
    this.rooms = new Map(); // key -> { name, joined, owner, members: Map<fold, nick> | null }
    this.users = new Map(); // fold(nick) -> nick
    this.activeKey = EVERYONE;
    this.seenIds = new Set();
    this.conversations.set(EVERYONE, {
      key: EVERYONE, kind: 'everyone', name: 'Everyone', entries: [], unread: 0,
    });
  }

  #emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }

  reset() {
    this.#init();
    this.#emit('reset');
  }

  isMe(nick) { return this.me !== null && fold(nick) === fold(this.me.nickname); }
  get active() { return this.conversations.get(this.activeKey); }
  get totalUnread() {
    let total = 0;
    for (const conversation of this.conversations.values()) total += conversation.unread;
    return total;
  }

  setMe(nickname, identifier) {
    const previous = this.me?.nickname;
    this.me = { nickname, identifier };
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
      conversation = { key, kind, name, entries: [], unread: 0 };
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
    const conversation = this.#conversation(dmKey(nick), 'dm', nick.replace(/^@/, ''));
    this.select(conversation.key);
    return conversation;
  }

  select(key) {
    const conversation = this.conversations.get(key);
    if (!conversation) return;
    const changed = key !== this.activeKey;
    this.activeKey = key;
    if (conversation.unread) {
      conversation.unread = 0;
      this.#emit('conversations');
    }
    if (changed) this.#emit('active');
    this.#emit('header');
  }

  #add(conversation, entry, { countUnread }) {
    conversation.entries.push(entry);
    if (conversation.entries.length > MAX_ENTRIES) conversation.entries.shift();
    if (countUnread && (conversation.key !== this.activeKey || globalThis.document?.hidden)) {
      conversation.unread += 1;
      this.#emit('conversations');
    }
    this.#emit('entry', { key: conversation.key, entry });
  }

  notice(key, text, time = new Date().toISOString()) {
    const conversation = this.conversations.get(key);
    if (conversation) this.#add(conversation, { type: 'notice', text, time }, { countUnread: false });
  }

  // A {"type":"message"} frame from the proxy.
  addMessage(frame) {
    const { target = EVERYONE, nickname: from = '?', message: text = '', id, time } = frame;
    if (id) {
      if (this.seenIds.has(id)) return;
      this.seenIds.add(id);
      // A Set iterates in insertion order: forget the oldest id once there are enough.
      if (this.seenIds.size > MAX_SEEN_IDS) this.seenIds.delete(this.seenIds.values().next().value);
    }
    const mine = this.isMe(from);
    let conversation;
    if (target === EVERYONE) {
      conversation = this.conversations.get(EVERYONE);
    } else if (target.startsWith('#')) {
      this.#room(target);
      conversation = this.#conversation(roomKey(target), 'room', target);
    } else {
      // A private message's target is "@<recipient>": the conversation is with the other party.
      const peer = mine ? target.replace(/^@/, '') : from;
      conversation = this.#conversation(dmKey(peer), 'dm', peer);
    }
    const entry = {
      type: 'message', id, time: time ?? new Date().toISOString(), from, fromId: frame.identifier, text, mine,
    };
    this.#add(conversation, entry, { countUnread: !mine });
  }

  // ---- rooms -------------------------------------------------------------------------------

  #room(name) {
    const key = roomKey(name);
    let room = this.rooms.get(key);
    if (!room) {
      room = { name: name.startsWith('#') ? name : `#${name}`, joined: false, owner: null, members: null };
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

  roomDestroyed(name, by) {
    const key = roomKey(name);
    if (!this.rooms.has(key)) return false;
    const wasJoined = this.rooms.get(key).joined;
    this.#dropRoom(key);
    return wasJoined;
  }

  #dropRoom(key) {
    this.rooms.delete(key);
    if (this.conversations.delete(key)) {
      if (this.activeKey === key) {
        this.activeKey = EVERYONE;
        this.#emit('active');
        this.#emit('header');
      }
      this.#emit('removed', { key });
      this.#emit('conversations');
    }
  }

  setJoined(name, joined) {
    const room = this.#room(name);
    if (room.joined === joined) return;
    room.joined = joined;
    if (!joined) room.members = null;
    this.#emit('conversations');
    if (this.activeKey === roomKey(name)) this.#emit('header');
  }

  setMembers(name, members) {
    const room = this.#room(name);
    room.members = new Map(members.map((nick) => [fold(nick), nick]));
    if (this.activeKey === roomKey(name)) this.#emit('header');
  }

  memberJoined(name, nick, time) {
    const room = this.#room(name);
    room.members?.set(fold(nick), nick);
    if (this.isMe(nick)) return;
    this.notice(roomKey(name), `${nick} joined ${room.name}`, time);
    if (this.activeKey === roomKey(name)) this.#emit('header');
  }

  memberLeft(name, nick, time) {
    const room = this.rooms.get(roomKey(name));
    if (!room) return;
    room.members?.delete(fold(nick));
    this.notice(roomKey(name), `${nick} left ${room.name}`, time);
    if (this.activeKey === roomKey(name)) this.#emit('header');
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

  userOnline(nick, time) {
    this.users.set(fold(nick), nick);
    if (this.conversations.has(dmKey(nick))) this.notice(dmKey(nick), `${nick} is online`, time);
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

function renameMember(room, previous, nick) {
  if (room.members?.delete(fold(previous))) room.members.set(fold(nick), nick);
  if (room.owner && fold(room.owner) === fold(previous)) room.owner = nick;
}
