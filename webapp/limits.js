// How long a message may be (docs/protocol.md), so that the composer can say so before sending
// instead of losing the text to a refusal.

// chatd's longest line, without its "\n" (chatd --max-line; 8192 unless set lower). A message
// travels as "MSG <target> <text>", so the command and the target count too.
export const MAX_LINE_BYTES = 8192;
// wsproxy refuses larger JSON frames (frame-too-large); only text full of characters that JSON
// escapes (quotes, backslashes, line breaks) comes near it.
export const MAX_FRAME_BYTES = 16 * 1024;
// chatd's most lines in one message (message-too-many-lines).
export const MAX_LINES = 100;

const encoder = new TextEncoder();
export const utf8Bytes = (text) => encoder.encode(text).length;

// What `text` takes of chatd's line: wsproxy sends a message in one line (RICH MULTILINE), a line
// break as the two characters "\n" and a backslash as "\\", so each of those costs two bytes.
export const lineBytes = (text) => utf8Bytes(text) + (text.match(/[\\\n]/g)?.length ?? 0);

// The most bytes of text a message to `target` ("*", "#room", "@nick") may have.
export function maxTextBytes(target) {
  return MAX_LINE_BYTES - utf8Bytes(`MSG ${target} `);
}

export const formatBytes = (n) => `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;

// Said after a size that counts line breaks or backslashes twice, since nobody would guess it.
const countedTwice = (text) => (/[\\\n]/.test(text) ? ' (line breaks and backslashes count as two)' : '');

// Why a message of `text` to `target` cannot be sent as it is, or null when it can.
export function messageTooLong(target, text) {
  const lines = text.split('\n').length;
  if (lines > MAX_LINES) {
    return `A message can have at most ${MAX_LINES} lines; this one has ${lines}. Send it in parts.`;
  }
  const max = maxTextBytes(target);
  const size = lineBytes(text);
  if (size > max) {
    return `A message can be at most ${formatBytes(max)} here (the server takes lines of up to `
      + `${formatBytes(MAX_LINE_BYTES)}, command and recipient included); this one is `
      + `${formatBytes(size)}${countedTwice(text)}. Shorten it or send it in parts.`;
  }
  const frame = JSON.stringify({ type: 'message', target, message: text });
  if (utf8Bytes(frame) > MAX_FRAME_BYTES) {
    return `With its quotes, backslashes and line breaks escaped this message is over the `
      + `${formatBytes(MAX_FRAME_BYTES)} a browser may send at once. Shorten it or send it in parts.`;
  }
  return null;
}

// What the composer shows near the limits: null while far below them.
export function byteCount(target, text) {
  const lines = text.split('\n').length;
  if (lines > MAX_LINES) return { over: true, text: `${lines} lines, over the limit of ${MAX_LINES}` };
  const max = maxTextBytes(target);
  const size = lineBytes(text);
  if (size < max * 0.75) return null;
  const over = size > max;
  return {
    over,
    text: over
      ? `${formatBytes(size - max)} over the limit of ${formatBytes(max)}`
      : `${(max - size).toLocaleString('en-US')} of ${formatBytes(max)} left`,
  };
}
