// How long a message may be (docs/protocol.md), so that the composer can say so before sending
// instead of losing the text to a refusal.

// chatd's longest line, without its "\n" (chatd --max-line; 8192 unless set lower). A message
// travels as "MSG <target> <text>", so the command and the target count too.
export const MAX_LINE_BYTES = 8192;
// wsproxy refuses larger JSON frames (frame-too-large); only text full of characters that JSON
// escapes (quotes, backslashes) comes near it.
export const MAX_FRAME_BYTES = 16 * 1024;

const encoder = new TextEncoder();
export const utf8Bytes = (text) => encoder.encode(text).length;

// The most bytes of text a message to `target` ("*", "#room", "@nick") may have.
export function maxTextBytes(target) {
  return MAX_LINE_BYTES - utf8Bytes(`MSG ${target} `);
}

export const formatBytes = (n) => `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;

// Why a message of `text` to `target` cannot be sent as it is, or null when it can.
export function messageTooLong(target, text) {
  const max = maxTextBytes(target);
  const size = utf8Bytes(text);
  if (size > max) {
    return `A message can be at most ${formatBytes(max)} here (the server takes lines of up to `
      + `${formatBytes(MAX_LINE_BYTES)}, command and recipient included); this one is `
      + `${formatBytes(size)}. Shorten it or send it in parts.`;
  }
  const frame = JSON.stringify({ type: 'message', target, message: text });
  if (utf8Bytes(frame) > MAX_FRAME_BYTES) {
    return `With its quotes and backslashes escaped this message is over the ${formatBytes(MAX_FRAME_BYTES)} `
      + 'a browser may send at once. Shorten it or send it in parts.';
  }
  return null;
}

// What the composer shows near the limit: null while far below it.
export function byteCount(target, text) {
  const max = maxTextBytes(target);
  const size = utf8Bytes(text);
  if (size < max * 0.75) return null;
  const over = size > max;
  return {
    over,
    text: over
      ? `${formatBytes(size - max)} over the limit of ${formatBytes(max)}`
      : `${(max - size).toLocaleString('en-US')} of ${formatBytes(max)} left`,
  };
}
