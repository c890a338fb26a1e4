// The message composer. What was typed stays in it until chatd has accepted the message, so a
// refusal (too long, a recipient gone, the connection lost) never loses it; near chatd's limit
// it counts the bytes left.

import { byteCount } from './limits.js';

export class Composer {
  #form;
  #input;
  #counter;
  #send;
  #target;
  #pending = null; // the text sent, until chatd accepts or refuses it

  // send(text): 'sent' (a message: keep the text until accepted() or notSent()), 'done' (a
  // command ran: clear it) or false (nothing went: keep it). target(): where a message goes now.
  constructor({ form, input, counter }, { send, target }) {
    this.#form = form;
    this.#input = input;
    this.#counter = counter;
    this.#send = send;
    this.#target = target;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#submit();
    });
    input.addEventListener('input', () => this.update());
  }

  #submit() {
    if (this.#pending !== null) return; // one at a time: Enter twice must not send twice
    const text = this.#input.value.trim();
    if (!text) return;
    const result = this.#send(text);
    if (result === 'done') this.#setValue('');
    else if (result === 'sent') this.#setPending(text);
  }

  // chatd accepted the message sent. What was typed meanwhile, after it, stays.
  accepted() {
    const sent = this.#pending;
    if (sent === null) return;
    this.#setPending(null);
    const value = this.#input.value.trimStart();
    if (value.startsWith(sent)) this.#setValue(value.slice(sent.length).trimStart());
  }

  // The message was refused or its answer will never come: its text stays to be sent again.
  notSent() {
    this.#setPending(null);
  }

  #setPending(text) {
    this.#pending = text;
    this.#form.classList.toggle('is-sending', text !== null);
    this.#form.setAttribute('aria-busy', String(text !== null));
  }

  #setValue(value) {
    this.#input.value = value;
    this.update();
  }

  // Counts the bytes against the limit for where the message would go now.
  update() {
    const count = byteCount(this.#target(), this.#input.value.trim());
    this.#counter.hidden = !count;
    this.#counter.textContent = count?.text ?? '';
    this.#counter.classList.toggle('composer__count--over', Boolean(count?.over));
    this.#input.setAttribute('aria-invalid', String(Boolean(count?.over)));
  }
}
