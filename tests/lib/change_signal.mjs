// Lets a client's async readers sleep until its socket has news (data or close) or time runs out.
export class ChangeSignal {
  #waiters = [];

  notify() {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  // Resolves on the next notify() or after timeoutMs, whichever comes first.
  wait(timeoutMs) {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#waiters.push(() => { clearTimeout(timer); resolve(); });
    });
  }
}
