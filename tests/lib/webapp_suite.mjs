// What most of the web app's browser suites share: a chatd, a wsproxy in front of it and Debian's
// chromium, started before the suite's tests and stopped after them, and the errors of every page
// the suite opens in one list.
import { after, before } from 'node:test';

import { launchChromium, openApp } from './chromium.mjs';
import { LineClient } from './line_client.mjs';
import { startChatd, startWsproxy } from './processes.mjs';
import { loginAsGuest } from './webapp_page.mjs';

// Call at the top of a describe(). `chatd`, `proxy` and `browser` are set once they run; a test
// that restarts chatd or wsproxy puts the new one in its place, so that it is the one stopped.
// `open(name, options)` opens the app in a browser profile of its own, as openApp.
export function webappSuite() {
  const suite = {
    chatd: null,
    proxy: null,
    browser: null,
    pageErrors: [],
    get url() { return `http://127.0.0.1:${suite.proxy.port}/`; },
    open(name, options) { return openApp(suite.browser, suite.url, name, suite.pageErrors, options); },
    // A guest `name` on the web app, and an nc guest `other` it has seen come online.
    async guestAndNc(name, other) {
      const page = await suite.open(name);
      await loginAsGuest(page, name);
      const nc = await LineClient.guest(suite.chatd.port, other);
      await page.getByTestId(`user-${other}`).waitFor();
      return [page, nc];
    },
  };
  before(async () => {
    suite.chatd = await startChatd();
    suite.proxy = await startWsproxy(suite.chatd.port);
    suite.browser = await launchChromium();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.proxy?.stop();
    await suite.chatd?.stop();
  });
  return suite;
}
