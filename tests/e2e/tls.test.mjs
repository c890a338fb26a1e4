// The web app over HTTPS: Chromium trusts exactly the test server's key (as a user who added the
// certificate would), loads the page from wsproxy over HTTPS, opens its WebSocket as WSS, and
// wsproxy reaches chatd over TLS too; the guest talks with a client in the clear.
//
//   node --test tests/e2e/tls.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

import { ChatPool, parseMessage } from '../lib/chat_client.mjs';
import { chromiumMissing as skip, launchChromium, openApp, realErrors } from '../lib/chromium.mjs';
import { startChatd, startWsproxy } from '../lib/processes.mjs';
import { makeCertificates } from '../lib/test_certificates.mjs';
import { expectMessage, loginAsGuest, say } from '../lib/webapp_page.mjs';

// Chromium's name for a certificate's key: the base64 SHA-256 of its SubjectPublicKeyInfo.
function spkiHash(certificate) {
  const key = execFileSync('openssl', ['x509', '-in', certificate, '-pubkey', '-noout']);
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: key });
  return execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: der }).toString('base64');
}

it('chromium is installed', () => assert.ok(!skip, skip));

describe('the web app over HTTPS and WSS', { skip, timeout: 120000 }, () => {
  let certificates;
  let chatd;
  let proxy;
  let browser;
  let pool;
  const pageErrors = [];

  before(async () => {
    certificates = makeCertificates();
    const files = ['--tls-cert', certificates.certificate, '--tls-key', certificates.key];
    chatd = await startChatd([...files, '--tls-port', '0', '--irc-tls-port', '0']);
    proxy = await startWsproxy(chatd.tlsPort,
      [...files, '--upstream-tls', '--upstream-ca', certificates.ca]);
    pool = new ChatPool(chatd.port);
    browser = await launchChromium([
      `--ignore-certificate-errors-spki-list=${spkiHash(certificates.certificate)}`]);
  });
  after(async () => {
    await browser?.close();
    await pool?.closeAll();
    await proxy?.stop();
    await chatd?.stop();
    certificates?.remove();
  });

  it('a guest on https:// talks with an nc-style client', async () => {
    const bob = await pool.rich('bob');
    const page = await openApp(browser, `https://localhost:${proxy.port}/`, 'alice', pageErrors);
    await loginAsGuest(page, 'alice');
    await say(page, 'hello from an HTTPS page');
    const message = parseMessage(await bob.lineMatching(/^MESSAGE .* alice /, 8000));
    assert.equal(message.text, 'hello from an HTTPS page');
    bob.send('MSG * and hello to you');
    await expectMessage(page, 'everyone', 'bob', 'and hello to you');
    assert.equal(await page.evaluate(() => window.location.protocol), 'https:');
    assert.deepEqual(realErrors(pageErrors), []);
  });
});
