// The WebSocket to wsproxy: one JSON object per text frame, with automatic reconnection.
//
// The connection keeps itself open once started: whenever the socket closes (wsproxy restarted,
// chatd went away and the proxy closed with 1011, network dropped), it reconnects after an
// exponential backoff with jitter. The app decides what "connected" means (logged in again), so
// it calls markHealthy() to reset the backoff once the new session really works.

const INITIAL_DELAY_MS = 500;
const MAX_DELAY_MS = 8000;
const HEALTHY_AFTER_MS = 10000;

export function defaultUrl(location = window.location) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

// Sends one frame on a WebSocket of its own and resolves with the first reply or error frame,
// then closes it (e.g. logging in once more to get a session token). Rejects when the socket
// fails or nothing answers within timeoutMs.
export function requestOnce(frame, { url = defaultUrl(), timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    let socket;
    try {
      socket = new WebSocket(url);
    } catch (error) {
      reject(error);
      return;
    }
    const finish = (settle, value) => {
      clearTimeout(timer);
      socket.close();
      settle(value);
    };
    const timer = setTimeout(() => finish(reject, new Error('no answer')), timeoutMs);
    socket.addEventListener('open', () => socket.send(JSON.stringify(frame)));
    socket.addEventListener('message', (event) => {
      let answer;
      try {
        answer = JSON.parse(event.data);
      } catch {
        return;
      }
      if (answer?.type === 'reply' || answer?.type === 'error') finish(resolve, answer);
    });
    socket.addEventListener('close', () => finish(reject, new Error('closed')));
  });
}

export class Connection extends EventTarget {
  #url;
  #socket = null;
  #attempt = 0;
  #healthyTimer = null;
  #timer = null;
  #stopped = true;

  constructor(url = defaultUrl()) {
    super();
    this.#url = url;
    this.state = 'idle'; // idle | connecting | open | waiting
    this.retryAt = 0;
    window.addEventListener('online', () => this.retryNow());
  }

  get isOpen() { return this.#socket?.readyState === WebSocket.OPEN; }

  start() {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#open();
  }

  // Sends one frame; false when the socket is not open (the frame is dropped, not queued: the app
  // re-sends what matters, such as the login and the room joins, after reconnecting).
  send(frame) {
    if (!this.isOpen) return false;
    this.#socket.send(JSON.stringify(frame));
    return true;
  }

  // Reconnects immediately instead of waiting for the backoff timer.
  retryNow() {
    if (this.#stopped || this.state !== 'waiting') return;
    clearTimeout(this.#timer);
    this.#open();
  }

  // Drops the current socket and reconnects after the usual backoff (e.g. nickname still held
  // by our previous, not yet closed session).
  reconnectLater() {
    if (this.#socket) this.#socket.close(4000, 'retry');
    else this.#schedule();
  }

  // Resets the backoff once the new session has stayed up for a while, so that a server that
  // accepts logins and then drops them is not hammered every half second.
  markHealthy() {
    clearTimeout(this.#healthyTimer);
    const socket = this.#socket;
    this.#healthyTimer = setTimeout(() => {
      if (this.#socket === socket && this.isOpen) this.#attempt = 0;
    }, HEALTHY_AFTER_MS);
  }

  #setState(state) {
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: { state, retryAt: this.retryAt } }));
  }

  #open() {
    this.#timer = null;
    this.#setState('connecting');
    let socket;
    try {
      socket = new WebSocket(this.#url);
    } catch (error) {
      console.error('WebSocket failed', error);
      this.#schedule();
      return;
    }
    this.#socket = socket;
    socket.addEventListener('open', () => {
      if (socket !== this.#socket) return;
      this.#setState('open');
      this.dispatchEvent(new Event('open'));
    });
    socket.addEventListener('message', (event) => {
      if (socket !== this.#socket || typeof event.data !== 'string') return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        console.warn('Ignoring a frame that is not JSON', event.data);
        return;
      }
      if (frame && typeof frame === 'object') {
        this.dispatchEvent(new CustomEvent('frame', { detail: frame }));
      }
    });
    socket.addEventListener('close', (event) => {
      if (socket !== this.#socket) return;
      this.#socket = null;
      this.dispatchEvent(new CustomEvent('close', { detail: { code: event.code, reason: event.reason } }));
      this.#schedule();
    });
    // 'error' is always followed by 'close', which does the work.
  }

  #schedule() {
    if (this.#stopped) return;
    const base = Math.min(MAX_DELAY_MS, INITIAL_DELAY_MS * 2 ** this.#attempt);
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.#attempt += 1;
    this.retryAt = Date.now() + delay;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#open(), delay);
    this.#setState('waiting');
  }
}
