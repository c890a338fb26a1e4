// End-to-end test of the web app's desktop notifications: real chatd and wsproxy, Debian's
// chromium driven by playwright-core, bob on chatd's plain mode (as nc).
//
//   node --test tests/e2e/notifications.test.mjs
//
// The browser is given the notification permission as if the person had allowed it at the
// prompt, and the page's window.Notification is wrapped to record what the app shows (headless
// Chromium has no notification centre to look at). Hidden is emulated: see setPageHidden.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { LineClient } from '../lib/line_client.mjs';
import { chromiumMissing as skip, newProfile, openTab, realErrors } from '../lib/chromium.mjs';
import {
  expectMessage, expectText, loginAsGuest, say, setPageHidden,
} from '../lib/webapp_page.mjs';
import { webappSuite } from '../lib/webapp_suite.mjs';

// Runs in the page before the app: the browser's Notification, with its calls recorded.
function recordNotifications() {
  const Real = window.Notification;
  window.shownNotifications = [];
  window.permissionRequests = 0;
  window.Notification = class extends Real {
    constructor(title, options = {}) {
      super(title, options);
      window.shownNotifications.push({ title, body: options.body, notification: this });
    }

    static requestPermission(...args) {
      window.permissionRequests += 1;
      return Real.requestPermission(...args);
    }
  };
}

// What the app has shown so far: [{ title, body }].
const shown = (page) => page.evaluate(() => window.shownNotifications.map(({ title, body }) => ({ title, body })));
const waitForShown = (page, count) => page.waitForFunction((n) => window.shownNotifications.length >= n, count);

// A missing browser must turn the suite red, not skip it quietly.
it('chromium is installed', () => assert.ok(!skip, skip));

describe('desktop notifications in the web app', { skip, timeout: 120000 }, () => {
  const suite = webappSuite();
  let alice;
  let bob;

  before(async () => {
    const context = await newProfile(suite.browser);
    await context.grantPermissions(['notifications'], { origin: new URL(suite.url).origin });
    await context.addInitScript(recordNotifications);
    alice = await openTab(context, suite.url, 'alice', suite.pageErrors);
    await loginAsGuest(alice, 'alice');
    bob = await LineClient.connect(suite.chatd.port);
    bob.send('USERNAME bob');
    await alice.getByTestId('user-bob').waitFor();
  });

  after(() => bob?.close());

  it('asks for the permission only when the person turns notifications on', async () => {
    const toggle = alice.getByTestId('notifications-toggle');
    await toggle.getByText('Turn on notifications', { exact: true }).waitFor();
    assert.equal(await alice.evaluate(() => window.permissionRequests), 0, 'no prompt before the click');
    await toggle.click();
    await toggle.getByText('Turn off notifications', { exact: true }).waitFor();
    assert.equal(await alice.evaluate(() => window.permissionRequests), 1);
  });

  it('notifies of private messages and mentions while the tab is hidden, and a click opens them', async () => {
    await alice.getByTestId('room-create-input').fill('#main');
    await alice.getByTestId('room-create-submit').click();
    await alice.getByTestId('room-leave').waitFor();
    bob.send('JOIN #main');

    // While the person looks at the page: nothing, whatever arrives.
    bob.send('MSG @alice hello while you look');
    bob.send('MSG #main alice: a mention while you look');
    // chatd delivers bob's lines in order: once the last is shown, the app has handled all.
    await expectMessage(alice, 'room-main', 'bob', 'alice: a mention while you look');
    await alice.getByTestId('conv-dm-bob').getByTestId('unread-badge').waitFor();
    assert.deepEqual(await shown(alice), []);

    await setPageHidden(alice, true);
    bob.send('MSG #main lunch anyone?');
    bob.send('MSG @alice psst, a secret');
    await waitForShown(alice, 1);
    assert.deepEqual(await shown(alice), [{ title: 'bob (private message)', body: 'psst, a secret' }],
      'the private message, not the room message before it');

    await say(alice, 'alice here, talking to @bob'); // my own, with my name in it
    bob.send('MSG #main @alice: can you review this?');
    await waitForShown(alice, 2);
    assert.deepEqual(await shown(alice), [
      { title: 'bob (private message)', body: 'psst, a secret' },
      { title: 'bob mentioned you in #main', body: '@alice: can you review this?' },
    ]);

    // Clicking the private message's notification opens that conversation.
    await alice.evaluate(() => window.shownNotifications[0].notification.dispatchEvent(new Event('click')));
    await expectText(alice, 'conversation-title', '@bob');
    await expectMessage(alice, 'dm-bob', 'bob', 'psst, a secret');
    await setPageHidden(alice, false);
  });

  it('stops notifying once turned off', async () => {
    const toggle = alice.getByTestId('notifications-toggle');
    await toggle.click();
    await toggle.getByText('Turn on notifications', { exact: true }).waitFor();
    await setPageHidden(alice, true);
    bob.send('MSG @alice are you there?');
    await expectMessage(alice, 'dm-bob', 'bob', 'are you there?');
    assert.equal((await shown(alice)).length, 2, 'nothing since turned off');
    await setPageHidden(alice, false);
  });

  it('had no page errors', () => {
    assert.deepEqual(realErrors(suite.pageErrors), []);
  });
});
