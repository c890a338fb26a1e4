// Rich-mode presence and room events: who gets ONLINE, OFFLINE, RENAME, CREATE, DESTROY, JOIN
// and LEAVE, in which format; plain-mode users get none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatdPool, parseEvent } from '../lib/chat_client.mjs';

const pool = chatdPool();

async function expectAllSilent(...users) {
  await Promise.all(users.map((user) => user.expectSilence()));
}

// Reads `count` events and returns them sorted by room, for events whose relative order the
// spec leaves open (one LEAVE per room).
async function eventsByRoom(user, count) {
  const events = [];
  for (let i = 0; i < count; i++) events.push(parseEvent(await user.line()));
  return events.sort((a, b) => a.room.localeCompare(b.room));
}

test('ONLINE, RENAME and OFFLINE go to every other logged-in rich user, with stable identifiers', async () => {
  const carol = await pool.plain('carol');
  const alice = await pool.rich('alice');
  const bob = await pool.arrive('rich', 'bob', [alice]);
  await bob.expectSilence();
  const dave = await pool.arrive('plain', 'dave', [alice, bob]);
  assert.equal(new Set([alice.id, bob.id, dave.id]).size, 3);

  await bob.login('robert');
  await alice.expectEvent('RENAME', '*', bob, 'bob');
  await bob.expectSilence();
  assert.deepEqual((await alice.list('USERS')).sort(), ['alice', 'carol', 'dave', 'robert']);

  await bob.logout();
  await alice.expectEvent('OFFLINE', '*', bob);

  dave.close();
  await alice.expectEvent('OFFLINE', '*', dave);

  await expectAllSilent(alice, bob, carol);
});

test('a login after LOGOUT is a new user with a new identifier', async () => {
  const { alice, bob } = await pool.users({ alice: 'rich', bob: 'rich' });
  const firstId = bob.id;

  await bob.logout();
  await alice.expectEvent('OFFLINE', '*', bob);
  await bob.login('bob');
  assert.notEqual(bob.id, firstId);
  await alice.expectEvent('ONLINE', '*', bob);
});

test('CREATE and DESTROY go to every user, JOIN to every member, LEAVE to those remaining', async () => {
  const { alice, bob, carol, dave } = await pool.users({ alice: 'rich', bob: 'rich', carol: 'rich', dave: 'plain' });

  alice.send('CREATE #events');
  for (const user of [alice, bob, carol]) await user.expectEvent('CREATE', '#events', alice);
  await alice.expectLine('OK CREATE #events');

  bob.send('JOIN #events');
  await bob.expectEvent('JOIN', '#events', bob);
  await bob.expectLine('OK JOIN #events');
  await expectAllSilent(alice, carol);

  carol.send('JOIN #events');
  await carol.expectEvent('JOIN', '#events', carol);
  await carol.expectLine('OK JOIN #events');
  await bob.expectEvent('JOIN', '#events', carol);
  await alice.expectSilence();

  bob.send('LEAVE #events');
  await bob.expectLine('OK LEAVE #events');
  await carol.expectEvent('LEAVE', '#events', bob);
  await expectAllSilent(alice, bob);

  alice.send('DESTROY #events');
  for (const user of [alice, bob, carol]) await user.expectEvent('DESTROY', '#events', alice);
  await alice.expectLine('OK DESTROY #events');

  await expectAllSilent(alice, bob, carol, dave);
});

for (const [how, goAway] of [
  ['disconnecting', (user) => user.close()],
  ['LOGOUT', (user) => user.logout()],
  ['QUIT', async (user) => { user.send('QUIT'); await user.expectLine('OK QUIT'); assert.ok(await user.waitClosed()); }],
]) {
  test(`${how} sends LEAVE for each of the user's rooms, then OFFLINE`, async () => {
    const { alice, carol, bob } = await pool.users({ alice: 'rich', carol: 'rich', bob: 'rich' });
    for (const room of ['#one', '#two']) {
      alice.send(`JOIN ${room}`);
      for (const user of [alice, bob, carol]) await user.expectEvent('CREATE', room, alice);
      await alice.expectEvent('JOIN', room, alice);
      await alice.expectLine(`OK JOIN ${room}`);
      bob.send(`JOIN ${room}`);
      await bob.expectEvent('JOIN', room, bob);
      await bob.expectLine(`OK JOIN ${room}`);
      await alice.expectEvent('JOIN', room, bob);
    }
    carol.send('JOIN #one');
    await carol.expectEvent('JOIN', '#one', carol);
    await carol.expectLine('OK JOIN #one');
    await alice.expectEvent('JOIN', '#one', carol);
    await bob.expectEvent('JOIN', '#one', carol);

    await goAway(bob);

    const leaves = await eventsByRoom(alice, 2);
    assert.deepEqual(
      leaves.map((event) => [event.kind, event.room, event.identifier, event.nick]),
      [['LEAVE', '#one', bob.id, 'bob'], ['LEAVE', '#two', bob.id, 'bob']],
    );
    await alice.expectEvent('OFFLINE', '*', bob);
    await carol.expectEvent('LEAVE', '#one', bob);
    await carol.expectEvent('OFFLINE', '*', bob);
    assert.deepEqual(await alice.list('MEMBERS #one'), ['#one', 'alice', 'carol']);
    assert.deepEqual(await alice.list('MEMBERS #two'), ['#two', 'alice']);

    for (const room of ['#one', '#two']) {
      alice.send(`DESTROY ${room}`);
      for (const user of [alice, carol]) await user.expectEvent('DESTROY', room, alice);
      await alice.expectLine(`OK DESTROY ${room}`);
    }
    await expectAllSilent(alice, carol);
  });
}

test('rich connections that are not logged in receive no events', async () => {
  const anonymous = await pool.rich();
  const { alice, bob } = await pool.users({ alice: 'rich', bob: 'rich' });
  await bob.logout();
  await alice.expectEvent('OFFLINE', '*', bob);

  alice.send('JOIN #quiet');
  await alice.expectEvent('CREATE', '#quiet', alice);
  await alice.expectEvent('JOIN', '#quiet', alice);
  await alice.expectLine('OK JOIN #quiet');
  await alice.login('alicia');
  alice.send('DESTROY #quiet');
  await alice.expectEvent('DESTROY', '#quiet', alice);
  await alice.expectLine('OK DESTROY #quiet');

  await expectAllSilent(anonymous, bob);
});

test('plain users never receive events, only messages', async () => {
  const { alice, pat, kim } = await pool.users({ alice: 'rich', pat: 'plain', kim: 'plain' });

  await kim.login('kimberly');
  await alice.expectEvent('RENAME', '*', kim, 'kim');
  alice.send('JOIN #mixed');
  await alice.expectEvent('CREATE', '#mixed', alice);
  await alice.expectEvent('JOIN', '#mixed', alice);
  await alice.expectLine('OK JOIN #mixed');
  pat.send('JOIN #mixed');
  await pat.expectAlive();
  await alice.expectEvent('JOIN', '#mixed', pat);
  alice.send('LEAVE #mixed');
  await alice.expectLine('OK LEAVE #mixed');

  alice.send('SEND hello plain people');
  await alice.expectMessageOk('SEND', await alice.expectMessage('*', alice, 'hello plain people'));
  await kim.quit();
  await alice.expectEvent('OFFLINE', '*', kim);
  alice.send('DESTROY #mixed');
  await alice.expectEvent('DESTROY', '#mixed', alice);
  await alice.expectLine('OK DESTROY #mixed');

  assert.equal(await pat.receivedLines(1), 'RECEIVE alice hello plain people\n');
});
