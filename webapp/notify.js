// Desktop notifications for private messages and mentions of my nickname while the tab is
// hidden. Off until the person turns them on in the sidebar: the browser's permission prompt is
// asked for only from that click (browsers ignore or hold against a site prompts nobody asked for).

const PREF_KEY = 'chat.notifications'; // 'on' once turned on in this browser
const BODY_CHARS = 200;

function storedOn() {
  try { return window.localStorage.getItem(PREF_KEY) === 'on'; } catch { return false; }
}
function storeOn(on) {
  try {
    if (on) window.localStorage.setItem(PREF_KEY, 'on');
    else window.localStorage.removeItem(PREF_KEY);
  } catch { /* storage disabled: on for this page only */ }
}

export class Notifier {
  #button;
  #label;
  #status;
  #open;
  #on = storedOn();
  #shown = new Map(); // conversation key -> its latest Notification

  // button, label: the sidebar's toggle and its text; status: why they cannot be had, if so.
  // open(key): show that conversation (a notification was clicked).
  constructor({ button, label, status }, { open }) {
    this.#button = button;
    this.#label = label;
    this.#status = status;
    this.#open = open;
    button.addEventListener('click', () => this.#toggle());
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) return;
      // Back on the page: what they announced is in front of the person now.
      for (const notification of this.#shown.values()) notification.close();
      this.#shown.clear();
      this.#render(); // the permission may have been changed in the browser's settings meanwhile
    });
    this.#render();
  }

  get #enabled() { return this.#on && 'Notification' in window && Notification.permission === 'granted'; }

  async #toggle() {
    if (this.#enabled) {
      this.#on = false;
    } else {
      // From the click itself: the only time the browser shows its prompt.
      this.#on = await Notification.requestPermission() === 'granted';
    }
    storeOn(this.#on);
    this.#render();
  }

  #render() {
    const supported = 'Notification' in window;
    const secure = window.isSecureContext;
    const denied = supported && Notification.permission === 'denied';
    this.#button.hidden = !supported || !secure || denied;
    this.#label.textContent = this.#enabled ? 'Turn off notifications' : 'Turn on notifications';
    this.#button.setAttribute('aria-pressed', String(this.#enabled));
    let status = '';
    if (supported && !secure) status = 'Notifications need the chat on https://.';
    else if (denied) status = "Notifications are blocked for this site in the browser's settings.";
    this.#status.textContent = status;
    this.#status.hidden = !status;
  }

  // A message just arrived in `conversation` (see state.js for both): tell the person when it is
  // for them (private, or mentioning them), from someone else, and they are not looking.
  message(conversation, entry) {
    if (!this.#enabled || !document.hidden || entry.type !== 'message' || entry.mine) return;
    const isDm = conversation.kind === 'dm';
    if (!isDm && !entry.mention) return;
    // An action ("/me waves") reads as it is shown: "* alice waves".
    const said = typeof entry.action === 'string' ? `* ${entry.from} ${entry.action}` : entry.text;
    const text = said.length > BODY_CHARS ? `${said.slice(0, BODY_CHARS - 1)}…` : said;
    const { key } = conversation;
    // One per conversation (the tag replaces the previous one, also one from another tab).
    const notification = new Notification(
      isDm ? `${entry.from} (private message)` : `${entry.from} mentioned you in ${conversation.name}`,
      { body: text, tag: `chat:${key}` },
    );
    notification.addEventListener('click', () => {
      window.focus();
      notification.close();
      this.#open(key);
    });
    this.#shown.set(key, notification);
  }
}
