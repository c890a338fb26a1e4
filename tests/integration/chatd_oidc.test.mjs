// Sign-in with OpenID Connect against real providers: oidc-provider as a real issuer (login and
// consent driven over HTTP, as a browser would), and a hostile issuer that serves whatever ID
// token a test forges. chatd exchanges the codes and verifies the tokens itself; these tests
// check what a client sees: a session or a clear refusal, and never someone else's account.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ChatPool, UUID, errorLine, fields } from '../lib/chat_client.mjs';
import { generateSigningKey, publicJwk, signInOverHttp, startHostileIssuer, startIssuer } from '../lib/oidc_issuer.mjs';
import { startChatd } from '../lib/processes.mjs';

// Never fetched: signInOverHttp stops at the redirect to it.
const redirect = 'http://127.0.0.1:9/app/';
const forgedClient = 'chat-forged';
const forgeKey = generateSigningKey('forge-1');
let issuer, hostile, chatd, configDir, unreachable, silent;
const pool = new ChatPool();
const providers = () => ['Test', 'Forge', 'Down', 'Silent'];

before(async () => {
  issuer = await startIssuer({ clients: [{ client_id: 'chat', client_secret: 'a-client-secret', redirect_uris: [redirect] }] });
  hostile = await startHostileIssuer({ keys: [forgeKey] });
  // A port nothing listens on: a provider that is down.
  const down = await startHostileIssuer();
  unreachable = down.issuer;
  await down.stop();
  // One that takes connections and never answers.
  silent = net.createServer(() => {});
  await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
  configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-oidc-'));
  const config = path.join(configDir, 'oidc.json');
  fs.writeFileSync(config, JSON.stringify({ providers: [
    { name: 'Test', issuer: issuer.issuer, client_id: 'chat', client_secret: 'a-client-secret' },
    { name: 'Forge', issuer: hostile.issuer, client_id: forgedClient },
    { name: 'Down', issuer: unreachable, client_id: 'chat' },
    { name: 'Silent', issuer: `http://127.0.0.1:${silent.address().port}`, client_id: 'chat' },
  ], redirect_uris: [redirect] }));
  chatd = await startChatd(['--oidc-config', config, '--flood', 'account=100/100']);
  pool.port = chatd.port;
});

after(async () => {
  await pool.closeAll();
  await chatd?.stop();
  await issuer?.stop();
  await hostile?.stop();
  silent?.close();
  fs.rmSync(configDir, { recursive: true, force: true });
});

async function answer(client, verb) {
  return client.lineMatching(new RegExp(`^(OK|ERROR) ${verb}\\b`), 15000);
}

// AUTHORIZE on `client`; the authorization URL chatd answers with.
async function authorize(client, provider) {
  client.send(`AUTHORIZE ${provider} ${redirect}`);
  const [ok, verb, name, url] = fields(await answer(client, 'AUTHORIZE'), 4);
  assert.deepEqual([ok, verb, name], ['OK', 'AUTHORIZE', provider]);
  return new URL(url);
}

// A whole sign-in at the real provider as `login`, finished on `client` (a new rich
// connection by default); the SIGNIN answer's fields.
async function signIn(login, client) {
  client ??= await pool.rich();
  const url = await authorize(client, 'Test');
  const { code, state } = await signInOverHttp(url.href, { login });
  client.send(`SIGNIN ${state} ${code}`);
  return { client, answer: await answer(client, '(SIGNIN|LOGIN)') };
}

function loggedIn(line) {
  const [ok, verb, nick, id, token] = fields(line, 5);
  assert.deepEqual([ok, verb], ['OK', 'LOGIN'], line);
  assert.match(id, UUID);
  assert.match(token, /^[0-9a-f]{64}$/);
  return { nick, id, token };
}

test('PROVIDERS lists the configured providers in both modes; unknown ones are refused', async () => {
  const rich = await pool.rich();
  rich.send('PROVIDERS');
  await rich.expectLine(['OK PROVIDERS', ...providers()].join(' '));
  const plain = await pool.plain();
  plain.send('PROVIDERS');
  await plain.expectLine(['PROVIDERS', ...providers()].join(' '));
  rich.send(`AUTHORIZE Nobody ${redirect}`);
  await rich.expectError('AUTHORIZE', 'no-such-provider');
  rich.send('AUTHORIZE Test not-a-url');
  await rich.expectError('AUTHORIZE', 'invalid-argument');
  // Only the web app's address (redirect_uris in the configuration) gets the code.
  rich.send('AUTHORIZE Test https://elsewhere.example/');
  await rich.expectError('AUTHORIZE', 'redirect-refused');
  const guest = await pool.rich('guest1');
  guest.send(`AUTHORIZE Test ${redirect}`);
  await guest.expectError('AUTHORIZE', 'already-logged-in');
});

test('the authorization URL asks for the code flow with PKCE, a state and a nonce', async () => {
  const url = await authorize(await pool.rich(), 'Test');
  const params = url.searchParams;
  assert.equal(url.origin, issuer.issuer);
  assert.equal(params.get('response_type'), 'code');
  assert.equal(params.get('client_id'), 'chat');
  assert.equal(params.get('redirect_uri'), redirect);
  assert.deepEqual(params.get('scope').split(' ').sort(), ['openid', 'profile']);
  assert.equal(params.get('code_challenge_method'), 'S256');
  for (const name of ['state', 'nonce', 'code_challenge']) assert.match(params.get(name), /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(params.get('state'), params.get('nonce'));
});

test('a first sign-in makes an account named from the profile; the next lands in the same one', async () => {
  const first = await signIn('erin');
  const account = loggedIn(first.answer);
  assert.equal(account.nick, 'erin');  // the provider's preferred_username
  first.client.send('MSG * hello from a social account');
  assert.match(await answer(first.client, 'MSG'), /^OK MSG /);

  // Renamed, then signed in again elsewhere: the same account, under its new name.
  first.client.send('USERNAME erin_r');
  await first.client.expectLine(`OK USERNAME erin_r ${account.id}`);
  const again = loggedIn((await signIn('erin')).answer);
  assert.deepEqual([again.nick, again.id], ['erin_r', account.id]);
  assert.notEqual(again.token, account.token);

  const resumed = await pool.rich();
  resumed.send(`RESUME ${again.token}`);
  await resumed.expectLine(`OK LOGIN erin_r ${account.id} ${again.token}`);
});

test('a nickname from the profile that is taken becomes a free one', async () => {
  await pool.rich('frank');
  const account = loggedIn((await signIn('frank')).answer);
  assert.equal(account.nick, 'frank2');
});

test('a state is used once; a code from another sign-in or a made-up state gets no session', async () => {
  const client = await pool.rich();
  const first = await authorize(client, 'Test');
  const second = await authorize(client, 'Test');
  const { code, state } = await signInOverHttp(first.href, { login: 'hugo' });
  assert.equal(state, first.searchParams.get('state'));
  // The code was bound (PKCE, redirect) to the first sign-in: the provider refuses it for the
  // second, and the second's state is spent.
  client.send(`SIGNIN ${second.searchParams.get('state')} ${code}`);
  await client.expectError('SIGNIN', 'signin-expired');
  client.send(`SIGNIN made-up-state ${code}`);
  await client.expectError('SIGNIN', 'signin-expired');
  client.send(`SIGNIN ${state} ${code}`);
  loggedIn(await answer(client, '(SIGNIN|LOGIN)'));
  const replay = await pool.rich();
  replay.send(`SIGNIN ${state} ${code}`);
  await replay.expectError('SIGNIN', 'signin-expired');
  replay.send('MSG * am I in?');
  await replay.expectError('MSG', 'username-required');
});

describe('ID tokens from a hostile provider', () => {
  // Starts a sign-in with the hostile provider, has it answer with the token `forge` makes from
  // the claims a genuine token would have, and returns chatd's answer.
  async function forged(forge) {
    const client = await pool.rich();
    const url = await authorize(client, 'Forge');
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: hostile.issuer, aud: forgedClient, sub: 'mallory-1', nonce: url.searchParams.get('nonce'),
      iat: now, exp: now + 300, preferred_username: 'mallory' };
    hostile.setIdToken(forge(claims));
    client.send(`SIGNIN ${url.searchParams.get('state')} any-code`);
    const line = await answer(client, '(SIGNIN|LOGIN)');
    return { client, line };
  }

  test('a genuine token from it signs in (the control for the cases below)', async () => {
    const { line } = await forged((claims) => hostile.sign(claims));
    assert.equal(loggedIn(line).nick, 'mallory');
  });

  const cases = {
    'signed by another key under its kid': (claims) => hostile.sign(claims, { key: generateSigningKey(), kid: forgeKey.kid }),
    'signed by a key it does not publish': (claims) => hostile.sign(claims, { key: generateSigningKey('unknown-kid') }),
    'unsigned (alg none)': (claims) => hostile.sign(claims, { alg: 'none' }),
    'HS256 with its public key as the secret': (claims) => hostile.sign(claims, { alg: 'HS256', key: JSON.stringify(publicJwk(forgeKey)) }),
    'expired': (claims) => hostile.sign({ ...claims, exp: claims.iat - 3600, iat: claims.iat - 7200 }),
    'for another client': (claims) => hostile.sign({ ...claims, aud: 'someone-else' }),
    'from another issuer': (claims) => hostile.sign({ ...claims, iss: issuer.issuer }),
    'for another sign-in (nonce)': (claims) => hostile.sign({ ...claims, nonce: 'replayed-nonce' }),
    'without a nonce': (claims) => hostile.sign({ ...claims, nonce: undefined }),
    'not a token at all': () => 'not.a-token',
  };
  test('a token signed with ES256 by a P-256 key it publishes signs in (the keys fetched again for it)', async () => {
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ec = { ...privateKey.export({ format: 'jwk' }), kid: 'ec-1', alg: 'ES256', use: 'sig' };
    hostile.setJwks([publicJwk(forgeKey), publicJwk(ec)]);
    const fetches = hostile.jwksFetches;
    const { line } = await forged((claims) => hostile.sign({ ...claims, sub: 'ec-user' }, { key: ec, alg: 'ES256' }));
    assert.match(loggedIn(line).nick, /^mallory\d*$/);
    assert.equal(hostile.jwksFetches, fetches + 1);
  });

  for (const [name, forge] of Object.entries(cases)) {
    test(`a token ${name} is refused and opens no session`, async () => {
      const { client, line } = await forged(forge);
      assert.equal(line, errorLine('rich', 'SIGNIN', 'signin-failed'));
      client.send('MSG * am I in?');
      await client.expectError('MSG', 'username-required');
    });
  }
});

test('rotated keys: a token under a new kid makes chatd fetch the keys again, once', async () => {
  const first = await signIn('ivy');
  const id = loggedIn(first.answer).id;
  const rotated = generateSigningKey('rotated-1');
  await issuer.restart({ keys: [rotated] });
  const again = loggedIn((await signIn('ivy')).answer);
  assert.equal(again.id, id);
});

test('the keys are cached: signing in again fetches them no more', async () => {
  const client = await pool.rich();
  const sign = async () => {
    const url = await authorize(client, 'Forge');
    const now = Math.floor(Date.now() / 1000);
    hostile.setIdToken(hostile.sign({ iss: hostile.issuer, aud: forgedClient, sub: 'cache-1', nonce: url.searchParams.get('nonce'),
      iat: now, exp: now + 300 }));
    const signer = await pool.rich();
    signer.send(`SIGNIN ${url.searchParams.get('state')} any-code`);
    return answer(signer, '(SIGNIN|LOGIN)');
  };
  loggedIn(await sign());
  const fetches = hostile.jwksFetches;
  loggedIn(await sign());
  assert.equal(hostile.jwksFetches, fetches);
});

test('a password account links a provider identity, which then signs in to it', async () => {
  const gina = await pool.account('gina');
  const linked = await signIn('gina-at-test', gina);
  assert.equal(linked.answer, 'OK SIGNIN Test');
  const viaProvider = loggedIn((await signIn('gina-at-test')).answer);
  assert.deepEqual([viaProvider.nick, viaProvider.id], ['gina', gina.id]);

  // Linked already: another account cannot take it.
  const hank = await pool.account('hank');
  const taken = await signIn('gina-at-test', hank);
  assert.equal(taken.answer, errorLine('rich', 'SIGNIN', 'identity-linked'));
});

test('a link started by one account is finished only on a connection of that account', async () => {
  const jade = await pool.account('jade');
  const url = await authorize(jade, 'Test');
  const { code, state } = await signInOverHttp(url.href, { login: 'jade-victim' });
  const other = await pool.rich();
  other.send(`SIGNIN ${state} ${code}`);
  await other.expectError('SIGNIN', 'link-needs-account');
  other.send('MSG * am I in?');
  await other.expectError('MSG', 'username-required');
  const kai = await pool.account('kai');
  kai.send(`SIGNIN ${state} ${code}`);
  await kai.expectError('SIGNIN', 'link-needs-account');
  // Refused without being used up: jade's own connection finishes it.
  jade.send(`SIGNIN ${state} ${code}`);
  assert.equal(await answer(jade, 'SIGNIN'), 'OK SIGNIN Test');
});

test('a sign-in finished on a logged-in connection is refused without being used up', async () => {
  const starter = await pool.rich();
  const url = await authorize(starter, 'Test');
  const { code, state } = await signInOverHttp(url.href, { login: 'lena' });
  const guest = await pool.rich('lena_guest');
  guest.send(`SIGNIN ${state} ${code}`);
  await guest.expectError('SIGNIN', 'already-logged-in');
  starter.send(`SIGNIN ${state} ${code}`);
  assert.equal(loggedIn(await answer(starter, '(SIGNIN|LOGIN)')).nick, 'lena');
});

test('an account from a sign-in has no password until REGISTER gives it one', async () => {
  const { client, answer: line } = await signIn('kim');
  const { nick, id } = loggedIn(line);
  const before = await pool.rich();
  before.send(`LOGIN ${nick} any-password`);
  await before.expectError('LOGIN', 'login-failed');
  client.send('REGISTER kims-password');
  assert.equal(await answer(client, 'REGISTER'), `OK REGISTER ${nick} ${id}`);
  client.send('REGISTER another-one');
  assert.equal(await answer(client, 'REGISTER'), errorLine('rich', 'REGISTER', 'already-registered'));
  const console = await pool.accountLogin(nick, 'kims-password');
  assert.equal(console.id, id);
});

test('a provider that is down gets a clear error, and the connection goes on', async () => {
  const client = await pool.rich();
  client.send(`AUTHORIZE Down ${redirect}`);
  await client.expectLine(errorLine('rich', 'AUTHORIZE', 'provider-unavailable'));
  // One that never answers: refused at chatd's deadline (10 s), not waited on for ever.
  client.send(`AUTHORIZE Silent ${redirect}`);
  assert.equal(await client.line(20000), errorLine('rich', 'AUTHORIZE', 'provider-unavailable'));
  // Down between the redirect and the code exchange.
  const url = await authorize(client, 'Forge');
  await hostile.stop();
  hostile = null;
  client.send(`SIGNIN ${url.searchParams.get('state')} any-code`);
  assert.equal(await answer(client, 'SIGNIN'), errorLine('rich', 'SIGNIN', 'provider-unavailable'));
  await client.login('still_here');
  await client.expectAlive();
});
