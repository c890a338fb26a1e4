// End-to-end test of room topics and KICK in the web app: real chatd and wsproxy, Debian's
// chromium driven by playwright-core, three guests in browser pages of their own.
//
//   node --test tests/e2e/topic_kick.test.mjs
//
// Screenshots go to tests/artifacts/webapp-topic.png and tests/artifacts/webapp-kicked.png.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromiumMissing as skip, realErrors } from '../lib/chromium.mjs';
import { expectText, loginAsGuest, notice, say } from '../lib/webapp_page.mjs';
import { webappSuite } from '../lib/webapp_suite.mjs';

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');
const TOPIC = 'Planning the 2.0 release <b>not bold</b>';

// A missing browser must turn the suite red, not skip it quietly.
it('chromium is installed', () => assert.ok(!skip, skip));

describe('room topics and kicks in the web app', { skip, timeout: 120000 }, () => {
  const suite = webappSuite();
  const pages = {};

  async function openUser(name) {
    pages[name] = await suite.open(name);
    await loginAsGuest(pages[name], name);
    return pages[name];
  }

  async function expectError(page, text) {
    const toast = page.getByTestId('error-toast').filter({ hasText: text });
    await toast.waitFor();
    await toast.getByTestId('error-dismiss').click();
  }

  before(() => fs.mkdirSync(artifacts, { recursive: true }));

  it('the owner sets a topic in the header; another member sees it there, with a notice', async () => {
    const alice = await openUser('alice');
    const bob = await openUser('bob');
    await alice.getByTestId('room-create-input').fill('#main');
    await alice.getByTestId('room-create-submit').click();
    await alice.getByTestId('room-leave').waitFor();
    await bob.getByTestId('conv-room-main').click();
    await bob.getByTestId('room-join').click();
    await bob.getByTestId('room-leave').waitFor();

    // No topic yet: the owner is offered to add one.
    const edit = alice.getByTestId('topic-edit');
    assert.equal(await edit.textContent().then((t) => t.trim()), 'Add a topic');
    await edit.click();
    await alice.getByTestId('topic-input').fill(TOPIC);
    await alice.getByTestId('topic-input').press('Enter');
    await alice.getByTestId('topic-form').waitFor({ state: 'hidden' });
    await expectText(alice, 'conversation-topic', TOPIC);
    await notice(alice, 'room-main', `You set the topic: ${TOPIC}`).waitFor();

    await expectText(bob, 'conversation-topic', TOPIC);
    await notice(bob, 'room-main', `alice set the topic: ${TOPIC}`).waitFor();
    assert.equal(await bob.getByTestId('conversation-title').textContent(), '#main');
    assert.equal(await bob.locator('.pane__header b').count(), 0, 'the topic is text, not markup');
    await bob.screenshot({ path: path.join(artifacts, 'webapp-topic.png') });
  });

  it('shows the topic to someone who opens the room before joining it', async () => {
    const carol = await openUser('carol');
    await carol.getByTestId('conv-room-main').click();
    await carol.getByTestId('empty-join').waitFor();
    await expectText(carol, 'conversation-topic', TOPIC);
    assert.equal(await carol.getByTestId('topic-edit').isDisabled(), true, 'not editable outside');
    await carol.getByTestId('empty-join').click();
    await carol.getByTestId('room-leave').waitFor();
    assert.equal(await carol.getByTestId('topic-edit').isDisabled(), false);
    await expectText(pages.alice, 'conversation-subtitle', '3 members · alice, bob, carol');
  });

  it('changes the topic with /topic in the composer and clears it in the header', async () => {
    const { alice, bob } = pages;
    await say(alice, '/topic Release on Friday');
    await expectText(bob, 'conversation-topic', 'Release on Friday');
    await notice(bob, 'room-main', 'alice set the topic: Release on Friday').waitFor();
    assert.equal(await alice.getByTestId('message-input').inputValue(), '', 'the command is not left in the composer');
    assert.equal(await alice.getByTestId('messages-room-main').getByTestId('message').count(), 0,
      'a command is not sent as a message');

    await alice.getByTestId('topic-edit').click();
    assert.equal(await alice.getByTestId('topic-input').inputValue(), 'Release on Friday');
    await alice.getByTestId('topic-input').fill('');
    await alice.getByTestId('topic-save').click();
    await expectText(bob, 'conversation-topic', '');
    await notice(bob, 'room-main', 'alice cleared the topic').waitFor();
    await notice(alice, 'room-main', 'You cleared the topic').waitFor();

    // Escape leaves the topic as it was.
    await alice.getByTestId('topic-edit').click();
    await alice.getByTestId('topic-input').fill('never sent');
    await alice.getByTestId('topic-input').press('Escape');
    await alice.getByTestId('topic-form').waitFor({ state: 'hidden' });
    assert.equal(await alice.getByTestId('conversation-topic').textContent(), '');

    await say(alice, `/topic ${TOPIC}`);
    await expectText(bob, 'conversation-topic', TOPIC);
  });

  it('only the owner may set the topic or kick: the others are told so', async () => {
    const { bob } = pages;
    await say(bob, '/topic mine now');
    await expectError(bob, "Only the room's owner can change its topic.");
    await bob.getByTestId('topic-edit').click();
    await bob.getByTestId('topic-input').fill('mine now');
    await bob.getByTestId('topic-input').press('Enter');
    await expectError(bob, "Only the room's owner can change its topic.");
    await say(bob, '/kick carol');
    await expectError(bob, "Only the room's owner can remove people from it.");
    assert.equal(await bob.getByTestId('conversation-topic').textContent(), TOPIC);
    await expectText(bob, 'conversation-subtitle', '3 members · alice, bob, carol');

    await say(pages.alice, '/kick');
    await expectError(pages.alice, 'Type /kick and the nickname of the person to remove');
    assert.equal(await pages.alice.getByTestId('message-input').inputValue(), '/kick', 'kept to be fixed');
  });

  it('the owner kicks a member: they are told and the room leaves their joined rooms', async () => {
    const { alice, bob, carol } = pages;
    await say(alice, '/kick bob');

    await notice(alice, 'room-main', 'bob was removed by you').waitFor();
    await notice(carol, 'room-main', 'bob was removed by alice').waitFor();
    for (const page of [alice, carol]) await expectText(page, 'conversation-subtitle', '2 members · alice, carol');

    // bob is told, and #main is a room he is no longer in.
    await bob.getByTestId('error-toast').filter({ hasText: 'alice removed you from #main.' }).waitFor();
    await bob.getByTestId('empty-state')
      .getByText('alice removed you from this room. You can join it again.').waitFor();
    await notice(bob, 'room-main', 'You were removed from #main by alice').waitFor({ state: 'attached' });
    await bob.getByTestId('room-join').waitFor();
    assert.equal(await bob.getByTestId('room-leave').isVisible(), false);
    assert.match(await bob.getByTestId('conv-room-main').textContent(), /not joined/);
    assert.equal(await bob.getByTestId('message-input').isDisabled(), true);
    await bob.screenshot({ path: path.join(artifacts, 'webapp-kicked.png') });

    // He may join again.
    await bob.getByTestId('empty-join').click();
    await bob.getByTestId('room-leave').waitFor();
    await expectText(bob, 'conversation-topic', TOPIC);
    await expectText(alice, 'conversation-subtitle', '3 members · alice, bob, carol');
  });

  it('kicking someone who is not in the room says so', async () => {
    const { alice, carol } = pages;
    await carol.getByTestId('room-leave').click();
    await carol.getByTestId('room-join').waitFor();
    await say(alice, '/kick carol');
    await expectError(alice, 'carol is not in #main.');
  });

  it('had no page errors', () => {
    assert.deepEqual(realErrors(suite.pageErrors), []);
  });
});
