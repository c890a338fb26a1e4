// The controller: wires the WebSocket (connection.js), the chat state (state.js) and the DOM
// (view.js) together and speaks wsproxy's JSON protocol (docs/protocol.md, last section).

import { Connection } from './connection.js';
import { ChatState, EVERYONE, roomKey } from './state.js';
import { View } from './view.js';

const NICK_STORAGE_KEY = 'chat.nickname';
const MAX_RELOGIN_ATTEMPTS = 8;

const connection = new Connection();
const state = new ChatState();

// The session survives reconnections: the nickname we log in with again and the rooms we re-join.
const session = {
  // login: on the login screen; pending: a login the user asked for; relogin: logging in again
  // after the socket dropped; in: logged in; logout: a logout the user asked for.
  phase: 'login',
  nickname: null, // what to (re)login as
  rooms: new Map(), // roomKey -> room name we are in (or asked to join)
  reloginAttempts: 0,
  rejoining: new Set(), // roomKeys re-joined after a reconnect: "already a member" is not an error
  selectAfterJoin: null, // roomKey to open once its join is confirmed
};

const send = (frame) => connection.send(frame);
const command = (action, target) => send(target === undefined
  ? { type: 'command', action }
  : { type: 'command', action, target });

function sendOrComplain(frame) {
  if (send(frame)) return true;
  view.toast('Not connected to the server; try again in a moment.', { title: 'Offline' });
  return false;
}

const view = new View(state, {
  login(nickname) {
    session.phase = 'pending';
    session.nickname = nickname;
    if (send({ type: 'login', nickname })) view.setLoginBusy(true);
    else view.setLoginBusy(true, 'Connecting to the server…');
  },
  send(text) {
    const conversation = state.active;
    let target = EVERYONE;
    if (conversation.kind === 'room') target = state.rooms.get(conversation.key)?.name ?? conversation.name;
    else if (conversation.kind === 'dm') target = `@${conversation.name}`;
    return sendOrComplain({ type: 'message', target, message: text });
  },
  select(key) { state.select(key); },
  openDm(nick) { state.openDm(nick); },
  createRoom(name) { return sendOrComplain({ type: 'command', action: 'create', target: name }); },
  joinRoom(name) {
    session.selectAfterJoin = roomKey(name);
    return sendOrComplain({ type: 'command', action: 'join', target: name });
  },
  leaveRoom(name) { return sendOrComplain({ type: 'command', action: 'leave', target: name }); },
  destroyRoom(name) { return sendOrComplain({ type: 'command', action: 'destroy', target: name }); },
  logout() {
    // Until the reply comes, a dropped connection must not log us back in.
    session.phase = 'logout';
    if (!send({ type: 'command', action: 'logout' })) loggedOut();
  },
  reconnectNow() { connection.retryNow(); },
});

function loggedOut(error = '') {
  const nickname = session.nickname ?? '';
  session.phase = 'login';
  session.nickname = null;
  session.rooms.clear();
  session.rejoining.clear();
  session.selectAfterJoin = null;
  state.reset();
  view.setReconnecting(false);
  view.showLogin({ nickname, error });
}

// ---- connection ----------------------------------------------------------------------------

connection.addEventListener('open', () => {
  if (session.phase === 'pending') {
    view.setLoginStatus('');
    send({ type: 'login', nickname: session.nickname });
  } else if (session.phase === 'relogin') {
    view.setReconnecting(true, `Reconnecting… logging in as ${session.nickname}`);
    send({ type: 'login', nickname: session.nickname });
  }
});

connection.addEventListener('close', () => {
  if (session.phase === 'in' || session.phase === 'relogin') {
    if (session.phase === 'in') session.reloginAttempts = 0;
    session.phase = 'relogin';
    // Keep showing the rooms and their history; they are re-joined after logging in again.
    view.setReconnecting(true);
  } else if (session.phase === 'pending') {
    view.setLoginBusy(true, 'Connection lost; retrying…');
  } else if (session.phase === 'logout') {
    loggedOut();
  }
});

connection.addEventListener('state', (event) => {
  if (event.detail.state !== 'waiting') return;
  if (session.phase === 'relogin') view.setReconnecting(true);
  else if (session.phase === 'login') view.setLoginStatus('Cannot reach the server; retrying…');
  else if (session.phase === 'pending') view.setLoginBusy(true, 'Cannot reach the server; retrying…');
});

connection.addEventListener('frame', (event) => {
  const frame = event.detail;
  try {
    switch (frame.type) {
      case 'message': state.addMessage(frame); break;
      case 'event': onEvent(frame); break;
      case 'reply': onReply(frame); break;
      case 'error': onError(frame); break;
      default: console.warn('Unknown frame', frame);
    }
  } catch (error) {
    console.error('Failed to handle frame', frame, error);
  }
});

// ---- frames from the proxy -----------------------------------------------------------------

function onReply(frame) {
  switch (frame.command) {
    case 'login': return onLoggedIn(frame);
    case 'rooms': return state.setRooms(stringList(frame.rooms));
    case 'users': return state.setUsers(stringList(frame.users));
    case 'members': return state.setMembers(frame.target, stringList(frame.members));
    case 'create':
      state.roomCreated(frame.target);
      // A room you create is one you want to be in.
      session.selectAfterJoin = roomKey(frame.target);
      command('join', frame.target);
      return undefined;
    case 'join': {
      const key = roomKey(frame.target);
      session.rooms.set(key, frame.target);
      session.rejoining.delete(key);
      state.setJoined(frame.target, true);
      command('members', frame.target);
      if (session.selectAfterJoin === key) {
        session.selectAfterJoin = null;
        state.select(key);
      }
      return undefined;
    }
    case 'leave':
      session.rooms.delete(roomKey(frame.target));
      state.setJoined(frame.target, false);
      state.notice(roomKey(frame.target), `You left ${frame.target}`);
      return undefined;
    case 'destroy':
      session.rooms.delete(roomKey(frame.target));
      state.roomDestroyed(frame.target);
      return undefined;
    case 'logout': return loggedOut();
    default: return undefined; // message: the MESSAGE frame itself is what we show
  }
}

function onLoggedIn(frame) {
  const relogin = session.phase === 'relogin';
  const renamed = session.phase === 'in';
  session.phase = 'in';
  session.nickname = frame.nickname;
  session.reloginAttempts = 0;
  connection.markHealthy();
  try { sessionStorage.setItem(NICK_STORAGE_KEY, frame.nickname); } catch { /* private mode */ }
  state.setMe(frame.nickname, frame.identifier);
  view.setReconnecting(false);
  view.showChat();
  if (renamed) return;
  command('rooms');
  command('users');
  if (relogin) {
    for (const [key, name] of session.rooms) {
      session.rejoining.add(key);
      command('join', name);
    }
    state.notice(EVERYONE, 'Reconnected.');
  }
}

function onError(frame) {
  const message = frame.message || frame.code || 'Something went wrong.';
  if (frame.command === 'login') {
    if (session.phase === 'pending') {
      session.phase = 'login';
      session.nickname = null;
      view.setLoginBusy(false);
      view.setLoginError(message);
      return;
    }
    if (session.phase === 'relogin') {
      // Our previous session may still hold the nickname for a moment: try again shortly.
      session.reloginAttempts += 1;
      if (frame.code === 'username-taken' && session.reloginAttempts < MAX_RELOGIN_ATTEMPTS) {
        view.setReconnecting(true, `Reconnecting… (${session.nickname} is still in use, retrying)`);
        connection.reconnectLater();
      } else {
        loggedOut(`Could not log in again as ${session.nickname}: ${message}`);
      }
      return;
    }
  }
  if (frame.command === 'join' && session.rejoining.size > 0) {
    // Replies come in order, so this answers the oldest re-join still pending.
    const [key] = session.rejoining;
    const name = session.rooms.get(key);
    session.rejoining.delete(key);
    if (frame.code === 'already-member') {
      command('members', name);
      return;
    }
    session.rooms.delete(key);
    state.setJoined(name, false);
    view.toast(message, { title: `Could not re-join ${name}` });
    return;
  }
  if (frame.code === 'upstream-unavailable') {
    // The proxy lost chatd and closes the socket; the reconnect banner says the rest.
    return;
  }
  const title = frame.command ? `Could not ${describe(frame.command)}` : 'Error';
  view.toast(message, { title });
}

function describe(commandName) {
  return {
    message: 'send the message', join: 'join the room', leave: 'leave the room',
    create: 'create the room', destroy: 'destroy the room', members: 'list the members',
    rooms: 'list the rooms', users: 'list the users', logout: 'log out', login: 'change nickname',
  }[commandName] ?? commandName;
}

function onEvent(frame) {
  const { emitter, event, nickname, time } = frame;
  if (emitter === 'participant') {
    if (event === 'join') state.memberJoined(frame.target, nickname, time);
    else if (event === 'left') state.memberLeft(frame.target, nickname, time);
  } else if (emitter === 'channel') {
    const room = frame.identifier;
    if (event === 'create') state.roomCreated(room, nickname);
    else if (event === 'destroy') {
      session.rooms.delete(roomKey(room));
      const wasIn = state.roomDestroyed(room, nickname);
      if (wasIn && !state.isMe(nickname ?? '')) {
        view.toast(`${room} was destroyed${nickname ? ` by ${nickname}` : ''}.`, { title: 'Room closed', kind: 'info' });
      }
    }
  } else if (emitter === 'user') {
    if (event === 'online') {
      state.userOnline(nickname, time);
      state.notice(EVERYONE, `${nickname} is online`, time);
    } else if (event === 'offline') {
      state.userOffline(nickname, time);
      state.notice(EVERYONE, `${nickname} went offline`, time);
    } else if (event === 'rename') state.userRenamed(frame.previous, nickname, time);
  }
}

function stringList(value) {
  return Array.isArray(value) ? value.filter((item) => typeof item === 'string' && item) : [];
}

// ---- start ---------------------------------------------------------------------------------

// Messages that arrived in the open conversation while the tab was hidden count as unread
// until the person looks again.
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && state.activeKey) state.select(state.activeKey);
});

let remembered = '';
try { remembered = sessionStorage.getItem(NICK_STORAGE_KEY) ?? ''; } catch { /* private mode */ }
view.showLogin({ nickname: remembered });
connection.start();
