// The DOM: renders ChatState and turns clicks and key presses into calls on the controller.
// User data only ever reaches the page through textContent or attribute values (never innerHTML).

import { Composer } from './composer.js';
import { messageNodes } from './message_text.js';
import { Notifier } from './notify.js';
import { EVERYONE, fold, slugFor } from './state.js';
import { Typists, typingText } from './typing.js';

const $ = (id) => document.getElementById(id);
const PHONE = window.matchMedia('(max-width: 760px)');
const TOAST_MS = 8000;
const NEAR_BOTTOM_PX = 80;
// Scrolling this close to the top of a conversation loads earlier messages.
const NEAR_TOP_PX = 60;
const GROUP_MS = 5 * 60 * 1000;

// Builds an element. props: class, text, dataset, on<event>, or plain attributes.
function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'text') element.textContent = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined));
  return element;
}

const pad = (n) => String(n).padStart(2, '0');
const hhmm = (date) => `${pad(date.getHours())}:${pad(date.getMinutes())}`;
const fullTime = (date) => date.toLocaleString(undefined, {
  weekday: 'short', year: 'numeric', month: 'short', day: 'numeric',
  hour: '2-digit', minute: '2-digit', second: '2-digit',
});
function dayLabel(date) {
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (date.toDateString() === today.toDateString()) return 'Today';
  if (date.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return date.toLocaleDateString(undefined, { weekday: 'long', month: 'long', day: 'numeric' });
}
function parseTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? new Date() : date;
}
function timeElement(iso, className) {
  const date = parseTime(iso);
  return h('time', {
    class: className, datetime: date.toISOString(), title: fullTime(date), 'data-testid': 'message-time',
    text: hhmm(date),
  });
}

// A coloured initial, the same colour for a nickname everywhere.
function hue(nick) {
  let hash = 0;
  for (const ch of fold(nick)) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return hash % 360;
}
export function avatar(nick, extraClass = '') {
  const element = h('span', { class: `avatar ${extraClass}`.trim(), 'aria-hidden': 'true' });
  fillAvatar(element, nick);
  return element;
}
function fillAvatar(element, nick) {
  element.textContent = (nick.match(/[A-Za-z0-9]/)?.[0] ?? '?').toUpperCase();
  element.style.setProperty('--avatar-hue', String(hue(nick)));
}

// Re-rendering a list must not throw keyboard and screen-reader users out of it: if an entry
// had focus, give focus back to the entry with the same test id.
function preservingFocus(container, render) {
  const focused = document.activeElement;
  const id = focused && container.contains(focused) ? focused.getAttribute('data-testid') : null;
  render();
  if (id && document.activeElement !== focused) {
    container.querySelector(`[data-testid="${CSS.escape(id)}"]`)?.focus();
  }
}

export class View {
  #state;
  #actions;
  // key -> { list, status, lastEntry, lastDay, stick, scrollTop, newFrom, unseen }
  //   stick: the pane follows the newest message (scrolled to the bottom)
  //   newFrom: the entry a "New messages" line goes above, until another conversation is opened
  //   unseen: messages from others that arrived below the view since it was scrolled up
  #panes = new Map();
  #items = new Map(); // key -> <li> in the sidebar
  #focusComposerOnSwitch = false;
  #topicKey = null; // the room whose topic is being edited in the header
  #providers = []; // chatd's sign-in providers
  composer;
  notifier;
  typists = new Typists(); // who is typing where (the controller tells it)

  // actions: { login({nickname, password, intent}), signIn(provider), link(provider), cancelResume(),
  //            send(text) (see Composer), typed(text) (the composer's text changed), select(key),
  //            openDm(nick), createRoom(name), joinRoom(name), leaveRoom(name), destroyRoom(name),
  //            setTopic(name, topic), loadOlder(key), logout(), reconnectNow() }
  // Those that send something return whether it went.
  // intent: 'guest' (no password), 'login' (to an account) or 'register' (create one).
  constructor(state, actions) {
    this.#state = state;
    this.#actions = actions;
    this.composer = new Composer(
      { form: $('composer'), input: $('message-input'), counter: $('composer-count') },
      {
        send: (text) => actions.send(text),
        target: () => state.targetOf(state.activeKey) ?? EVERYONE,
        typed: (text) => actions.typed(text),
      },
    );
    this.notifier = new Notifier(
      { button: $('notifications-toggle'), label: $('notifications-label'), status: $('notifications-status') },
      {
        open: (key) => {
          actions.select(key);
          this.#setSidebarOpen(false);
        },
      },
    );
    this.#bindStatic();
    this.#subscribe();
    // A viewport that changes height (a phone rotated, its keyboard opened) must not hide the
    // newest messages from someone who was reading them.
    new ResizeObserver(() => this.#keepAtBottom()).observe($('message-panes'));
    this.#renderConversations();
    this.#showActivePane();
    this.#renderHeader();
  }

  // ---- screens -----------------------------------------------------------------------------

  showLogin({ nickname = '', error = '' } = {}) {
    $('chat-screen').hidden = true;
    $('login-screen').hidden = false;
    $('resume-card').hidden = true;
    $('login-form').hidden = false;
    const input = $('login-nickname');
    if (nickname) input.value = nickname;
    $('login-password').value = '';
    this.setLoginBusy(false);
    this.setLoginError(error);
    input.focus();
    input.select();
  }

  // Signing in again with the stored session token (page load): no form, just a status.
  showResuming(status = 'Signing you in…') {
    $('chat-screen').hidden = true;
    $('login-screen').hidden = false;
    $('login-form').hidden = true;
    $('resume-card').hidden = false;
    $('resume-status').textContent = status;
  }

  setResumeStatus(status) { $('resume-status').textContent = status; }

  showChat() {
    const wasHidden = $('chat-screen').hidden;
    $('login-screen').hidden = true;
    $('chat-screen').hidden = false;
    this.setLoginError('');
    this.setLoginBusy(false);
    if (wasHidden) {
      this.#showActivePane();
      if (!PHONE.matches) $('message-input').focus();
    }
  }

  // intent: as for login, or 'signin' (with a provider).
  setLoginBusy(busy, status = '', intent = 'guest') {
    for (const button of this.#loginButtons()) button.disabled = busy;
    $('login-nickname').setAttribute('aria-busy', String(busy));
    if (busy) {
      const label = {
        guest: 'Joining…', login: 'Logging in…', register: 'Creating account…', signin: 'Signing in…',
      }[intent];
      (intent === 'register' ? $('login-register') : $('login-submit')).textContent = label;
    } else {
      this.#renderLoginButtons();
    }
    $('login-status').textContent = status;
  }

  // "Join chat" as a guest without a password, "Log in" with one.
  #renderLoginButtons() {
    if ($('login-submit').disabled) return;
    $('login-submit').textContent = $('login-password').value ? 'Log in' : 'Join chat';
    $('login-register').textContent = 'Create account';
  }

  #loginButtons() {
    return [$('login-submit'), $('login-register'), ...$('login-provider-buttons').children];
  }

  setLoginStatus(status) { $('login-status').textContent = status; }

  // chatd's sign-in providers: "Sign in with <name>" on the login screen, and "Link <name>
  // account" in an account's menu.
  setProviders(names) {
    this.#providers = names;
    const busy = $('login-submit').disabled;
    $('login-provider-buttons').replaceChildren(...names.map((name) => h('button', {
      class: 'button button--block login-providers__button', type: 'button', 'data-testid': `signin-${name}`,
      text: `Sign in with ${name}`, disabled: busy, onclick: () => this.#actions.signIn(name),
    })));
    $('login-providers').hidden = names.length === 0;
    $('account-menu').replaceChildren(...names.map((name) => h('button', {
      class: 'button button--ghost button--small button--block', type: 'button',
      'data-testid': `link-${name}`, text: `Link ${name} account`,
      onclick: () => {
        setMenuOpen($('account-more-wrap'), false);
        this.#actions.link(name);
      },
    })));
    this.#renderAccountMenu();
  }

  // Only an account has anything to link a provider's identity to.
  #renderAccountMenu() {
    const wrap = $('account-more-wrap');
    wrap.hidden = !this.#state.me?.account || this.#providers.length === 0;
    if (wrap.hidden) setMenuOpen(wrap, false);
  }

  // field: which input the error is about ('nickname' or 'password').
  setLoginError(message, field = 'nickname') {
    const element = $('login-error');
    element.textContent = message;
    element.hidden = !message;
    const input = field === 'password' ? $('login-password') : $('login-nickname');
    $('login-nickname').setAttribute('aria-invalid', String(Boolean(message) && field === 'nickname'));
    $('login-password').setAttribute('aria-invalid', String(Boolean(message) && field === 'password'));
    if (message) input.focus();
  }

  // The "Reconnecting…" banner while the socket is down or we are logging in again.
  setReconnecting(reconnecting, text = 'Reconnecting…') {
    const banner = $('connection-banner');
    $('connection-banner-text').textContent = text;
    banner.hidden = !reconnecting;
    $('chat-screen').classList.toggle('is-offline', reconnecting);
    $('me-status').textContent = reconnecting ? 'Reconnecting…' : 'Online';
    this.#renderComposer();
  }

  // ---- errors ------------------------------------------------------------------------------

  // persist: stays until dismissed, as errors do.
  toast(message, { title = 'Error', kind = 'error', persist = kind === 'error' } = {}) {
    const region = $('error-region');
    const close = h('button', {
      class: 'icon-button toast__close', type: 'button', 'aria-label': 'Dismiss',
      'data-testid': 'error-dismiss',
    });
    close.append(svgIcon('M6 6l12 12M18 6L6 18'));
    const toast = h('div', { class: `toast toast--${kind}`, 'data-testid': 'error-toast' },
      h('div', { class: 'toast__body' },
        h('strong', { class: 'toast__title', text: title }),
        h('span', { class: 'toast__message', 'data-testid': 'error-message', text: message })),
      close);
    const remove = () => toast.remove();
    close.addEventListener('click', remove);
    // Errors stay until dismissed, so nobody misses one; notices fade on their own.
    if (!persist) setTimeout(remove, TOAST_MS);
    region.append(toast);
    while (region.children.length > 3) region.firstElementChild.remove();
  }

  // ---- wiring ------------------------------------------------------------------------------

  #bindStatic() {
    const submitLogin = (intent) => {
      const nickname = $('login-nickname').value.trim();
      const password = $('login-password').value;
      if (!nickname) {
        this.setLoginError('Please enter a nickname.');
        return;
      }
      if (intent === 'register' && !password) {
        this.setLoginError('Choose a password to create an account.', 'password');
        return;
      }
      if (intent === 'register' && !validPassword(password)) {
        this.setLoginError('Passwords are 8 to 128 characters without spaces.', 'password');
        return;
      }
      this.setLoginError('');
      this.#actions.login({ nickname, password: password || null, intent: password ? intent : 'guest' });
    };
    $('login-form').addEventListener('submit', (event) => {
      event.preventDefault();
      submitLogin('login');
    });
    $('login-register').addEventListener('click', () => submitLogin('register'));
    $('login-password').addEventListener('input', () => this.#renderLoginButtons());
    $('resume-cancel').addEventListener('click', () => this.#actions.cancelResume());

    $('room-create-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const input = $('room-create-input');
      let name = input.value.trim();
      if (!name) {
        input.focus();
        return;
      }
      if (!name.startsWith('#')) name = `#${name}`;
      if (this.#actions.createRoom(name)) input.value = '';
    });

    const activeRoom = () => this.#state.rooms.get(this.#state.activeKey)?.name;
    $('room-join').addEventListener('click', () => activeRoom() && this.#actions.joinRoom(activeRoom()));
    $('room-leave').addEventListener('click', () => activeRoom() && this.#actions.leaveRoom(activeRoom()));
    bindMenu($('room-more-wrap'));
    bindMenu($('account-more-wrap'));
    $('room-destroy').addEventListener('click', () => {
      const name = activeRoom();
      setMenuOpen($('room-more-wrap'), false);
      $('room-more').focus(); // the menu is gone; once the room is too, focus moves on from there
      if (name && window.confirm(`Destroy ${name}? Everyone in it will be removed, and all its `
        + 'messages will be lost for good.')) {
        this.#actions.destroyRoom(name);
      }
    });
    $('topic-edit').addEventListener('click', () => this.editTopic());
    $('topic-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const room = this.#state.rooms.get(this.#topicKey ?? '');
      const topic = $('topic-input').value.trim();
      if (!room || topic === (room.topic ?? '') || this.#actions.setTopic(room.name, topic)) {
        this.#closeTopicEditor();
      }
    });
    $('topic-cancel').addEventListener('click', () => this.#closeTopicEditor());
    $('topic-input').addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.#closeTopicEditor();
    });
    $('jump-latest').addEventListener('click', () => {
      const pane = this.#panes.get(this.#state.activeKey);
      if (!pane) return;
      pane.list.scrollTop = pane.list.scrollHeight;
      this.#setStick(pane, true);
      pane.list.focus(); // the button goes away; keyboard users carry on from the messages
    });
    $('logout-button').addEventListener('click', () => this.#actions.logout());
    $('reconnect-now').addEventListener('click', () => this.#actions.reconnectNow());

    $('sidebar-open').addEventListener('click', () => this.#setSidebarOpen(true));
    $('sidebar-close').addEventListener('click', () => this.#setSidebarOpen(false));
    $('sidebar-scrim').addEventListener('click', () => this.#setSidebarOpen(false));
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && $('chat-screen').classList.contains('sidebar-open')) {
        this.#setSidebarOpen(false);
        $('sidebar-open').focus();
      }
    });
    PHONE.addEventListener('change', () => this.#setSidebarOpen(false));
  }

  #setSidebarOpen(open) {
    const chat = $('chat-screen');
    const isOpen = open && PHONE.matches;
    chat.classList.toggle('sidebar-open', isOpen);
    $('sidebar-scrim').hidden = !isOpen;
    $('sidebar-open').setAttribute('aria-expanded', String(isOpen));
    if (isOpen) {
      const current = $('sidebar').querySelector('[aria-current="page"]') ?? $('sidebar-close');
      current.focus();
    }
  }

  #subscribe() {
    const state = this.#state;
    state.addEventListener('me', () => {
      const nick = state.me?.nickname ?? '';
      $('me-nickname').textContent = nick;
      fillAvatar($('me-avatar'), nick || '?');
      this.#renderTitle();
      this.#renderAccountMenu();
    });
    state.addEventListener('conversations', () => this.#renderConversations());
    state.addEventListener('users', () => this.#renderUsers());
    state.addEventListener('header', () => this.#renderHeader());
    state.addEventListener('active', () => {
      this.#showActivePane();
      this.#renderTyping();
    });
    this.typists.addEventListener('change', (event) => {
      if (event.detail.key === state.activeKey) this.#renderTyping();
    });
    state.addEventListener('unread-seen', (event) => this.#showNewFrom(event.detail.key, event.detail.entry));
    state.addEventListener('entry', (event) => this.#appendEntry(event.detail.key, event.detail.entry));
    state.addEventListener('history', (event) => this.#redrawPane(event.detail.key, event.detail.mode));
    state.addEventListener('history-state', (event) => {
      const pane = this.#panes.get(event.detail.key);
      if (!pane) return;
      this.#renderHistoryStatus(pane);
      this.#fillPane(event.detail.key);
    });
    state.addEventListener('renamed', (event) => {
      const { from, to } = event.detail;
      const pane = this.#panes.get(from);
      if (pane) {
        this.#panes.delete(from);
        this.#panes.set(to, pane);
        pane.list.dataset.testid = `messages-${slugFor(to)}`;
        pane.list.dataset.key = to;
      }
      this.#items.get(from)?.remove();
      this.#items.delete(from);
      this.#showActivePane();
    });
    state.addEventListener('removed', (event) => {
      this.#panes.get(event.detail.key)?.list.remove();
      this.#panes.delete(event.detail.key);
    });
    state.addEventListener('reset', () => {
      for (const pane of this.#panes.values()) pane.list.remove();
      this.#panes.clear();
      for (const item of this.#items.values()) item.remove();
      this.#items.clear();
      $('error-region').replaceChildren();
      this.#renderConversations();
      this.#renderUsers();
      this.#showActivePane();
      this.#renderHeader();
    });
  }

  // ---- sidebar -----------------------------------------------------------------------------

  #renderConversations() {
    const state = this.#state;
    const everyone = [];
    const rooms = [];
    const dms = [];
    for (const conversation of state.conversations.values()) {
      if (conversation.kind === 'everyone') everyone.push(conversation);
      else if (conversation.kind === 'room') rooms.push(conversation);
      else dms.push(conversation);
    }
    const byName = (a, b) => fold(a.name).localeCompare(fold(b.name));
    rooms.sort((a, b) => Number(state.rooms.get(b.key)?.joined ?? false)
      - Number(state.rooms.get(a.key)?.joined ?? false) || byName(a, b));
    dms.sort(byName);

    this.#renderList($('everyone-list'), everyone);
    this.#renderList($('room-list'), rooms);
    this.#renderList($('dm-list'), dms);
    $('dm-empty').hidden = dms.length > 0;
    if (rooms.length === 0) {
      $('room-list').replaceChildren(h('li', { class: 'sidebar__empty', text: 'No rooms yet. Create one below.' }));
    }

    for (const key of [...this.#items.keys()]) {
      if (!state.conversations.has(key)) {
        this.#items.get(key).remove();
        this.#items.delete(key);
      }
    }
    const unreadElsewhere = state.totalUnread > 0;
    $('menu-unread').hidden = !unreadElsewhere;
    this.#renderTitle();
  }

  #renderList(list, conversations) {
    const items = conversations.map((conversation) => this.#conversationItem(conversation));
    const current = [...list.children];
    if (current.length !== items.length || current.some((item, i) => item !== items[i])) {
      preservingFocus(list, () => list.replaceChildren(...items));
    }
  }

  #conversationItem(conversation) {
    const state = this.#state;
    const { key } = conversation;
    let item = this.#items.get(key);
    if (!item) {
      const button = h('button', {
        class: 'conversation', type: 'button', 'data-testid': `conv-${slugFor(key)}`,
        dataset: { key },
        onclick: () => {
          this.#focusComposerOnSwitch = true;
          this.#actions.select(button.dataset.key);
          this.#setSidebarOpen(false);
        },
      });
      item = h('li', {}, button);
      this.#items.set(key, item);
    }
    const button = item.firstElementChild;
    button.dataset.key = key;
    button.dataset.testid = `conv-${slugFor(key)}`;

    let icon;
    let name = conversation.name;
    let status = '';
    if (conversation.kind === 'everyone') {
      icon = h('span', { class: 'conversation__icon conversation__icon--everyone', 'aria-hidden': 'true' });
      icon.append(svgIcon('M12 3a9 9 0 100 18 9 9 0 000-18zM3 12h18M12 3c2.5 2.7 3.5 5.7 3.5 9s-1 6.3-3.5 9c-2.5-2.7-3.5-5.7-3.5-9s1-6.3 3.5-9z'));
    } else if (conversation.kind === 'room') {
      const room = state.rooms.get(key);
      icon = h('span', { class: 'conversation__icon', 'aria-hidden': 'true', text: '#' });
      name = conversation.name.replace(/^#/, '');
      if (!room?.joined) status = 'not joined';
      button.classList.toggle('conversation--muted', !room?.joined);
    } else {
      icon = avatar(conversation.name, 'avatar--small');
      const online = state.isOnline(conversation.name);
      icon.classList.toggle('avatar--online', online);
      if (!online) status = 'offline';
      button.classList.toggle('conversation--muted', !online);
    }

    const children = [icon, h('span', { class: 'conversation__name', text: name })];
    if (status) children.push(h('span', { class: 'visually-hidden', text: `, ${status}` }));
    if (conversation.mentions > 0) {
      // Told apart from the other unread messages: these ask for the reader.
      children.push(h('span', {
        class: 'badge badge--mention', 'data-testid': 'mention-badge', text: `@${conversation.mentions}`,
        'aria-label': `${conversation.mentions} mentioning you`,
      }));
    }
    if (conversation.unread > 0) {
      children.push(h('span', {
        class: 'badge', 'data-testid': 'unread-badge', text: conversation.unread > 99 ? '99+' : String(conversation.unread),
        'aria-label': `${conversation.unread} unread`,
      }));
    }
    button.replaceChildren(...children);
    button.classList.toggle('conversation--unread', conversation.unread > 0);
    if (key === state.activeKey) button.setAttribute('aria-current', 'page');
    else button.removeAttribute('aria-current');
    return item;
  }

  #renderUsers() {
    const state = this.#state;
    const users = [...state.users.values()].sort((a, b) => {
      if (state.isMe(a)) return -1;
      if (state.isMe(b)) return 1;
      return fold(a).localeCompare(fold(b));
    });
    $('users-count').textContent = users.length ? String(users.length) : '';
    const list = $('user-list');
    preservingFocus(list, () => list.replaceChildren(...users.map((nick) => {
      if (state.isMe(nick)) {
        return h('li', {},
          h('span', { class: 'user user--me', 'data-testid': `user-${fold(nick)}` },
            avatar(nick, 'avatar--small avatar--online'),
            h('span', { class: 'user__name', text: nick }),
            h('span', { class: 'user__tag', text: 'you' })));
      }
      return h('li', {},
        h('button', {
          class: 'user', type: 'button', 'data-testid': `user-${fold(nick)}`,
          title: `Message ${nick} privately`,
          onclick: () => {
            this.#focusComposerOnSwitch = true;
            this.#actions.openDm(nick);
            this.#setSidebarOpen(false);
          },
        },
        avatar(nick, 'avatar--small avatar--online'),
        h('span', { class: 'user__name', text: nick }),
        h('span', { class: 'visually-hidden', text: ', send a private message' })));
    })));
  }

  #renderTitle() {
    const unread = this.#state.totalUnread;
    const me = this.#state.me?.nickname;
    document.title = `${unread ? `(${unread}) ` : ''}Chat${me ? ` — ${me}` : ''}`;
  }

  // ---- header and composer -----------------------------------------------------------------

  #renderHeader() {
    const state = this.#state;
    const conversation = state.active;
    if (!conversation) return;
    const room = state.rooms.get(conversation.key);
    let subtitle = '';
    if (conversation.kind === 'everyone') {
      const n = state.users.size;
      subtitle = `Everyone on the server · ${n} online`;
    } else if (conversation.kind === 'room') {
      if (!room?.joined) subtitle = 'You are not in this room';
      else if (room.members) {
        const names = [...room.members.values()].sort((a, b) => fold(a).localeCompare(fold(b)));
        subtitle = `${names.length} member${names.length === 1 ? '' : 's'} · ${names.join(', ')}`;
      } else subtitle = 'Room';
    } else {
      subtitle = state.isOnline(conversation.name) ? 'Private conversation · online' : 'Private conversation · offline';
    }
    $('conversation-title').textContent = conversation.kind === 'dm' ? `@${conversation.name}` : conversation.name;
    $('conversation-subtitle').textContent = subtitle;
    $('conversation-subtitle').title = subtitle;
    const isRoom = conversation.kind === 'room';
    $('room-join').hidden = !isRoom || Boolean(room?.joined);
    $('room-leave').hidden = !isRoom || !room?.joined;
    // "More" holds only Destroy: whoever chatd would not let destroy the room does not see it.
    const wrap = $('room-more-wrap');
    const mayDestroy = isRoom && Boolean(room?.joined) && state.mayModerate(conversation.key);
    if (!mayDestroy) {
      setMenuOpen(wrap, false);
      // Keyboard focus is not lost with the menu (its room destroyed, say): the messages take it.
      if (wrap.contains(document.activeElement)) this.#panes.get(state.activeKey)?.list.focus();
    }
    wrap.hidden = !mayDestroy;
    this.#renderTopic(conversation, room);
    this.#renderComposer();
    this.#renderEmpty();
  }

  // A room's topic beside its name: its members click it to change it (chatd lets the owner only,
  // and says so otherwise). While it is being changed, a form replaces it and the subtitle.
  #renderTopic(conversation, room) {
    const isRoom = conversation.kind === 'room';
    const joined = isRoom && Boolean(room?.joined);
    const topic = isRoom ? room?.topic ?? '' : '';
    const known = isRoom && room?.topic !== undefined;
    if (this.#topicKey !== null && (this.#topicKey !== conversation.key || !joined)) this.#topicKey = null;
    const editing = this.#topicKey !== null;
    const button = $('topic-edit');
    button.hidden = editing || !isRoom || (!topic && !(joined && known));
    button.disabled = !joined;
    button.title = topic;
    if (joined) button.setAttribute('aria-label', topic ? `Topic: ${topic}. Change the topic` : 'Add a topic');
    else button.removeAttribute('aria-label');
    $('conversation-topic').textContent = topic;
    $('topic-placeholder').hidden = Boolean(topic) || !joined;
    const form = $('topic-form');
    if (!editing && !form.hidden && form.contains(document.activeElement)) {
      this.#panes.get(this.#state.activeKey)?.list.focus(); // not lost with the form
    }
    form.hidden = !editing;
    $('conversation-subtitle').hidden = editing;
  }

  // Opens the header's form to change the open room's topic (only in a room we are in). Returns
  // whether it opened.
  editTopic() {
    const state = this.#state;
    const room = state.rooms.get(state.activeKey);
    if (!room?.joined) return false;
    this.#topicKey = state.activeKey;
    const input = $('topic-input');
    input.value = room.topic ?? '';
    this.#renderHeader();
    input.focus();
    input.select();
    return true;
  }

  #closeTopicEditor() {
    if (this.#topicKey === null) return;
    this.#topicKey = null;
    this.#renderHeader();
    const button = $('topic-edit');
    if (!button.hidden && !button.disabled) button.focus();
    else if (!$('message-input').disabled) $('message-input').focus();
  }

  #renderComposer() {
    const state = this.#state;
    const conversation = state.active;
    if (!conversation) return;
    const input = $('message-input');
    const offline = $('chat-screen').classList.contains('is-offline');
    let placeholder;
    let hint = ''; // about the recipient, above the input
    let refused = false; // chatd would refuse a message there
    let enabled = !offline;
    if (conversation.kind === 'everyone') placeholder = 'Message everyone';
    else if (conversation.kind === 'room') {
      const joined = state.rooms.get(conversation.key)?.joined;
      placeholder = joined ? `Message ${conversation.name}` : `Join ${conversation.name} to send messages`;
      enabled &&= Boolean(joined);
    } else {
      // Someone offline can be written to when chatd keeps the messages for them (an account),
      // not when it would refuse them (peerKept false: a guest who left).
      const { name, peerKept } = conversation;
      const online = state.isOnline(name);
      refused = !online && peerKept === false;
      placeholder = refused ? `${name} is offline` : `Message @${name}${online ? '' : ' (offline)'}`;
      enabled &&= !refused;
      if (refused) {
        hint = `${name} is offline and has no account, so the server cannot keep messages for them. `
          + `You can write again when ${name} is back online.`;
      } else if (!online) {
        hint = peerKept ? `${name} is offline and will get your messages when they log in.` : `${name} is offline.`;
      }
    }
    if (offline) placeholder = 'Reconnecting…';
    input.placeholder = placeholder;
    $('message-input-label').textContent = placeholder;
    $('composer-hint').textContent = hint;
    $('composer-hint').hidden = !hint;
    $('composer-hint').classList.toggle('composer__hint--refused', refused);
    const hadFocus = document.activeElement === input;
    input.disabled = !enabled;
    $('message-send').disabled = !enabled;
    if (hadFocus && !enabled) this.#panes.get(state.activeKey)?.list.focus();
    this.composer.update(); // the limit depends on the recipient
  }

  #renderTyping() {
    $('typing-indicator').textContent = typingText(this.typists.names(this.#state.activeKey));
  }

  // ---- message panes -----------------------------------------------------------------------

  #pane(key) {
    let pane = this.#panes.get(key);
    if (!pane) {
      const conversation = this.#state.conversations.get(key);
      const list = h('ol', {
        class: 'messages', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions',
        'aria-label': `Messages: ${conversation?.name ?? key}`, tabindex: '0',
        'data-testid': `messages-${slugFor(key)}`, dataset: { key },
        hidden: true,
      });
      // The first item says whether earlier messages are loading or this is the beginning.
      const status = h('li', { class: 'history-status', 'data-testid': 'history-status' });
      pane = {
        list, status, lastEntry: null, lastDay: '', stick: true, scrollTop: 0, newFrom: null, unseen: 0,
      };
      list.addEventListener('scroll', () => {
        this.#setStick(pane, list.scrollHeight - list.scrollTop - list.clientHeight < NEAR_BOTTOM_PX);
        pane.scrollTop = list.scrollTop;
        if (list.scrollTop < NEAR_TOP_PX) this.#actions.loadOlder(list.dataset.key);
      }, { passive: true });
      this.#panes.set(key, pane);
      $('message-panes').append(list);
      this.#renderPane(pane);
    }
    return pane;
  }

  #renderPane(pane) {
    const conversation = this.#state.conversations.get(pane.list.dataset.key);
    pane.lastEntry = null;
    pane.lastDay = '';
    pane.list.replaceChildren(pane.status);
    for (const entry of conversation?.entries ?? []) this.#renderEntry(pane, entry);
    this.#renderHistoryStatus(pane);
  }

  #renderHistoryStatus(pane) {
    const conversation = this.#state.conversations.get(pane.list.dataset.key);
    const history = conversation?.history;
    let text = '';
    let kind = '';
    if (history?.loadingOlder) {
      text = 'Loading earlier messages…';
      kind = 'loading';
    } else if (history?.loaded && history.more === false && !history.unavailable
      && conversation.entries.some((entry) => entry.type === 'message')) {
      text = conversation.kind === 'dm'
        ? `This is the beginning of your conversation with ${conversation.name}.`
        : `This is the beginning of ${conversation.kind === 'room' ? conversation.name : 'the conversation'}.`;
      kind = 'start';
    }
    pane.status.textContent = text;
    pane.status.dataset.state = kind;
  }

  // A conversation's messages changed other than at the end (history merged in): draw them
  // again. Scrolling back keeps the messages in view where they were; otherwise a pane that
  // followed the newest message keeps following it.
  #redrawPane(key, mode) {
    const pane = this.#panes.get(key);
    if (!pane) return; // rendered from state when first shown
    const { list } = pane;
    const fromBottom = list.scrollHeight - list.scrollTop;
    // Redrawn messages are not news: keep screen readers from reading the whole log again.
    list.setAttribute('aria-busy', 'true');
    this.#renderPane(pane);
    setTimeout(() => list.removeAttribute('aria-busy'), 100);
    if (key !== this.#state.activeKey) return;
    if (mode === 'before') list.scrollTop = list.scrollHeight - fromBottom;
    else if (pane.stick) list.scrollTop = list.scrollHeight;
    else list.scrollTop = pane.scrollTop;
    pane.scrollTop = list.scrollTop;
    this.#renderEmpty();
    this.#fillPane(key);
  }

  // A pane too short to scroll cannot be scrolled to its top: load earlier messages until it
  // fills (the controller ignores this when there are none or a page is already on its way).
  #fillPane(key) {
    const pane = this.#panes.get(key);
    if (!pane || key !== this.#state.activeKey || pane.list.hidden) return;
    if (pane.list.scrollHeight - pane.list.clientHeight < NEAR_TOP_PX) this.#actions.loadOlder(key);
  }

  #showActivePane() {
    const key = this.#state.activeKey;
    const active = this.#pane(key);
    for (const [paneKey, pane] of this.#panes) {
      pane.list.hidden = paneKey !== key;
      // What was new is read once the person has moved on.
      if (paneKey !== key && pane.newFrom) {
        pane.newFrom = null;
        pane.list.querySelector('.new-divider')?.remove();
      }
    }
    if (active.stick) active.list.scrollTop = active.list.scrollHeight;
    else active.list.scrollTop = active.scrollTop;
    this.#renderJump();
    this.#renderConversations();
    this.#renderEmpty();
    this.#fillPane(key);
    if (this.#focusComposerOnSwitch) {
      this.#focusComposerOnSwitch = false;
      const input = $('message-input');
      if (!input.disabled && !PHONE.matches) input.focus();
    }
  }

  #setStick(pane, stick) {
    pane.stick = stick;
    if (stick) pane.unseen = 0;
    if (pane.list.dataset.key === this.#state.activeKey) this.#renderJump();
  }

  // Keeps the open conversation at its newest message when its height changed under it.
  #keepAtBottom() {
    const pane = this.#panes.get(this.#state.activeKey);
    if (pane?.stick) pane.list.scrollTop = pane.list.scrollHeight;
  }

  // "Jump to latest" while the open conversation is scrolled up, saying how many messages came.
  #renderJump() {
    const pane = this.#panes.get(this.#state.activeKey);
    const button = $('jump-latest');
    button.hidden = !pane || pane.stick;
    if (button.hidden) return;
    $('jump-latest-text').textContent = pane.unseen
      ? `${pane.unseen} new message${pane.unseen === 1 ? '' : 's'}`
      : 'Jump to latest';
  }

  // The open conversation's unread messages, from `entry` on, are in front of the person: mark
  // where they start, and start reading there when they do not all fit.
  #showNewFrom(key, entry) {
    const pane = this.#panes.get(key);
    if (!pane || key !== this.#state.activeKey) return;
    pane.newFrom = entry;
    this.#redrawPane(key, 'new');
    const divider = pane.list.querySelector('.new-divider');
    if (!divider) return;
    const above = divider.getBoundingClientRect().top - pane.list.getBoundingClientRect().top;
    if (above < 0) pane.list.scrollTop += above - 8;
  }

  #renderEmpty() {
    const state = this.#state;
    const conversation = state.active;
    const container = $('message-panes');
    container.querySelector('.empty-state')?.remove();
    if (!conversation) return;
    const room = state.rooms.get(conversation.key);
    const hasMessages = conversation.entries.some((entry) => entry.type === 'message');
    if (conversation.kind === 'room' && !room?.joined) {
      const join = h('button', {
        class: 'button button--primary', type: 'button', 'data-testid': 'empty-join',
        text: `Join ${conversation.name}`,
        onclick: () => this.#actions.joinRoom(room?.name ?? conversation.name),
      });
      container.append(h('div', { class: 'empty-state', 'data-testid': 'empty-state' },
        h('div', { class: 'empty-state__icon', 'aria-hidden': 'true', text: '#' }),
        h('p', { class: 'empty-state__title', text: `You are not in ${conversation.name}` }),
        h('p', {
          class: 'empty-state__text',
          text: room?.removedBy
            ? `${room.removedBy} removed you from this room. You can join it again.`
            : 'Join the room to read and send its messages.',
        }),
        join));
    } else if (!hasMessages) {
      let title;
      let text;
      if (conversation.kind === 'everyone') {
        title = 'Say hello to everyone';
        text = 'Messages here go to every user on the server.';
      } else if (conversation.kind === 'room') {
        title = `Welcome to ${conversation.name}`;
        text = 'Only members of this room see what is said here.';
      } else {
        title = `Private conversation with ${conversation.name}`;
        text = 'Only the two of you see these messages.';
      }
      container.append(h('div', { class: 'empty-state empty-state--quiet', 'data-testid': 'empty-state' },
        h('p', { class: 'empty-state__title', text: title }),
        h('p', { class: 'empty-state__text', text })));
    }
  }

  #appendEntry(key, entry) {
    const pane = this.#panes.get(key);
    if (!pane) return; // rendered from state when first shown
    const stick = pane.stick || entry.mine;
    const news = !stick && key === this.#state.activeKey && entry.type === 'message';
    if (news && !pane.newFrom) pane.newFrom = entry;
    this.#renderEntry(pane, entry);
    if (news) {
      pane.unseen += 1;
      this.#renderJump();
    }
    if (pane.status.dataset.state !== 'start' && entry.type === 'message') this.#renderHistoryStatus(pane);
    if (key === this.#state.activeKey) {
      if (stick) {
        pane.list.scrollTop = pane.list.scrollHeight;
        pane.stick = true;
      }
      if (entry.type === 'message') this.#renderEmpty();
    }
  }

  #renderEntry(pane, entry) {
    const date = parseTime(entry.time);
    const day = date.toDateString();
    if (day !== pane.lastDay) {
      pane.list.append(h('li', { class: 'day-divider', 'aria-hidden': 'true' }, h('span', { text: dayLabel(date) })));
      pane.lastDay = day;
      pane.lastEntry = null;
    }
    if (entry === pane.newFrom) {
      pane.list.append(h('li', { class: 'new-divider', 'data-testid': 'new-messages' },
        h('span', { text: 'New messages' })));
      pane.lastEntry = null;
    }
    if (entry.type === 'notice') {
      pane.list.append(h('li', { class: 'notice', 'data-testid': 'notice' },
        h('span', { class: 'notice__text', 'data-testid': 'notice-text', text: entry.text }), ' ',
        timeElement(entry.time, 'notice__time')));
      pane.lastEntry = entry;
      return;
    }
    const previous = pane.lastEntry;
    const continued = previous?.type === 'message' && fold(previous.from) === fold(entry.from)
      && date - parseTime(previous.time) < GROUP_MS;
    const isAction = typeof entry.action === 'string';
    const sender = h('span', { class: 'message__sender', 'data-testid': 'message-sender', text: entry.from });
    const reader = entry.mine ? null : this.#state.me?.nickname;
    let body;
    if (isAction) {
      // "* alice waves": the name is part of the line, so grouping never hides it. The time
      // follows it, visually hidden in a group (the gutter shows it on hover).
      body = h('p', { class: 'message__action', 'data-testid': 'message-action' },
        h('span', { class: 'message__action-mark', 'aria-hidden': 'true', text: '*' }), ' ', sender, ' ',
        h('span', { class: 'message__text', 'data-testid': 'message-text' }, messageNodes(entry.action, reader)),
        ' ', timeElement(entry.time, `message__time${continued ? ' visually-hidden' : ''}`));
    } else {
      const meta = h('div', { class: 'message__meta' }, sender, ' ', timeElement(entry.time, 'message__time'));
      if (entry.mine) meta.append(h('span', { class: 'message__you', text: 'you' }));
      body = [meta, h('p', { class: 'message__text', 'data-testid': 'message-text' }, messageNodes(entry.text, reader))];
    }
    const item = h('li', {
      class: `message${continued ? ' message--continued' : ''}${isAction ? ' message--action' : ''}${
        entry.mine ? ' message--mine' : ''}${entry.mention ? ' message--mention' : ''}`,
      'data-testid': 'message', dataset: { id: entry.id ?? '', sender: entry.from, ...(isAction && { action: '' }) },
    },
    continued ? h('span', { class: 'message__gutter', 'aria-hidden': 'true', text: hhmm(date) }) : avatar(entry.from),
    h('div', { class: 'message__body' }, body));
    pane.list.append(item);
    pane.lastEntry = entry;
  }
}

// A "More" menu (the room header's with Destroy, the account's): opens on its button, closes on
// Escape, a click or a Tab elsewhere.
function bindMenu(wrap) {
  const button = wrap.querySelector('.more__button');
  const menu = wrap.querySelector('.more__menu');
  button.addEventListener('click', () => setMenuOpen(wrap, menu.hidden));
  wrap.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || menu.hidden) return;
    event.stopPropagation(); // the phone's sidebar stays as it is
    setMenuOpen(wrap, false);
    button.focus();
  });
  wrap.addEventListener('focusout', (event) => {
    if (event.relatedTarget && !wrap.contains(event.relatedTarget)) setMenuOpen(wrap, false);
  });
  document.addEventListener('pointerdown', (event) => {
    if (!wrap.contains(event.target)) setMenuOpen(wrap, false);
  });
}

function setMenuOpen(wrap, open) {
  const menu = wrap.querySelector('.more__menu');
  if (menu.hidden === !open) return;
  menu.hidden = !open;
  wrap.querySelector('.more__button').setAttribute('aria-expanded', String(open));
  if (open) menu.querySelector('button')?.focus();
}

// docs/protocol.md: 8 to 128 characters without spaces or control characters.
function validPassword(password) {
  // eslint-disable-next-line no-control-regex
  return password.length >= 8 && password.length <= 128 && !/[\s\x00-\x1f\x7f]/.test(password);
}

function svgIcon(path) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const element = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  element.setAttribute('d', path);
  svg.append(element);
  return svg;
}
