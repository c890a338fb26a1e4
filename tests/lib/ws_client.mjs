// A WebSocket client for wsproxy, as a browser's script would use it.
import WebSocket from 'ws';
import { ChangeSignal } from './change_signal.mjs';

export class WsClient {
  // As a page served by the proxy would: with the proxy's own origin (wsproxy refuses others).
  static connect(port, path = '/ws', origin = `http://127.0.0.1:${port}`) {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, origin ? { origin } : {});
      const client = new WsClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  constructor(socket) {
    this.socket = socket;
    this.frames = [];
    this.changed = new ChangeSignal();
    this.closeInfo = null;
    socket.on('message', (data) => { this.frames.push(data.toString()); this.changed.notify(); });
    socket.on('close', (code, reason) => {
      this.closeInfo = { code, reason: reason.toString() };
      this.changed.notify();
    });
    socket.on('error', () => {});
  }


  // Sends an object as JSON, or a string exactly as given.
  send(frame) { this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)); }

  // The next frame as raw text.
  async rawFrame(timeoutMs = 3000) {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      if (this.closeInfo) throw new Error(`closed (${this.closeInfo.code}) while waiting for a frame`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a frame');
      await this.changed.wait(left);
    }
    return this.frames.shift();
  }

  async frame(timeoutMs = 3000) { return JSON.parse(await this.rawFrame(timeoutMs)); }

  // Frames until one satisfies the predicate; returns it.
  async frameMatching(test, timeoutMs = 3000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.frame(Math.max(1, deadline - Date.now()));
      if (test(frame)) return frame;
    }
  }

  // Nothing arrives before the answer to a query sent now (a barrier through wsproxy and chatd,
  // which both keep each connection's order).
  async expectSilence() {
    this.send({ type: 'command', action: 'rooms' });
    const frame = await this.frame();
    if (frame.type !== 'reply' || frame.command !== 'rooms') {
      throw new Error(`expected silence, got ${JSON.stringify(frame)}`);
    }
  }

  // Every frame received within the given time (collecting a burst).
  async received(waitMs = 300) {
    await new Promise((r) => setTimeout(r, waitMs));
    return this.frames.splice(0).map((f) => JSON.parse(f));
  }

  async closed(timeoutMs = 3000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.closeInfo && Date.now() < deadline) await this.changed.wait(deadline - Date.now());
    return this.closeInfo;
  }

  close() { this.socket.close(); }
}
