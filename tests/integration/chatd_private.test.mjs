// Private messages (`MSG @nick` and `MSG nick`) between plain and rich users.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatdPool } from '../lib/chat_client.mjs';

const pool = chatdPool();

const TEXT = 'psst,  bob\tthis is \u00e9 private \u2713';

// `sender` sends `MSG <target> <text>` to bob; checks what the sender sees (nothing in plain mode,
// the MESSAGE echo then OK MSG in rich mode) and what bob sees. Returns bob's MESSAGE if rich.
async function sendPrivate(sender, target, bob, text) {
  sender.send(`MSG ${target} ${text}`);
  let echo;
  if (sender.mode === 'rich') {
    echo = await sender.expectMessage(`@${bob.nick}`, sender, text);
    await sender.expectMessageOk('MSG', echo);
  } else {
    await sender.expectAlive();
  }
  if (bob.mode === 'plain') {
    await bob.expectLine(`RECEIVE @${bob.nick} ${sender.nick} ${text}`);
    return undefined;
  }
  const received = await bob.expectMessage(`@${bob.nick}`, sender, text);
  if (echo) assert.deepEqual([received.msgid, received.time], [echo.msgid, echo.time]);
  return received;
}

async function expectAllSilent(...users) {
  await Promise.all(users.map((user) => user.expectSilence()));
}

for (const senderMode of ['plain', 'rich']) {
  for (const recipientMode of ['plain', 'rich']) {
    for (const prefix of ['@', '']) {
      test(`${senderMode} sender to ${recipientMode} recipient with "MSG ${prefix}bob": only bob gets it`, async () => {
        const { bob, carol, dave, alice } = await pool.users({
          bob: recipientMode, carol: 'rich', dave: 'plain', alice: senderMode,
        });

        await sendPrivate(alice, `${prefix}bob`, bob, TEXT);

        await expectAllSilent(alice, bob, carol, dave);
      });
    }
  }
}

test('the target nickname is case-insensitive; lines name the recipient as it logged in', async () => {
  const { Bob, alice, erin } = await pool.users({ Bob: 'plain', alice: 'plain', erin: 'rich' });

  await sendPrivate(alice, '@BOB', Bob, 'shouting');
  await sendPrivate(erin, 'bOb', Bob, 'whispering');

  await expectAllSilent(alice, Bob, erin);
});

test('a private message can go both ways and each message gets its own id', async () => {
  const { alice, bob } = await pool.users({ alice: 'rich', bob: 'rich' });

  const first = await sendPrivate(alice, '@bob', bob, 'ping');
  const second = await sendPrivate(bob, 'alice', alice, 'pong');
  const third = await sendPrivate(alice, 'bob', bob, 'ping again');

  assert.equal(new Set([first.msgid, second.msgid, third.msgid]).size, 3);
  await expectAllSilent(alice, bob);
});
