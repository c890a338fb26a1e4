// End-to-end test of who is offered Destroy in the web app's room header: real chatd and
// wsproxy, Debian's chromium driven by playwright-core, a room's guest owner on nc.
//
//   node --test tests/e2e/room_owner.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { chromiumMissing as skip, realErrors } from '../lib/chromium.mjs';
import { LineClient } from '../lib/line_client.mjs';
import { expectText, loginAsGuest, openRoomMenu } from '../lib/webapp_page.mjs';
import { webappSuite } from '../lib/webapp_suite.mjs';

// A missing browser must turn the suite red, not skip it quietly.
it('chromium is installed', () => assert.ok(!skip, skip));

describe('Destroy for whoever may destroy the room', { skip, timeout: 120000 }, () => {
  const suite = webappSuite();
  let alice;
  let olga; // nc

  // `page` is in `room` (open) and knows all about it: the topic, asked after its owner, shows.
  async function joinRoom(page, room) {
    await page.getByTestId(`conv-room-${room}`).click();
    await page.getByTestId('empty-join').click();
    await page.getByTestId('room-leave').waitFor();
    await page.getByTestId('topic-edit').waitFor();
  }

  before(async () => {
    alice = await suite.open('alice');
    await loginAsGuest(alice, 'alice');
  });

  after(() => olga?.close());

  it('offers Destroy to the owner and to nobody else in the room', async () => {
    const bea = await suite.open('bea');
    await loginAsGuest(bea, 'bea');
    await bea.getByTestId('room-create-input').fill('#beas');
    await bea.getByTestId('room-create-submit').click();
    await bea.getByTestId('room-leave').waitFor();
    await openRoomMenu(bea);
    await bea.getByTestId('room-destroy').waitFor();

    await joinRoom(alice, 'beas');
    assert.equal(await alice.getByTestId('room-more').isVisible(), false, 'no "More" for a member');
    assert.equal(await alice.getByTestId('room-destroy').isVisible(), false);
    await bea.context().close();
  });

  it('offers it to the members once the room\'s guest owner has gone', async () => {
    olga = await LineClient.guest(suite.chatd.port, 'olga', 'CREATE #left-behind', 'JOIN #left-behind');
    await alice.getByTestId('conv-room-left-behind').waitFor();
    await joinRoom(alice, 'left-behind');
    await expectText(alice, 'conversation-subtitle', '2 members · alice, olga');
    assert.equal(await alice.getByTestId('room-more').isVisible(), false, 'olga owns it');

    olga.send('QUIT');
    await alice.getByTestId('room-more').waitFor();
    alice.once('dialog', (dialog) => dialog.accept());
    await openRoomMenu(alice);
    await alice.getByTestId('room-destroy').click();
    await alice.getByTestId('conv-room-left-behind').waitFor({ state: 'detached' });
    await expectText(alice, 'conversation-title', 'Everyone');
  });

  it('had no page errors', () => {
    assert.deepEqual(realErrors(suite.pageErrors), []);
  });
});
