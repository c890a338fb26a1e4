// The controller: wires the WebSocket (connection.js), the chat state (state.js) and the DOM
// (view.js) together and speaks wsproxy's JSON protocol (docs/protocol.md, last section).

import { Connection, requestOnce } from './connection.js';
import { ChatState, EVERYONE, dmKey, fold, keyForTarget, roomKey } from './state.js';
import { View } from './view.js';
import { MAX_LINE_BYTES, formatBytes, messageTooLong } from './limits.js';
import { ReconnectQuiet } from './reconnect_quiet.js';
import { ACTION_PREFIX } from './message_text.js';
import { TypingSender } from './typing.js';

const NICK_STORAGE_KEY = 'chat.nickname';
// An account's session token (never its password): kept across reloads, shared by the tabs.
const TOKEN_STORAGE_KEY = 'chat.token';
// A sign-in with a provider this tab started: { provider, state, link }, until the provider sends
// the browser back. Only a return that carries this state is acted on (login CSRF).
const SIGNIN_STORAGE_KEY = 'chat.signin';
// Earlier versions kept an account's private conversation partners under this prefix; chatd
// lists them now (CONVERSATIONS), so whatever is left there is removed as the page loads.
const LEGACY_DMS_PREFIX = 'chat.dms.';
const MAX_RELOGIN_ATTEMPTS = 8;
const HISTORY_PAGE = 50;
const MAX_TOPIC_BYTES = 300; // docs/protocol.md: TOPIC
// What the composer runs instead of sending: "/topic [text]" and "/kick <nick>" in a room, and
// "/me <action>" anywhere (sent as the message "/me <action>", see message_text.js). Any other
// text is a message, a leading slash and all.
const SLASH_COMMAND = /^\/(topic|kick|me)(?:\s+(.*))?$/i;

const connection = new Connection();
const state = new ChatState();
const quiet = new ReconnectQuiet(announceGone);

// The session survives reconnections: how we log in again and the rooms we re-join.
const session = {
  // login: on the login screen; pending: a login the user asked for; resume: logging in with the
  // stored session token as the page loads; relogin: logging in again after the socket dropped;
  // in: logged in; logout: a logout the user asked for.
  phase: 'login',
  // what a pending login does: guest | login (to an account) | register | signin (a provider
  // sent the browser back: the signin frame)
  intent: 'guest',
  nickname: null, // what to (re)login as
  password: null, // only while a pending login or registration needs it; never stored
  account: false, // logged in to an account (read markers, resume with the token)
  token: null, // the account's session token
  signin: null, // what a pending sign-in sends: { provider, state, code }
  link: null, // a provider identity to link once resumed: { provider, state, code }
  linking: null, // the provider whose link was sent, until chatd answers
  authorizing: null, // the authorization URL asked of chatd: { provider, link }
  error: '', // shown on the login screen once a logout the app started is done
  rooms: new Map(), // roomKey -> room name we are in (or asked to join)
  reloginAttempts: 0,
  rejoining: new Set(), // roomKeys re-joined after a reconnect: "already a member" is not an error
  selectAfterJoin: null, // roomKey to open once its join is confirmed
  // Conversations whose messages (and a room's members) were asked for on this connection.
  entered: new Set(),
  storeDisabled: false, // chatd keeps no history (--no-store)
  abandoned: 0, // answers still to come to a resume given up on and the logout behind it
};

// chatd answers the commands of a connection in order, so the answers to HISTORY are matched to
// the requests still waiting, oldest first. A page's {"type":"history"} frames come before its
// reply and belong to the oldest request.
const historyRequests = []; // { key, mode: latest | before | after, anchor }
let historyFrames = [];
const markersAsked = new Set(); // conversations whose read marker was asked on this connection
const readSent = new Map(); // key -> the message id last sent as read there
// READ frames still waiting for their reply, oldest first: { key, id } (id undefined: asking).
// A marker only moves forward, so the reply to setting one may name a later message than the
// one sent (another device read further); the message sent is then known to be read.
const readRequests = [];
// TOPIC and KICK frames still waiting for their answer, oldest first: { command, target, nickname,
// ask }. An error names only the command; this says which room (and person) it was about, and
// whether it answers asking a topic (nobody asked for that; no need to tell them it failed).
const roomRequests = [];
// The message on its way, until chatd accepts or refuses it: { target }.
let pendingMessage = null;

const send = (frame) => connection.send(frame);
const command = (action, target) => send(target === undefined
  ? { type: 'command', action }
  : { type: 'command', action, target });
const typing = new TypingSender((target, said) => send({ type: 'typing', target, state: said }));

function sendOrComplain(frame) {
  if (send(frame)) return true;
  view.toast('Not connected to the server; try again in a moment.', { title: 'Offline' });
  return false;
}

function storage(kind) {
  try {
    return kind === 'local' ? window.localStorage : window.sessionStorage;
  } catch {
    return null; // storage disabled
  }
}
function storedToken() {
  try { return storage('local')?.getItem(TOKEN_STORAGE_KEY) ?? null; } catch { return null; }
}
function storeToken(token) {
  try {
    if (token) storage('local')?.setItem(TOKEN_STORAGE_KEY, token);
    else storage('local')?.removeItem(TOKEN_STORAGE_KEY);
  } catch { /* private mode */ }
}
function removeLegacyDms() {
  try {
    const local = storage('local');
    if (!local) return;
    for (let i = local.length - 1; i >= 0; i -= 1) {
      const key = local.key(i);
      if (key?.startsWith(LEGACY_DMS_PREFIX)) local.removeItem(key);
    }
  } catch { /* private mode */ }
}

function rememberedNickname() {
  try { return storage('session')?.getItem(NICK_STORAGE_KEY) ?? ''; } catch { return ''; }
}

const view = new View(state, {
  signIn(provider) { authorize(provider, false); },
  link(provider) { authorize(provider, true); },
  login({ nickname, password, intent }) {
    session.phase = 'pending';
    session.intent = intent;
    session.nickname = nickname;
    session.password = password;
    if (send(loginFrame())) view.setLoginBusy(true, '', intent);
    else view.setLoginBusy(true, 'Connecting to the server…', intent);
  },
  cancelResume() {
    // A resume already sent is undone (and its session ended) by a logout right behind it;
    // both answers are ignored.
    if (connection.isOpen && send({ type: 'command', action: 'logout' })) session.abandoned = 2;
    storeToken(null);
    session.token = null;
    session.account = false;
    session.phase = 'login';
    view.showLogin({ nickname: rememberedNickname() });
  },
  typed(text) {
    // Nobody is told about typing to everyone (chatd has no TYPING for it) or a command.
    const target = state.active?.kind === 'everyone' ? null : state.targetOf(state.activeKey);
    const isCommand = text.startsWith('/') && !text.startsWith(ACTION_PREFIX);
    typing.input(target, isCommand ? '' : text);
  },
  send(text) {
    const slash = SLASH_COMMAND.exec(text);
    if (slash?.[1].toLowerCase() === 'me') return sendAction(slash[2]?.trim() ?? '');
    if (slash) return runSlashCommand(slash[1].toLowerCase(), slash[2]?.trim() ?? '') && 'done';
    return sendMessage(text);
  },
  select(key) {
    state.select(key);
    // A room we are not in: what it is about (only its members are told when that changes).
    const room = state.rooms.get(key);
    if (room && !room.joined && session.phase === 'in') askTopic(room.name);
    openConversation(key);
  },
  openDm(nick) {
    const conversation = state.openDm(nick);
    openConversation(conversation.key);
  },
  createRoom(name) { return sendOrComplain({ type: 'command', action: 'create', target: name }); },
  joinRoom(name) {
    session.selectAfterJoin = roomKey(name);
    return sendOrComplain({ type: 'command', action: 'join', target: name });
  },
  leaveRoom(name) { return sendOrComplain({ type: 'command', action: 'leave', target: name }); },
  destroyRoom(name) { return sendOrComplain({ type: 'command', action: 'destroy', target: name }); },
  setTopic(name, topic) { return setTopic(name, topic); },
  loadOlder(key) { loadOlder(key); },
  logout() { logout(); },
  reconnectNow() { connection.retryNow(); },
});

// Sends a message to the open conversation. The composer keeps its text until chatd answers
// (onReply 'message' or onError), so only one message is on its way at a time.
function sendMessage(text) {
  const target = state.targetOf(state.activeKey) ?? EVERYONE;
  const tooLong = messageTooLong(target, text);
  if (tooLong) {
    view.toast(tooLong, { title: 'Message too long' });
    return false;
  }
  if (!sendOrComplain({ type: 'message', target, message: text })) return false;
  pendingMessage = { target };
  return 'sent';
}

// "/me waves" typed in any conversation: the message "/me waves", shown as "* alice waves".
function sendAction(action) {
  if (!action) {
    view.toast('Type /me and what you are doing, e.g. /me waves.', { title: 'Could not send the action' });
    return false;
  }
  return sendMessage(`${ACTION_PREFIX}${action}`);
}

function loginFrame() {
  if (session.intent === 'signin') {
    const { state, code } = session.signin;
    return { type: 'signin', state, code };
  }
  if (session.intent === 'login') {
    return { type: 'login', nickname: session.nickname, password: session.password };
  }
  return { type: 'login', nickname: session.nickname };
}

// Logs out on the server (an account's session token is revoked) and forgets the token.
function logout(error = '') {
  // Until the reply comes, a dropped connection must not log us back in.
  session.phase = 'logout';
  session.error = error;
  if (session.account) {
    storeToken(null);
    session.token = null;
  }
  if (!send({ type: 'command', action: 'logout' })) loggedOut(error);
}

function loggedOut(error = '') {
  const nickname = session.nickname ?? '';
  session.phase = 'login';
  session.nickname = null;
  session.password = null;
  session.account = false;
  session.token = null;
  session.error = '';
  session.rooms.clear();
  session.rejoining.clear();
  session.selectAfterJoin = null;
  quiet.forget();
  forgetRequests();
  readSent.clear();
  state.reset();
  view.setReconnecting(false);
  view.showLogin({ nickname, error });
}

// Whatever was asked on a socket that is gone will never be answered.
function forgetRequests() {
  for (const request of historyRequests) {
    if (request.mode === 'before') state.setHistoryStatus(request.key, { loadingOlder: false });
  }
  historyRequests.length = 0;
  historyFrames = [];
  readRequests.length = 0;
  roomRequests.length = 0;
  if (pendingMessage) {
    pendingMessage = null;
    view.composer.notSent();
  }
  markersAsked.clear();
  session.entered.clear();
  // chatd forgets typing with the connection; the others' indicators expire on their own there.
  typing.forget();
  view.typists.clear();
}

// ---- connection ----------------------------------------------------------------------------

connection.addEventListener('open', () => {
  send({ type: 'providers' });
  if (session.phase === 'pending') {
    view.setLoginStatus('');
    send(loginFrame());
  } else if (session.phase === 'resume') {
    view.setResumeStatus('Signing you in…');
    send({ type: 'resume', token: session.token });
  } else if (session.phase === 'relogin') {
    if (session.account && !session.token) {
      loggedOut('Your session ended; please log in again.');
      return;
    }
    view.setReconnecting(true, `Reconnecting… logging in as ${session.nickname}`);
    send(session.account
      ? { type: 'resume', token: session.token }
      : { type: 'login', nickname: session.nickname });
  }
});

connection.addEventListener('close', () => {
  forgetRequests();
  session.abandoned = 0;
  if (session.authorizing && session.phase === 'login') {
    view.setLoginBusy(false, 'Connection lost; try again.');
  }
  session.authorizing = null;
  if (session.phase === 'in' || session.phase === 'relogin') {
    if (session.phase === 'in') {
      session.reloginAttempts = 0;
      quiet.remember(state);
    }
    session.phase = 'relogin';
    // Keep showing the rooms and their history; what was missed is fetched after logging in.
    view.setReconnecting(true);
  } else if (session.phase === 'pending') {
    view.setLoginBusy(true, 'Connection lost; retrying…', session.intent);
  } else if (session.phase === 'resume') {
    view.setResumeStatus('Connection lost; retrying…');
  } else if (session.phase === 'logout') {
    loggedOut(session.error);
  }
});

connection.addEventListener('state', (event) => {
  if (event.detail.state !== 'waiting') return;
  if (session.phase === 'relogin') view.setReconnecting(true);
  else if (session.phase === 'login') view.setLoginStatus('Cannot reach the server; retrying…');
  else if (session.phase === 'pending') view.setLoginBusy(true, 'Cannot reach the server; retrying…', session.intent);
  else if (session.phase === 'resume') view.setResumeStatus('Cannot reach the server; retrying…');
});

connection.addEventListener('frame', (event) => {
  const frame = event.detail;
  if (session.abandoned > 0 && (frame.type === 'reply' || frame.type === 'error')
    && ['login', 'resume', 'logout'].includes(frame.command)) {
    session.abandoned -= 1; // see cancelResume
    return;
  }
  // Logged out (or given up on a resume): what the old session still receives is not ours.
  if (session.phase === 'login' && frame.type !== 'reply' && frame.type !== 'error') return;
  try {
    switch (frame.type) {
      case 'message': onMessage(frame); break;
      case 'history': historyFrames.push(frame); break;
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

function onMessage(frame) {
  const key = state.addMessage(frame);
  if (!key) return;
  view.typists.stopped(key, frame.nickname ?? '');
  const conversation = state.conversations.get(key);
  view.notifier.message(conversation, conversation.entries.at(-1)); // a new message goes last
  // A conversation that starts with this message (a private one, say) shows what came before.
  openConversation(key);
}

function onReply(frame) {
  switch (frame.command) {
    case 'login': return onLoggedIn(frame);
    case 'register': return onRegistered(frame);
    case 'providers': return view.setProviders(stringList(frame.providers));
    case 'authorize': return onAuthorized(frame);
    case 'signin': return onLinked(frame);
    case 'rooms': return state.setRooms(stringList(frame.rooms));
    case 'users': return state.setUsers(stringList(frame.users));
    case 'members': return state.setMembers(frame.target, stringList(frame.members));
    case 'conversations': return onConversations(stringList(frame.conversations));
    case 'history': return onHistoryPage(frame);
    case 'read': return onReadReply(frame);
    case 'owner': return state.setOwner(frame.target, frame.owner ?? null);
    case 'create':
      state.roomCreated(frame.target, state.me?.nickname);
      // A room you create is one you want to be in.
      session.selectAfterJoin = roomKey(frame.target);
      command('join', frame.target);
      return undefined;
    case 'join': {
      const key = roomKey(frame.target);
      session.rejoining.delete(key);
      enterRoom(frame.target);
      if (session.selectAfterJoin === key) {
        session.selectAfterJoin = null;
        state.select(key);
      }
      return undefined;
    }
    case 'leave':
      leftRoom(frame.target);
      state.notice(roomKey(frame.target), `You left ${frame.target}`);
      return undefined;
    case 'destroy':
      forgetRoom(frame.target);
      state.roomDestroyed(frame.target);
      return undefined;
    case 'topic':
      takeRoomRequest('topic');
      state.setTopic(frame.target, frame.topic ?? '');
      return undefined;
    case 'kick':
      takeRoomRequest('kick'); // the KICK event is what we show
      return undefined;
    case 'logout': return loggedOut(session.error);
    case 'message':
      // Accepted (its MESSAGE frame, just before, is what we show): the composer may let go.
      pendingMessage = null;
      view.composer.accepted();
      // Told after the message has reached the others (chatd fans out before it answers); a
      // refused one is still being written.
      typing.done();
      return undefined;
    default: return undefined;
  }
}

function onLoggedIn(frame) {
  const { phase } = session;
  if (phase === 'pending' && session.intent === 'register') {
    // Creating an account, step 2: the nickname is ours as a guest; now make it an account.
    send({ type: 'register', password: session.password });
    return;
  }
  if (frame.token) {
    session.account = true;
    session.token = frame.token;
    storeToken(frame.token);
  }
  session.password = null;
  session.signin = null;
  const { link } = session;
  session.link = null;
  enter(frame, phase);
  // Back from the provider to link an identity: chatd links it to the account this connection
  // is logged in to, which must be the one that asked.
  if (link && phase === 'resume' && send({ type: 'signin', state: link.state, code: link.code })) {
    session.linking = link.provider;
  }
}

// The nickname is now an account. Its session token comes with a login, so log in once more on
// a socket of our own (an account may be logged in from many connections at once) to keep it.
function onRegistered(frame) {
  if (session.phase !== 'pending') return;
  session.account = true;
  const { password } = session;
  session.password = null;
  view.setLoginBusy(true, 'Signing in…', 'register');
  requestOnce({ type: 'login', nickname: frame.nickname, password })
    .then((answer) => {
      if (answer.type === 'reply' && answer.token) {
        session.token = answer.token;
        storeToken(answer.token);
      } else {
        console.warn('No session token after registering', answer);
      }
    })
    .catch((error) => console.warn('No session token after registering', error))
    .finally(() => {
      if (session.phase === 'pending') enter(frame, 'pending');
    });
}

function enter(frame, phase) {
  const relogin = phase === 'relogin';
  const renamed = phase === 'in';
  session.phase = 'in';
  session.nickname = frame.nickname;
  session.reloginAttempts = 0;
  connection.markHealthy();
  try { storage('session')?.setItem(NICK_STORAGE_KEY, frame.nickname); } catch { /* private mode */ }
  state.setMe(frame.nickname, frame.identifier, session.account);
  view.setReconnecting(false);
  view.showChat();
  if (renamed) return;
  command('rooms');
  command('users');
  if (!session.account && relogin) {
    // A guest's rooms went with its previous session: join them again. (An account stays in its
    // rooms across disconnects; the list below says which they are.)
    for (const [key, name] of session.rooms) {
      session.rejoining.add(key);
      command('join', name);
    }
  }
  // Everyone, and the private conversations already shown; rooms once (re)joined.
  for (const conversation of state.conversations.values()) {
    if (conversation.kind === 'room') continue;
    if (conversation.kind === 'everyone' || conversation.entries.length > 0 || conversation.history.loaded) {
      session.entered.add(conversation.key);
      syncConversation(conversation.key);
    }
  }
  // The rooms we are in and the people we have private messages with, on any device (answered
  // after the re-joins above).
  command('conversations');
  // The banner going away says we are back; a notice in the conversation would be noise.
  if (relogin) quiet.reconnected();
  markRead();
}

// CONVERSATIONS: the rooms we are in, then the people we have private messages with. Shows
// each with its messages (a private conversation started on another device, or while this one
// was away, included).
function onConversations(names) {
  onRoomList(names.filter((name) => name.startsWith('#')));
  for (const name of names) {
    if (!name.startsWith('@') || name.length < 2) continue;
    const { key } = state.addDm(name.slice(1));
    if (session.entered.has(key)) continue;
    session.entered.add(key);
    syncConversation(key);
  }
}

// The rooms we are in: open them, and drop the ones left on another device.
function onRoomList(names) {
  const keep = new Set(names.map(roomKey));
  for (const [key, room] of [...state.rooms]) {
    if (room.joined && !keep.has(key)) leftRoom(room.name);
  }
  for (const name of names) enterRoom(name);
}

// We are in a room (a join reply, a JOINED list, or our own join from another tab): show its
// members and its messages.
function enterRoom(name) {
  const key = roomKey(name);
  session.rooms.set(key, name);
  state.setJoined(name, true);
  if (session.entered.has(key)) return; // our join event, then its reply
  session.entered.add(key);
  command('members', name);
  command('owner', name); // who may destroy it
  askTopic(name);
  syncConversation(key);
}

// We are no longer in a room: forget it on this connection.
function forgetRoom(name) {
  session.rooms.delete(roomKey(name));
  session.entered.delete(roomKey(name));
}

// We left a room, were removed from it, or it turned out we are no longer in it: it stays
// listed, not joined.
function leftRoom(name) {
  forgetRoom(name);
  state.setJoined(name, false);
}

// Errors without a command that answer a message frame: chatd's for a line over its limit, and
// wsproxy's for a frame it would not pass on.
const MESSAGE_FRAME_ERRORS = new Set(['line-too-long', 'frame-too-large', 'invalid-frame', 'invalid-target']);

function onError(frame) {
  let message = frame.message || frame.code || 'Something went wrong.';
  if (frame.code === 'line-too-long') {
    // chatd's sentence ("Line too long.") does not say what the limit is.
    message = `Line too long: the server takes lines of up to ${formatBytes(MAX_LINE_BYTES)} (unless `
      + 'it was set lower), command and recipient included. Shorten it and send it again.';
  }
  if (pendingMessage && (frame.command === 'message'
    || (!frame.command && MESSAGE_FRAME_ERRORS.has(frame.code)))) {
    // Refused: the text stays in the composer to be changed and sent again.
    const { target } = pendingMessage;
    pendingMessage = null;
    view.composer.notSent();
    if (frame.code === 'no-such-user' && target.startsWith('@')) {
      // Offline and not an account (a guest who left): chatd keeps nothing for them.
      const nick = target.slice(1);
      state.setPeerKept(dmKey(nick), false);
      message = `${nick} is offline and has no account, so the server cannot keep messages for them. `
        + `Your message is still here: send it when ${nick} is back online.`;
    }
    view.toast(message, { title: `Could not send the message${target === EVERYONE ? '' : ` to ${target}`}` });
    return;
  }
  if (frame.command === 'authorize') {
    onAuthorizeError(message);
    return;
  }
  if (frame.command === 'signin' && session.phase === 'in') {
    const provider = session.linking;
    session.linking = null;
    view.toast(message, { title: `Could not link your ${provider ?? 'provider'} account` });
    return;
  }
  if (['login', 'register', 'signin'].includes(frame.command) && session.phase === 'pending') {
    if (frame.command === 'register') {
      // The guest login worked but the account could not be made: log the guest out again.
      logout(message);
      return;
    }
    session.phase = 'login';
    session.password = null;
    session.signin = null;
    view.setLoginBusy(false);
    if (frame.code === 'nickname-registered') {
      view.setLoginError('That nickname belongs to an account. Enter its password and choose Log in.', 'password');
    } else {
      view.setLoginError(message, frame.code === 'login-failed' || frame.code === 'password-invalid' ? 'password' : 'nickname');
    }
    return;
  }
  if (frame.command === 'resume' && session.phase === 'resume') {
    // The stored session is over (revoked, expired, or the server forgot it): log in again.
    storeToken(null);
    session.token = null;
    session.account = false;
    session.phase = 'login';
    const ended = session.link ? linkLost(session.link.provider) : 'Your session has ended; please log in again.';
    session.link = null;
    view.showLogin({
      nickname: rememberedNickname(),
      error: frame.code === 'token-invalid' ? ended : message,
    });
    return;
  }
  if ((frame.command === 'login' || frame.command === 'resume') && session.phase === 'relogin') {
    if (frame.command === 'resume') {
      if (frame.code === 'token-invalid') storeToken(null);
      loggedOut(`Could not log in again as ${session.nickname}: ${message}`);
      return;
    }
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
  if (frame.command === 'history') {
    onHistoryError(frame);
    return;
  }
  if (frame.command === 'typing' || frame.command === 'owner') {
    // Typing where one no longer may write, or asking about a room destroyed meanwhile: nothing
    // the person asked for, and the room's own events say the rest.
    console.warn(`${frame.command} refused`, frame);
    return;
  }
  if (frame.command === 'read') {
    // A marker on a message the server no longer has, say: the next read sets a new one.
    const request = readRequests.shift();
    if (request?.id && readSent.get(request.key) === request.id) readSent.delete(request.key);
    console.warn('Read marker not available', frame, request);
    return;
  }
  if (frame.command === 'join' && session.rejoining.size > 0) {
    // Replies come in order, so this answers the oldest re-join still pending.
    const [key] = session.rejoining;
    const name = session.rooms.get(key);
    session.rejoining.delete(key);
    if (frame.code === 'already-member') {
      enterRoom(name);
      return;
    }
    leftRoom(name);
    view.toast(message, { title: `Could not re-join ${name}` });
    return;
  }
  if (frame.command === 'topic' || frame.command === 'kick') {
    const request = takeRoomRequest(frame.command);
    if (request?.ask) {
      console.warn('Topic not available', frame, request);
      return;
    }
    view.toast(roomErrorText(frame, request) ?? message, { title: `Could not ${describe(frame.command)}` });
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
    joined: 'list your rooms', conversations: 'list your conversations',
    topic: 'change the topic', kick: 'remove the member',
  }[commandName] ?? commandName;
}

// chatd's text for these errors is general ("Only the room's owner can do that.", "You are not
// in that room."): say what went wrong with this one.
function roomErrorText(frame, request) {
  if (frame.code === 'not-room-owner') {
    return frame.command === 'topic'
      ? "Only the room's owner can change its topic."
      : "Only the room's owner can remove people from it.";
  }
  if (frame.command === 'kick' && frame.code === 'not-member' && request) {
    return `${request.nickname} is not in ${request.target}.`;
  }
  return null;
}

function onEvent(frame) {
  const { emitter, event, nickname, time } = frame;
  if (emitter === 'participant') {
    if (event === 'join') {
      const announce = !quiet.cameBackTo(roomKey(frame.target ?? ''), nickname ?? '');
      state.memberJoined(frame.target, nickname, time, { announce });
      // Our account joined from another tab or device: this one is in the room too.
      if (state.isMe(nickname ?? '') && !state.room(frame.target)?.joined) enterRoom(frame.target);
    } else if (event === 'left' || event === 'kick') {
      quiet.left(roomKey(frame.target ?? ''), nickname ?? '');
      if (event === 'left') state.memberLeft(frame.target, nickname, time);
      else onKick(frame);
    }
  } else if (emitter === 'channel') {
    const room = frame.identifier;
    if (event === 'create') state.roomCreated(room, nickname);
    else if (event === 'topic') state.topicChanged(room, frame.topic ?? '', nickname, time);
    else if (event === 'destroy') {
      forgetRoom(room);
      const wasIn = state.roomDestroyed(room, nickname);
      if (wasIn && !state.isMe(nickname ?? '')) {
        // Its conversation vanished, perhaps from under the reader's eyes: say so where they
        // land, and in a toast that stays until read.
        const text = `${room} was destroyed${nickname ? ` by ${nickname}` : ''}; its messages are gone.`;
        state.notice(EVERYONE, text, time);
        view.toast(text, { title: 'Room closed', kind: 'info', persist: true });
      }
    }
  } else if (emitter === 'user') {
    if (event === 'online') {
      const announce = !quiet.cameBackOnline(nickname ?? '');
      state.userOnline(nickname, time, { announce });
      if (announce) state.notice(EVERYONE, `${nickname} is online`, time);
    } else if (event === 'offline') {
      quiet.wentOffline(nickname ?? '');
      userOffline(nickname ?? '', time);
    } else if (event === 'rename') state.userRenamed(frame.previous, nickname, time);
    else if (event === 'typing') onTyping(frame);
    else if (event === 'read') {
      // Another tab or device of this account read up to there: the unread counts follow.
      const key = keyForTarget(frame.target);
      readSent.set(key, frame.id);
      state.setReadMarker(key, frame.id ?? null);
    }
  }
}

function userOffline(nick, time) {
  state.userOffline(nick, time);
  state.notice(EVERYONE, `${nick} went offline`, time);
  askIfKept(nick);
  // A guest owner gone leaves its rooms to their members (an account stays their owner).
  for (const room of state.rooms.values()) {
    if (room.joined && room.owner && fold(room.owner) === fold(nick)) command('owner', room.name);
  }
}

// Someone typing in a room, or to me (target "@<me>": the conversation is with them, as for a
// private message).
function onTyping({ target = '', nickname = '', state: said }) {
  if (!nickname || state.isMe(nickname)) return; // this account, typing on another device
  view.typists.update(target.startsWith('#') ? roomKey(target) : dmKey(nickname), nickname, said);
}

// A while after a reconnect, those who were there before it and are still missing are told
// as gone, as their LEAVE and OFFLINE events would have been (reconnect_quiet.js).
function announceGone(users, members) {
  const time = new Date().toISOString();
  for (const [key, nicks] of members) {
    const room = state.rooms.get(key);
    if (!room?.joined || !room.members) continue; // no longer in it, or its members unknown
    for (const nick of nicks) {
      if (!room.members.has(fold(nick))) state.memberLeft(room.name, nick, time);
    }
  }
  for (const nick of users) {
    if (!state.isOnline(nick)) userOffline(nick, time);
  }
}

// A room's owner removed someone from it; when that is us, the room is left as by leaving it.
function onKick({ target, nickname = '', by = '', time }) {
  state.memberKicked(target, nickname, by, time);
  if (!state.isMe(nickname)) return;
  leftRoom(target);
  if (!state.isMe(by)) view.toast(`${by} removed you from ${target}.`, { title: 'Removed from room', kind: 'info' });
}

function stringList(value) {
  return Array.isArray(value) ? value.filter((item) => typeof item === 'string' && item) : [];
}

// ---- topics and kicks ----------------------------------------------------------------------

function askTopic(name) {
  if (send({ type: 'topic', target: name })) roomRequests.push({ command: 'topic', target: name, ask: true });
}

function setTopic(name, topic) {
  if (new TextEncoder().encode(topic).length > MAX_TOPIC_BYTES) {
    view.toast(`A topic is at most ${MAX_TOPIC_BYTES} bytes long.`, { title: `Could not ${describe('topic')}` });
    return false;
  }
  if (!sendOrComplain({ type: 'topic', target: name, topic })) return false;
  roomRequests.push({ command: 'topic', target: name, ask: false });
  return true;
}

function kick(name, nickname) {
  if (!sendOrComplain({ type: 'kick', target: name, nickname })) return false;
  roomRequests.push({ command: 'kick', target: name, nickname, ask: false });
  return true;
}

// The oldest request still waiting for an answer to `commandName`.
function takeRoomRequest(commandName) {
  const at = roomRequests.findIndex((request) => request.command === commandName);
  return at < 0 ? undefined : roomRequests.splice(at, 1)[0];
}

// "/topic" (edit it in the header), "/topic text", "/kick nick" typed in a room. Returns
// whether the composer may be cleared.
function runSlashCommand(name, argument) {
  const room = state.rooms.get(state.activeKey);
  const title = `Could not ${describe(name)}`;
  if (!room?.joined) {
    view.toast(`/${name} works in a room you are in.`, { title });
    return false;
  }
  if (name === 'topic') {
    if (!argument) return view.editTopic();
    return setTopic(room.name, argument);
  }
  if (!/^\S+$/.test(argument)) {
    view.toast('Type /kick and the nickname of the person to remove, e.g. /kick bob.', { title });
    return false;
  }
  return kick(room.name, argument);
}

// ---- history -------------------------------------------------------------------------------

// A conversation the person opens or takes part in: load its latest messages once, and for an
// account ask its read marker (the unread count comes from it).
function openConversation(key) {
  const conversation = state.conversations.get(key);
  if (!conversation || session.phase !== 'in') return;
  if (conversation.kind === 'room' && !state.rooms.get(key)?.joined) return;
  if (!conversation.history.loaded) requestHistory(key, 'latest');
  askMarker(key);
}

// Brings a conversation up to date: what came after the newest message shown (after a
// reconnect), or its latest page when nothing is shown yet.
function syncConversation(key) {
  const conversation = state.conversations.get(key);
  if (!conversation) return;
  const newest = state.newestMessage(key);
  if (conversation.history.loaded && newest) requestHistory(key, 'after', newest.id);
  else requestHistory(key, 'latest');
  askMarker(key);
}

function loadOlder(key) {
  const conversation = state.conversations.get(key);
  const history = conversation?.history;
  if (!history?.loaded || history.more !== true || history.loadingOlder) return;
  const oldest = state.oldestMessage(key);
  if (oldest) requestHistory(key, 'before', oldest.id);
}

function requestHistory(key, mode, anchor) {
  if (session.storeDisabled || session.phase !== 'in') return false;
  const target = state.targetOf(key);
  if (!target) return false;
  if (historyRequests.some((r) => r.key === key && r.mode === mode && r.anchor === anchor)) return false;
  const frame = { type: 'history', target };
  if (mode === 'before') frame.before = anchor;
  if (mode === 'after') frame.after = anchor;
  frame.limit = HISTORY_PAGE;
  if (!send(frame)) return false;
  historyRequests.push({ key, mode, anchor });
  if (mode === 'before') state.setHistoryStatus(key, { loadingOlder: true });
  return true;
}

function onHistoryPage(reply) {
  const frames = historyFrames;
  historyFrames = [];
  const request = historyRequests.shift();
  if (!request) return;
  if (keyForTarget(reply.target) !== request.key) {
    console.warn('History reply for another conversation', reply, request);
  }
  const more = reply.more === true;
  state.mergeHistory(request.key, frames, { mode: request.mode, more });
  // chatd knows the offline partner of a private conversation: an account, whom messages wait for.
  const conversation = state.conversations.get(request.key);
  if (conversation?.kind === 'dm' && !state.isOnline(conversation.name)) state.setPeerKept(request.key, true);
  // Catching up: ask again from the newest message until nothing more was missed.
  if (request.mode === 'after' && more && frames.length > 0) {
    requestHistory(request.key, 'after', frames[frames.length - 1].id);
  }
  if (request.key === state.activeKey) markRead();
}

function onHistoryError(frame) {
  historyFrames = [];
  const request = historyRequests.shift();
  if (!request) return;
  const { key, mode } = request;
  if (frame.code === 'store-disabled') {
    session.storeDisabled = true;
    state.setPeerKept(key, false); // no store, no accounts: nothing waits for anyone offline
    state.setHistoryStatus(key, { loaded: true, more: false, loadingOlder: false, unavailable: true });
    return;
  }
  if (mode === 'before') {
    // An anchor the server does not know: stop scrolling back rather than ask again and again.
    state.setHistoryStatus(key, frame.code === 'no-such-message' ? { loadingOlder: false, more: false } : { loadingOlder: false });
  }
  const conversation = state.conversations.get(key);
  if (frame.code === 'no-such-user') state.setPeerKept(key, false); // gone, not an account
  if (frame.code === 'no-such-user' && conversation?.kind === 'dm' && conversation.entries.length === 0) {
    // Someone from before who is gone (a guest who left): drop the empty conversation.
    session.entered.delete(key);
    state.dropDm(key);
    return;
  }
  if (mode === 'after' && frame.code === 'no-such-message') {
    // The server no longer has the newest message we saw (it restarted with another store):
    // take its latest page instead.
    requestHistory(key, 'latest');
    return;
  }
  console.warn('History not available', frame, request);
}

// chatd keeps private messages for an account that is offline and refuses them for a guest who
// left: whether it still knows the nickname tells the two apart, and a history request (which
// also catches up) asks it without changing anything. Answered in onHistoryPage/onHistoryError.
function askIfKept(nick) {
  const key = dmKey(nick);
  if (!state.conversations.has(key)) return;
  state.setPeerKept(key, session.storeDisabled ? false : undefined);
  if (!session.storeDisabled) syncConversation(key);
}

// ---- read markers --------------------------------------------------------------------------

function askMarker(key) {
  if (!session.account || session.phase !== 'in' || markersAsked.has(key)) return;
  const target = state.targetOf(key);
  if (target && send({ type: 'read', target })) {
    markersAsked.add(key);
    readRequests.push({ key, id: undefined });
  }
}

// The account's marker as it stands, the answer to asking or to setting it. A reply to setting
// it may name a later message than the one sent (the marker only moves forward, and another
// device read further; it may not even be here yet): the message sent is read all the same.
function onReadReply(frame) {
  const key = keyForTarget(frame.target);
  const request = readRequests.shift();
  if (request && request.key !== key) console.warn('Read reply for another conversation', frame, request);
  const sent = request?.key === key ? request.id : undefined;
  state.setReadMarker(key, frame.id ?? null, { readThrough: sent });
}

// The person is looking at the open conversation: mark it read up to its newest message, so
// the account's other tabs and devices stop counting those messages as unread.
function markRead() {
  if (!session.account || session.phase !== 'in') return;
  if (document.hidden || !document.hasFocus()) return;
  const key = state.activeKey;
  const conversation = state.active;
  if (!conversation) return;
  if (conversation.kind === 'room' && !state.rooms.get(key)?.joined) return;
  const newest = state.newestMessage(key);
  if (!newest || newest.id === readSent.get(key) || state.isRead(key, newest.id)) return;
  const target = state.targetOf(key);
  if (target && send({ type: 'read', target, id: newest.id })) {
    readSent.set(key, newest.id);
    readRequests.push({ key, id: newest.id });
  }
}

state.addEventListener('active', () => {
  markRead();
  typing.done(); // what was being typed is no longer for the conversation left
});
state.addEventListener('entry', (event) => {
  if (event.detail.key === state.activeKey && event.detail.entry.type === 'message') markRead();
});

// ---- sign-in with a provider (OpenID Connect) ----------------------------------------------

// chatd is the relying party: it gives the authorization URL and later takes the code the
// provider sends back. On the login screen this signs in; logged in to an account, it links the
// provider's identity to it.
function authorize(provider, link) {
  // This page (without any query), where the provider sends the browser back.
  const redirectUri = window.location.origin + window.location.pathname;
  if (!send({ type: 'authorize', provider, redirect_uri: redirectUri })) {
    const offline = 'Not connected to the server; try again in a moment.';
    if (link) view.toast(offline, { title: 'Offline' });
    else view.setLoginError(offline);
    return;
  }
  session.authorizing = { provider, link };
  if (!link) view.setLoginBusy(true, `Taking you to ${provider}…`, 'signin');
}

// Off to the provider, once this tab has noted the state it must come back with.
function onAuthorized({ provider, url }) {
  const request = session.authorizing;
  session.authorizing = null;
  if (!request) return;
  const state = URL.canParse(url) ? new URL(url).searchParams.get('state') : null;
  if (!state) {
    onAuthorizeError(`The server gave no usable address for ${provider}.`, request);
  } else if (!rememberSignIn({ provider, state, link: request.link })) {
    onAuthorizeError(`Signing in with ${provider} needs this browser's session storage, which is off.`, request);
  } else {
    window.location.assign(url);
  }
}

function rememberSignIn(started) {
  try {
    storage('session').setItem(SIGNIN_STORAGE_KEY, JSON.stringify(started));
    return true;
  } catch {
    return false;
  }
}

// The sign-in this tab started, forgotten as it is read: a state is good for one return.
function takeSignIn() {
  try {
    const tab = storage('session');
    const started = JSON.parse(tab.getItem(SIGNIN_STORAGE_KEY));
    tab.removeItem(SIGNIN_STORAGE_KEY);
    return started;
  } catch {
    return null;
  }
}

function onAuthorizeError(message, request = session.authorizing) {
  session.authorizing = null;
  if (request?.link) {
    view.toast(message, { title: `Could not link your ${request.provider} account` });
  } else if (session.phase === 'login') {
    view.setLoginBusy(false);
    view.setLoginError(message);
  }
}

function linkLost(provider) {
  return `Your session ended before your ${provider} account was linked; log in and link it again.`;
}

function onLinked({ provider }) {
  session.linking = null;
  view.toast(`You can sign in to this account with ${provider} from now on.`, {
    title: `${provider} account linked`, kind: 'info',
  });
}

// The provider sent the browser back here, with ?code=...&state=... or ?error=...&state=...:
// what to do with it ({ provider, state, link, code }), an error to show instead ({ error,
// provider? }), or null when this is an ordinary page load.
function providerReturn() {
  const params = new URLSearchParams(window.location.search);
  if (!params.has('state') || !(params.has('code') || params.has('error'))) return null;
  // The code must not stay in the address bar, the history or a bookmark, whatever comes next.
  window.history.replaceState(window.history.state, '', window.location.pathname + window.location.hash);
  const started = takeSignIn();
  // A code this tab did not ask for may be someone else's, to sign the person in as them.
  if (!started?.state || started.state !== params.get('state')) {
    return { error: 'That sign-in was not started in this tab, or is already finished, so it was refused. '
      + 'Start it again from here.' };
  }
  const { provider, state, link } = started;
  const error = params.get('error');
  const code = params.get('code');
  if (error === 'access_denied') return { provider, link, error: `You did not allow ${provider} to sign you in.` };
  if (error || !code) return { provider, link, error: `${provider} did not sign you in (${error ?? 'no code'}).` };
  return { provider, state, link, code };
}

// ---- start ---------------------------------------------------------------------------------

// Messages that arrived in the open conversation while the tab was hidden count as unread
// until the person looks again.
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && state.activeKey) {
    state.select(state.activeKey);
    markRead();
  }
});
window.addEventListener('focus', () => markRead());

// Back from the provider's page without signing in, to this page as the browser kept it (the
// back/forward cache): the login screen must not stay busy.
window.addEventListener('pageshow', (event) => {
  if (event.persisted && session.phase === 'login') view.setLoginBusy(false);
});

window.addEventListener('storage', (event) => {
  // Logging out in one tab logs out the others that share its session.
  if (event.key !== TOKEN_STORAGE_KEY || event.newValue !== null) return;
  if (!session.account || !session.token || event.oldValue !== session.token) return;
  if (session.phase === 'in' || session.phase === 'relogin') logout();
});

removeLegacyDms();
const returned = providerReturn();
const token = storedToken();
if (returned?.code && !returned.link) {
  // A sign-in, on this page's fresh connection (a session another tab stored meanwhile gives way).
  session.phase = 'pending';
  session.intent = 'signin';
  session.signin = returned;
  view.showLogin({ nickname: rememberedNickname() });
  view.setLoginBusy(true, `Signing in with ${returned.provider}…`, 'signin');
} else if (token) {
  session.phase = 'resume';
  session.token = token;
  session.account = true;
  if (returned?.code) {
    session.link = returned;
  } else if (returned) {
    const title = returned.link ? `Could not link your ${returned.provider} account` : 'Could not sign in';
    view.toast(returned.error, { title });
  }
  view.showResuming();
} else {
  const error = returned?.code ? linkLost(returned.provider) : returned?.error;
  view.showLogin({ nickname: rememberedNickname(), error });
}
connection.start();
