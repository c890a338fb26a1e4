// End-to-end test of what a member of a room sees when its owner destroys it: real chatd and
// wsproxy, Debian's chromium driven by playwright-core, bob (the owner) on chatd's plain mode.
//
//   node --test tests/e2e/room_destroyed.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { LineClient } from '../lib/line_client.mjs';
import { chromiumMissing as skip, realErrors } from '../lib/chromium.mjs';
import { expectMessage, expectText, loginAsGuest, notice } from '../lib/webapp_page.mjs';
import { webappSuite } from '../lib/webapp_suite.mjs';

// A missing browser must turn the suite red, not skip it quietly.
it('chromium is installed', () => assert.ok(!skip, skip));

describe('a destroyed room in the web app', { skip, timeout: 120000 }, () => {
  const suite = webappSuite();
  let bob;

  before(async () => {
    bob = await LineClient.connect(suite.chatd.port);
  });

  after(() => bob?.close());

  it('tells a member who was reading it, where they land, what happened and who did it', async () => {
    const alice = await suite.open('alice');
    await loginAsGuest(alice, 'alice');
    bob.send('USERNAME bob');
    bob.send('JOIN #doomed');
    await alice.getByTestId('conv-room-doomed').click();
    await alice.getByTestId('empty-join').click();
    await alice.getByTestId('room-leave').waitFor();
    bob.send('MSG #doomed last words');
    await expectMessage(alice, 'room-doomed', 'bob', 'last words');

    bob.send('DESTROY #doomed');
    await alice.getByTestId('conv-room-doomed').waitFor({ state: 'detached' });
    await expectText(alice, 'conversation-title', 'Everyone');
    const text = '#doomed was destroyed by bob; its messages are gone.';
    await notice(alice, 'everyone', text).waitFor();
    await alice.getByTestId('error-toast').filter({ hasText: text }).waitFor();
  });

  it('had no page errors', () => {
    assert.deepEqual(realErrors(suite.pageErrors), []);
  });
});
