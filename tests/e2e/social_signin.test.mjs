// End-to-end test of "Sign in with <provider>" (OpenID Connect) in the web app: real chatd (the
// relying party: it exchanges the code and verifies the ID token) and wsproxy, a real OpenID
// provider (tests/lib/oidc_issuer.mjs), Debian's chromium driven by playwright-core, and an nc
// user on chatd's rich mode who sees who speaks, identifier included.
//
//   node --test tests/e2e/social_signin.test.mjs
//
// Screenshot: tests/artifacts/webapp-signin.png (the login screen with the provider's button).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ChatPool, parseMessage } from '../lib/chat_client.mjs';
import { chromiumMissing as skip, launchChromium, newProfile, openApp, openTab, realErrors } from '../lib/chromium.mjs';
import { signInInBrowser, signInOverHttp, startIssuer } from '../lib/oidc_issuer.mjs';
import { startChatd, startWsproxy } from '../lib/processes.mjs';
import { expectMessage, expectText, loginAsGuest, say } from '../lib/webapp_page.mjs';
import { WsClient } from '../lib/ws_client.mjs';

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');
const PROVIDER = 'Test';
const CLIENT_ID = 'chat-web';
const PASSWORD = 'correct-horse';

// A port nobody listens on now, for wsproxy: the provider must know the app's address (its
// redirect URI) before chatd, which needs the provider's, starts.
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Records every frame the page's scripts send on a WebSocket, in window.sentFrames.
function recordSentFrames() {
  window.sentFrames = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function recorded(data) {
    window.sentFrames.push(JSON.parse(data));
    return send.call(this, data);
  };
}

// A missing browser must turn the suite red, not skip it quietly.
it('chromium is installed', () => assert.ok(!skip, skip));

describe('signing in with an OpenID provider in the web app', { skip, timeout: 120000 }, () => {
  let issuer;
  let chatd;
  let proxy;
  let browser;
  let configDir;
  let pool;
  let nc; // in #lobby, where the people signing in speak
  let appUrl;
  const pageErrors = [];

  // The app in a browser profile of its own. The provider's pages have no icon: the browser's
  // request for one is no error of the app's.
  async function open(name) {
    const page = await openApp(browser, appUrl, name, pageErrors);
    await page.context().route(`${issuer.issuer}/favicon.ico`, (route) => route.fulfill({ status: 204 }));
    return page;
  }

  // What `start` does (a click) takes the page to the provider, where it signs in as `login` and
  // allows access, and back. A provider that remembers this browser's sign-in and the access
  // it allowed sends it straight back instead.
  async function throughProvider(page, login, start) {
    const away = page.waitForURL((url) => url.origin === issuer.issuer || url.searchParams.has('code'),
      { waitUntil: 'commit' });
    await start();
    await away;
    if (new URL(page.url()).origin === issuer.issuer) await signInInBrowser(page, { login });
  }

  const signInWithProvider = (page, login) => throughProvider(page, login,
    () => page.getByTestId(`signin-${PROVIDER}`).click());

  // The next message saying `text` that nc receives: who sent it, and their identifier.
  async function ncHears(text) {
    const line = await nc.lineMatching((l) => l.startsWith('MESSAGE ') && parseMessage(l).text === text, 10000);
    const { from, identifier } = parseMessage(line);
    return { from, identifier };
  }

  async function joinLobby(page) {
    await page.getByTestId('conv-room-lobby').click();
    await page.getByTestId('room-join').click();
    await page.getByTestId('room-leave').waitFor();
  }

  // Says `text` in #lobby, which the account is in, and returns what nc saw of its sender.
  async function sayInLobby(page, text) {
    await page.getByTestId('conv-room-lobby').click();
    await page.getByTestId('room-leave').waitFor();
    await say(page, text);
    return ncHears(text);
  }

  before(async () => {
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}/`;
    // A public client: PKCE alone, as chatd is configured below.
    issuer = await startIssuer({ clients: [{ client_id: CLIENT_ID, redirect_uris: [appUrl] }] });
    configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-oidc-'));
    const config = path.join(configDir, 'oidc.json');
    fs.writeFileSync(config, JSON.stringify({
      providers: [{ name: PROVIDER, issuer: issuer.issuer, client_id: CLIENT_ID }],
    }));
    chatd = await startChatd(['--oidc-config', config]);
    proxy = await startWsproxy(chatd.port, ['--port', String(port)]);
    browser = await launchChromium();
    pool = new ChatPool(chatd.port);
    nc = await pool.rich('nc');
    nc.send('JOIN #lobby');
    await nc.lineMatching(/^OK JOIN #lobby$/);
    fs.mkdirSync(artifacts, { recursive: true });
  });

  after(async () => {
    for (const client of pool?.clients ?? []) client.close();
    await browser?.close();
    await proxy?.stop();
    await chatd?.stop();
    await issuer?.stop();
    if (configDir) fs.rmSync(configDir, { recursive: true, force: true });
  });

  it('offers no provider when chatd has none', async () => {
    const plain = await startChatd();
    const plainProxy = await startWsproxy(plain.port);
    try {
      const page = await openApp(browser, `http://127.0.0.1:${plainProxy.port}/`, 'plain', pageErrors);
      // Logged in and out again: the list of providers came long before.
      await loginAsGuest(page, 'plain');
      await page.getByTestId('logout').click();
      await page.getByTestId('login-form').waitFor();
      assert.equal(await page.getByTestId('login-providers').isVisible(), false);
      assert.equal(await page.getByRole('button', { name: /^Sign in with/ }).count(), 0);
      await page.context().close();
    } finally {
      await plainProxy.stop();
      await plain.stop();
    }
  });

  it('offers "Sign in with Test" on the login screen, and nothing to link to a guest', async () => {
    const page = await open('visitor');
    const button = page.getByTestId(`signin-${PROVIDER}`);
    await button.waitFor();
    assert.equal(await button.textContent(), `Sign in with ${PROVIDER}`);
    assert.ok(await page.getByTestId('login-form').getByTestId(`signin-${PROVIDER}`).isVisible(),
      'beside the nickname and password');
    await page.screenshot({ path: path.join(artifacts, 'webapp-signin.png'), animations: 'disabled' });

    // A guest has no account for a provider's identity to join.
    await loginAsGuest(page, 'visitor');
    assert.equal(await page.getByTestId('account-more').isVisible(), false);
    await page.getByTestId('logout').click();
    await button.waitFor();
    await page.context().close();
  });

  let dana; // the page, and the identifier of the account the sign-in made
  let danaId;

  it('signs in with the provider: a new account named after the profile, chatting with others', async () => {
    dana = await open('dana');
    await signInWithProvider(dana, 'dana');
    await dana.getByTestId('chat-screen').waitFor();
    // The provider's profile has preferred_username = the login name (oidc_issuer.mjs).
    await expectText(dana, 'me-nickname', 'dana');
    assert.equal(dana.url(), appUrl, 'no code or state left in the address bar');

    await joinLobby(dana);
    const heard = await sayInLobby(dana, 'hello from dana');
    assert.equal(heard.from, 'dana');
    danaId = heard.identifier;
    await expectMessage(dana, 'room-lobby', 'dana', 'hello from dana');

    // What the app keeps: chatd's session token, nothing of the provider's.
    assert.deepEqual(await dana.evaluate(() => Object.keys(localStorage)), ['chat.token']);
    assert.deepEqual(await dana.evaluate(() => Object.keys(sessionStorage)), ['chat.nickname']);
  });

  it('is still signed in to the same account after a reload', async () => {
    await dana.reload();
    await dana.getByTestId('chat-screen').waitFor();
    await expectText(dana, 'me-nickname', 'dana');
    assert.equal(await dana.getByTestId('login-form').isVisible(), false);
    assert.deepEqual(await sayInLobby(dana, 'dana after a reload'), { from: 'dana', identifier: danaId });
  });

  it('signs out (the session is revoked) and signs in with the provider again to the same account', async () => {
    const token = await dana.evaluate(() => localStorage.getItem('chat.token'));
    await dana.getByTestId('logout').click();
    await dana.getByTestId('login-screen').waitFor();
    const device = await pool.rich();
    device.send(`RESUME ${token}`);
    assert.match(await device.lineMatching(/^(OK|ERROR) RESUME/), /^ERROR RESUME token-invalid /);

    await signInWithProvider(dana, 'dana');
    await dana.getByTestId('chat-screen').waitFor();
    await expectText(dana, 'me-nickname', 'dana');
    assert.deepEqual(await sayInLobby(dana, 'dana signed in again'), { from: 'dana', identifier: danaId });
    await dana.context().close();
  });

  it('says so when the person does not allow the provider to sign them in', async () => {
    const page = await open('hesitant');
    await page.getByTestId(`signin-${PROVIDER}`).click();
    // The provider's first page signs in, the next asks for consent: refuse it.
    await page.locator('input[name="login"]').fill('hesitant');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Deny' }).click();
    await expectText(page, 'login-error', `You did not allow ${PROVIDER} to sign you in.`);
    assert.equal(page.url(), appUrl);
    assert.equal(await page.getByTestId('chat-screen').isVisible(), false);
    await page.context().close();
  });

  it('refuses a return it did not start, even with a good code, and sends nothing (login CSRF)', async () => {
    // mallory signs in at the provider for a sign-in of her own, and stops before using the code.
    const attacker = await WsClient.connect(proxy.port);
    attacker.send({ type: 'authorize', provider: PROVIDER, redirect_uri: appUrl });
    const { url } = await attacker.frameMatching((frame) => frame.command === 'authorize');
    const mallory = await signInOverHttp(url, { login: 'mallory' });

    // Her return address, opened in someone else's browser, would sign them in as her.
    const context = await newProfile(browser);
    await context.addInitScript(recordSentFrames);
    const victim = await openTab(context, mallory.redirectedTo, 'victim', pageErrors);
    await expectText(victim, 'login-error',
      'That sign-in was not started in this tab, or is already finished, so it was refused. Start it again from here.');
    assert.equal(victim.url(), appUrl, 'the code is gone from the address bar');
    await victim.getByTestId(`signin-${PROVIDER}`).waitFor(); // connected and answered
    const sent = await victim.evaluate(() => window.sentFrames.map((frame) => frame.type));
    assert.deepEqual(sent, ['providers']);
    assert.equal(await victim.getByTestId('chat-screen').isVisible(), false);
    await context.close();

    // The code was not spent: only the browser's check kept it out.
    attacker.send({ type: 'signin', state: mallory.state, code: mallory.code });
    const answer = await attacker.frameMatching((frame) => frame.command === 'login' || frame.command === 'signin', 10000);
    assert.equal(answer.nickname, 'mallory', JSON.stringify(answer));
    attacker.close();
  });

  // A password account `nick` (made on chatd's line protocol), logged in to in a new browser.
  async function passwordAccountInBrowser(nick) {
    const account = await pool.account(nick, PASSWORD);
    const page = await open(nick);
    await page.getByTestId('login-nickname').fill(nick);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('chat-screen').waitFor();
    return [page, account];
  }

  // Links the provider's identity `login` to the account logged in on `page`.
  async function linkInBrowser(page, login) {
    await page.getByTestId('account-more').click();
    await throughProvider(page, login, () => page.getByTestId(`link-${PROVIDER}`).click());
  }

  it('links the provider to a password account, which a new browser then signs in to with it', async () => {
    const [page, erin] = await passwordAccountInBrowser('erin');
    await linkInBrowser(page, 'frank');
    const notice = page.getByTestId('error-toast').filter({ hasText: `${PROVIDER} account linked` });
    await notice.waitFor();
    assert.equal(await notice.getByTestId('error-message').textContent(),
      `You can sign in to this account with ${PROVIDER} from now on.`);
    await expectText(page, 'me-nickname', 'erin');
    assert.equal(page.url(), appUrl);
    await page.context().close();

    // frank's identity at the provider is erin's account now, from any browser.
    const other = await open('frank');
    await signInWithProvider(other, 'frank');
    await other.getByTestId('chat-screen').waitFor();
    await expectText(other, 'me-nickname', 'erin');
    await joinLobby(other);
    assert.deepEqual(await sayInLobby(other, 'erin, signed in as frank'), { from: 'erin', identifier: erin.id });
    await other.context().close();
  });

  it('says why an identity already linked to another account cannot be linked', async () => {
    const [page] = await passwordAccountInBrowser('gail');
    await linkInBrowser(page, 'frank'); // erin's since the test above
    const error = page.getByTestId('error-toast').filter({ hasText: `Could not link your ${PROVIDER} account` });
    await error.waitFor();
    assert.equal(await error.getByTestId('error-message').textContent(),
      'That identity is linked to another account already.');
    await expectText(page, 'me-nickname', 'gail');
    await page.context().close();
  });

  it('had no page errors', () => {
    assert.deepEqual(realErrors(pageErrors), []);
  });
});
