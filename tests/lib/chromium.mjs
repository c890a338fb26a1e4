// Debian's chromium driven by playwright-core, for the web app's end-to-end tests: launch it, and
// open the app in a browser profile of its own, collecting what goes wrong on the page.
import fs from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const DESKTOP = { width: 1280, height: 800 };
export const WAIT = 8000;

// Why a browser suite cannot run (a test of its own should then fail), or false.
export const chromiumMissing = fs.existsSync(CHROMIUM)
  ? false : `${CHROMIUM} is missing (apt-get install -y chromium)`;

// `extraArgs`: more command-line switches (a certificate to trust, say).
export function launchChromium(extraArgs = []) {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...ARGS, ...extraArgs] });
}

// A new browser profile (its own storage: another person). Its tabs share what is stored.
export function newProfile(browser, { viewport = DESKTOP } = {}) {
  return browser.newContext({ viewport });
}

// The web app at `url` in a new tab of the profile `context`. Uncaught exceptions and console
// errors are pushed to `errors` as "<name>: ...".
export async function openTab(context, url, name, errors) {
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  page.on('pageerror', (error) => errors.push(`${name}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${name} console: ${message.text()}`);
  });
  await page.goto(url);
  return page;
}

// The web app at `url` in a new browser profile of its own, as openTab.
export async function openApp(browser, url, name, errors, { viewport = DESKTOP } = {}) {
  return openTab(await newProfile(browser, { viewport }), url, name, errors);
}

// The errors worth failing for: the browser's own "WebSocket connection failed" lines are not.
export function realErrors(errors) {
  return errors.filter((error) => !/WebSocket connection to .* failed/.test(error));
}
