// End-to-end test of where Destroy is in the web app's room header on phones: real chatd and
// wsproxy, Debian's chromium driven by playwright-core.
//
//   node --test tests/e2e/room_menu.test.mjs
//
// Screenshot: tests/artifacts/webapp-room-menu-phone.png (320 px wide, the menu open).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromiumMissing as skip, realErrors } from '../lib/chromium.mjs';
import { expectText, loginAsGuest } from '../lib/webapp_page.mjs';
import { webappSuite } from '../lib/webapp_suite.mjs';

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');
// The narrowest phone the app is made for, and a common one.
const PHONES = [{ width: 320, height: 640 }, { width: 390, height: 780 }];

// The test id of the element with the keyboard focus.
const focused = (page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

// A missing browser must turn the suite red, not skip it quietly.
it('chromium is installed', () => assert.ok(!skip, skip));

describe('Destroy apart from Leave in the web app', { skip, timeout: 120000 }, () => {
  const suite = webappSuite();

  before(() => fs.mkdirSync(artifacts, { recursive: true }));

  for (const viewport of PHONES) {
    it(`keeps Destroy out of sight until asked for, and destroys with the keyboard, at ${viewport.width} px`, async () => {
      const nick = `owner${viewport.width}`;
      const room = `#room${viewport.width}`;
      const page = await suite.open(nick, { viewport });
      await loginAsGuest(page, nick);
      await page.getByTestId('sidebar-toggle').click();
      await page.getByTestId('room-create-input').fill(room);
      await page.getByTestId('room-create-submit').click();
      await expectText(page, 'conversation-title', room);
      await page.getByTestId('sidebar-close').click();

      // Leave is one button; Destroy is not on screen beside it.
      const leave = page.getByTestId('room-leave');
      const destroy = page.getByTestId('room-destroy');
      await leave.waitFor();
      assert.equal(await destroy.isVisible(), false, 'Destroy hidden until the menu is opened');

      // By keyboard: from Leave, Tab reaches "More"; Enter opens it on Destroy; Escape closes it.
      await leave.focus();
      await page.keyboard.press('Tab');
      assert.equal(await focused(page), 'room-more');
      await page.keyboard.press('Enter');
      await destroy.waitFor();
      assert.equal(await focused(page), 'room-destroy');
      const leaveBox = await leave.boundingBox();
      const destroyBox = await destroy.boundingBox();
      assert.ok(destroyBox.y >= leaveBox.y + leaveBox.height,
        `Destroy (top ${destroyBox.y}) opens below the row Leave is in (bottom ${leaveBox.y + leaveBox.height})`);
      assert.ok(destroyBox.x >= 0 && destroyBox.x + destroyBox.width <= viewport.width, 'the menu fits the screen');
      if (viewport.width === 320) {
        await page.screenshot({ path: path.join(artifacts, 'webapp-room-menu-phone.png'), animations: 'disabled' });
      }
      await page.keyboard.press('Escape');
      await destroy.waitFor({ state: 'hidden' });
      assert.equal(await focused(page), 'room-more');

      // The confirmation names the room and says its messages are lost; saying no keeps it.
      const asked = [];
      page.on('dialog', (dialog) => {
        asked.push(dialog.message());
        return asked.length === 1 ? dialog.dismiss() : dialog.accept();
      });
      await page.keyboard.press('Enter');
      await destroy.waitFor();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'room-more');
      assert.equal(asked.length, 1);
      assert.match(asked[0], new RegExp(`^Destroy ${room}\\?`));
      assert.match(asked[0], /messages will be lost/);
      await expectText(page, 'conversation-title', room);

      await page.keyboard.press('Enter');
      await destroy.waitFor();
      await page.keyboard.press('Enter');
      await page.getByTestId(`conv-room-room${viewport.width}`).waitFor({ state: 'detached' });
      await expectText(page, 'conversation-title', 'Everyone');
      assert.equal(asked.length, 2);
      assert.equal(await focused(page), 'messages-everyone', 'the keyboard carries on from the messages');
      await page.context().close();
    });
  }

  it('had no page errors', () => {
    assert.deepEqual(realErrors(suite.pageErrors), []);
  });
});
