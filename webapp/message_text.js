// A message's text as DOM nodes: web links made clickable and mentions of the reader's nickname
// marked. Everything else stays text: nothing in a message is ever parsed as HTML.

const LINK = /\bhttps?:\/\/[^\s<>"]+/gi;
// Punctuation that ends a sentence rather than a link ("see https://example.com.").
const TRAILING = /[.,;:!?'")\]}]$/;
const NICK_CHAR = /[A-Za-z0-9_-]/;
// An action ("/me" in IRC): a message whose text begins with these four characters. chatd keeps
// and relays it as any text; the web app shows it as "* alice waves".
export const ACTION_PREFIX = '/me ';

// What an action says after its prefix ("waves" for "/me waves"), or null for any other message.
export function actionText(text) {
  return text.startsWith(ACTION_PREFIX) ? text.slice(ACTION_PREFIX.length) : null;
}

// A link as written, without the punctuation after it; a ")" stays when the link opened one
// (https://en.wikipedia.org/wiki/Foo_(bar)).
function trimLink(raw) {
  let link = raw;
  while (TRAILING.test(link)) {
    const opened = link.split('(').length - 1;
    const closed = link.split(')').length - 1;
    if (link.endsWith(')') && opened >= closed) break;
    link = link.slice(0, -1);
  }
  return link;
}

// Where `nickname` appears as a word of its own in `text` (case-insensitively, as chatd
// compares nicknames): [start, end] pairs.
function mentionRanges(text, nickname) {
  const ranges = [];
  if (!nickname) return ranges;
  const haystack = text.toLowerCase();
  const needle = nickname.toLowerCase();
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    const end = at + needle.length;
    if (NICK_CHAR.test(text[at - 1] ?? '') || NICK_CHAR.test(text[end] ?? '')) continue;
    ranges.push([at, end]);
  }
  return ranges;
}

export function mentions(text, nickname) {
  return mentionRanges(text, nickname).length > 0;
}

function linkElement(href, text) {
  const link = document.createElement('a');
  link.href = href;
  link.textContent = text;
  link.target = '_blank';
  link.rel = 'noopener noreferrer'; // the linked page gets no handle on this one, nor its address
  link.className = 'message__link';
  link.dataset.testid = 'message-link';
  return link;
}

// Plain text with the mentions in it marked.
function textWithMentions(text, nickname) {
  const nodes = [];
  let from = 0;
  for (const [start, end] of mentionRanges(text, nickname)) {
    if (start > from) nodes.push(document.createTextNode(text.slice(from, start)));
    const mark = document.createElement('mark');
    mark.className = 'mention';
    mark.dataset.testid = 'mention';
    mark.textContent = text.slice(start, end);
    nodes.push(mark);
    from = end;
  }
  if (from < text.length) nodes.push(document.createTextNode(text.slice(from)));
  return nodes;
}

// The nodes showing `text`; `nickname` (the reader's, or null) is marked where mentioned.
export function messageNodes(text, nickname) {
  const nodes = [];
  let from = 0;
  for (const match of text.matchAll(LINK)) {
    const written = trimLink(match[0]);
    let url;
    try {
      url = new URL(written);
    } catch {
      continue; // not a well-formed address: left as text
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    nodes.push(...textWithMentions(text.slice(from, match.index), nickname));
    nodes.push(linkElement(url.href, written));
    from = match.index + written.length;
  }
  nodes.push(...textWithMentions(text.slice(from), nickname));
  return nodes;
}
