// The message composer. Enter sends and Shift+Enter starts a new line; a pasted snippet keeps
// its lines and goes as one message. What was typed stays in it until chatd has accepted the
// message, so a refusal (too long, a recipient gone, the connection lost) never loses it; near
// chatd's limit it counts the bytes left. It grows with its text up to a few lines (style.css),
// then scrolls.

import { byteCount } from './limits.js';

// The message in what was typed: without the blank lines and spaces around it, except that the
// first line of several keeps its indentation (a pasted block of code).
export function messageText(value) {
  const text = value.replace(/^\s*\n/, '').trimEnd();
  return text.includes('\n') ? text : text.trimStart();
}

export class Composer {
  #form;
  #input;
  #counter;
  #send;
  #target;
  #typed;
  #pending = null; // the text sent, until chatd accepts or refuses it

  // send(text): 'sent' (a message: keep the text until accepted() or notSent()), 'done' (a
  // command ran: clear it) or false (nothing went: keep it). target(): where a message goes now.
  // typed(text): the person changed the text (the message it now holds).
  constructor({ form, input, counter }, { send, target, typed }) {
    this.#form = form;
    this.#input = input;
    this.#counter = counter;
    this.#send = send;
    this.#target = target;
    this.#typed = typed;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#submit();
    });
    input.addEventListener('keydown', (event) => {
      // Shift+Enter is a line break; so is the Enter that ends an input method's composition.
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
      event.preventDefault();
      this.#submit();
    });
    input.addEventListener('input', () => {
      this.update();
      this.#typed(messageText(input.value));
    });
  }

  #submit() {
    if (this.#pending !== null) return; // one at a time: Enter twice must not send twice
    const text = messageText(this.#input.value);
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
    const value = this.#input.value;
    const at = value.indexOf(sent);
    if (at >= 0 && !value.slice(0, at).trim()) this.#setValue(value.slice(at + sent.length).trimStart());
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

  // Counts the bytes against the limit for where the message would go now, and fits the height
  // to the text.
  update() {
    const count = byteCount(this.#target(), messageText(this.#input.value));
    this.#counter.hidden = !count;
    this.#counter.textContent = count?.text ?? '';
    this.#counter.classList.toggle('composer__count--over', Boolean(count?.over));
    this.#input.setAttribute('aria-invalid', String(Boolean(count?.over)));
    const input = this.#input;
    input.style.height = 'auto'; // one line, to measure the text's own height
    if (input.scrollHeight) input.style.height = `${input.scrollHeight + input.offsetHeight - input.clientHeight}px`;
  }
}
