// Rooms end to end: CREATE, JOIN, LEAVE, DESTROY, ROOMS, MEMBERS and messages to a room.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatdPool } from '../lib/chat_client.mjs';

const pool = chatdPool();

async function expectAllSilent(...users) {
  await Promise.all(users.map((user) => user.expectSilence()));
}

// A plain-mode command that succeeds: no output at all.
async function succeedsSilently(user, command) {
  user.send(command);
  await user.expectAlive();
}

async function expectMembers(user, query, room, members) {
  assert.deepEqual(await user.list(`MEMBERS ${query}`), [room, ...members.sort()]);
}

async function rooms(user) {
  return (await user.list('ROOMS')).sort();
}

test('plain mode: a room\'s whole life, with an outsider who hears nothing', async () => {
  const { alice, bob, carol } = await pool.users({ alice: 'plain', bob: 'plain', carol: 'plain' });
  const existing = await rooms(carol);

  await succeedsSilently(alice, 'CREATE #Lobby');
  assert.deepEqual(await rooms(carol), [...existing, '#Lobby'].sort());
  await expectMembers(carol, '#Lobby', '#Lobby', []);

  await succeedsSilently(alice, 'join lobby');
  await succeedsSilently(bob, 'JOIN #LOBBY');
  await expectMembers(carol, '#lobby', '#Lobby', ['alice', 'bob']);

  await succeedsSilently(alice, 'MSG #lobby hello room');
  await bob.expectLine('RECEIVE #Lobby alice hello room');
  await expectAllSilent(alice, bob, carol);

  bob.send('DESTROY #Lobby');
  await bob.expectError('DESTROY', 'not-room-owner');
  carol.send('MSG #Lobby let me in');
  await carol.expectError('MSG', 'not-member');
  await expectAllSilent(alice, bob, carol);

  await succeedsSilently(bob, 'LEAVE #Lobby');
  await expectMembers(carol, 'Lobby', '#Lobby', ['alice']);
  await succeedsSilently(alice, 'MSG #Lobby anyone?');
  await expectAllSilent(alice, bob, carol);

  await succeedsSilently(alice, 'DESTROY #lobby');
  assert.deepEqual(await rooms(carol), existing);
  alice.send('MSG #Lobby still here?');
  await alice.expectError('MSG', 'no-such-room');
  carol.send('MEMBERS #Lobby');
  await carol.expectError('MEMBERS', 'no-such-room');
});

test('rich mode: every room command gets its OK with the room as created', async () => {
  const { alice, bob, carol } = await pool.users({ alice: 'rich', bob: 'rich', carol: 'rich' });

  alice.send('CREATE #Rich');
  for (const user of [alice, bob, carol]) await user.expectEvent('CREATE', '#Rich', alice);
  await alice.expectLine('OK CREATE #Rich');
  assert.ok((await carol.list('ROOMS')).includes('#Rich'));

  bob.send('JOIN rich');
  await bob.expectEvent('JOIN', '#Rich', bob);
  await bob.expectLine('OK JOIN #Rich');
  alice.send('join #RICH');
  await alice.expectEvent('JOIN', '#Rich', alice);
  await alice.expectLine('OK JOIN #Rich');
  await bob.expectEvent('JOIN', '#Rich', alice);
  await expectMembers(carol, '#rich', '#Rich', ['alice', 'bob']);

  alice.send('MSG #rich hello room');
  const echo = await alice.expectMessage('#Rich', alice, 'hello room');
  await alice.expectMessageOk('MSG', echo);
  assert.deepEqual(await bob.expectMessage('#Rich', alice, 'hello room'), echo);

  bob.send('LEAVE #Rich');
  await bob.expectLine('OK LEAVE #Rich');
  await alice.expectEvent('LEAVE', '#Rich', bob);

  alice.send('DESTROY #Rich');
  for (const user of [alice, bob, carol]) await user.expectEvent('DESTROY', '#Rich', alice);
  await alice.expectLine('OK DESTROY #Rich');
  assert.ok(!(await carol.list('ROOMS')).includes('#Rich'));
  await expectAllSilent(alice, bob, carol);
});

test('rich replies name the room as it was created, however the command spells it', async () => {
  const { alice } = await pool.users({ alice: 'rich' });
  alice.send('CREATE #CamelRoom');
  await alice.expectEvent('CREATE', '#CamelRoom', alice);
  await alice.expectLine('OK CREATE #CamelRoom');

  alice.send('JOIN camelroom');
  await alice.expectEvent('JOIN', '#CamelRoom', alice);
  await alice.expectLine('OK JOIN #CamelRoom');
  alice.send('MEMBERS #CAMELROOM');
  await alice.expectLine('OK MEMBERS #CamelRoom alice');
  alice.send('MSG #camelROOM hi');
  await alice.expectMessageOk('MSG', await alice.expectMessage('#CamelRoom', alice, 'hi'));
  alice.send('LEAVE #camelroom');
  await alice.expectLine('OK LEAVE #CamelRoom');
  alice.send('DESTROY CAMELROOM');
  await alice.expectEvent('DESTROY', '#CamelRoom', alice);
  await alice.expectLine('OK DESTROY #CamelRoom');
});

test('destroying a room removes its members: re-created, it starts empty', async () => {
  const { alice, bob } = await pool.users({ alice: 'plain', bob: 'plain' });

  await succeedsSilently(alice, 'JOIN #again');
  await succeedsSilently(bob, 'JOIN #again');
  await succeedsSilently(alice, 'DESTROY #again');
  await succeedsSilently(alice, 'CREATE #again');
  await expectMembers(alice, '#again', '#again', []);
  bob.send('MSG #again are we still in?');
  await bob.expectError('MSG', 'not-member');
  await succeedsSilently(alice, 'DESTROY #again');
});

test('when the owner is offline any member may destroy the room, a non-member may not', async () => {
  const { owner, member, stranger } = await pool.users({ owner: 'plain', member: 'plain', stranger: 'plain' });

  await succeedsSilently(owner, 'CREATE #orphan');
  await succeedsSilently(member, 'JOIN #orphan');
  member.send('DESTROY #orphan');
  await member.expectError('DESTROY', 'not-room-owner');

  await owner.quit();
  // The owner being away does not open the room to anyone who is not in it.
  stranger.send('DESTROY #orphan');
  await stranger.expectError('DESTROY', 'not-room-owner');
  assert.ok((await stranger.list('ROOMS')).includes('#orphan'));
  await succeedsSilently(member, 'DESTROY #orphan');
  assert.ok(!(await stranger.list('ROOMS')).includes('#orphan'));
});

test('room messages reach members only; SEND and MSG * reach everyone', async () => {
  const { alice, bob, carol } = await pool.users({ alice: 'plain', bob: 'plain', carol: 'plain' });
  await succeedsSilently(alice, 'JOIN #club');
  await succeedsSilently(bob, 'JOIN #club');

  await succeedsSilently(bob, 'MSG #club members only');
  await alice.expectLine('RECEIVE #club bob members only');
  await succeedsSilently(bob, 'SEND to everyone');
  await alice.expectLine('RECEIVE bob to everyone');
  await carol.expectLine('RECEIVE bob to everyone');
  await succeedsSilently(carol, 'MSG * from the outside');
  await alice.expectLine('RECEIVE carol from the outside');
  await bob.expectLine('RECEIVE carol from the outside');
  await expectAllSilent(alice, bob, carol);
  await succeedsSilently(alice, 'DESTROY #club');
});

test('ROOMS, USERS and MEMBERS work before logging in', async () => {
  const { alice } = await pool.users({ alice: 'plain' });
  await succeedsSilently(alice, 'JOIN #open');
  const anonymous = await pool.connect();

  assert.ok((await anonymous.list('ROOMS')).includes('#open'));
  assert.deepEqual(await anonymous.list('USERS'), ['alice']);
  await expectMembers(anonymous, '#open', '#open', ['alice']);
  await succeedsSilently(alice, 'DESTROY #open');
});

test('a renamed owner keeps its rooms: members see the new name, and only it may destroy them', async () => {
  const { maya, nils } = await pool.users({ maya: 'rich', nils: 'rich' });
  maya.send('CREATE #atelier');
  await maya.lineMatching(/^OK CREATE #atelier$/);
  for (const user of [maya, nils]) {
    user.send('JOIN #atelier');
    await user.lineMatching(/^OK JOIN #atelier$/);
  }
  await maya.lineMatching(/^EVENT \S+ JOIN #atelier \S+ nils$/);
  await maya.login('mayra');
  await nils.lineMatching(/^EVENT \S+ RENAME \* \S+ mayra maya$/);
  await expectMembers(nils, '#atelier', '#atelier', ['mayra', 'nils']);
  nils.send('DESTROY #atelier');
  assert.match(await nils.lineMatching(/^(OK|ERROR) DESTROY/), /^ERROR DESTROY not-room-owner /);
  // A newcomer under the old name owns nothing.
  const impostor = await pool.rich('maya');
  impostor.send('DESTROY #atelier');
  assert.match(await impostor.lineMatching(/^(OK|ERROR) DESTROY/), /^ERROR DESTROY not-room-owner /);
  maya.send('DESTROY #atelier');
  assert.equal(await maya.lineMatching(/^(OK|ERROR) DESTROY/), 'OK DESTROY #atelier');
});
