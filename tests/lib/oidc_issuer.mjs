// OpenID providers for the sign-in tests, where chatd is the relying party (authorization code
// with PKCE, ID token verified by chatd itself):
// - startIssuer: a real provider (the oidc-provider package) with login and consent pages of its
//   own, signed in to over plain HTTP (signInOverHttp) or from a browser (signInInBrowser);
// - startHostileIssuer: a small server that hands out whatever ID token the test forged, to check
//   that chatd refuses bad signatures, keys, algorithms and claims.
// Both listen on 127.0.0.1 and their issuer is http://127.0.0.1:<port> (plain HTTP: tests only).
import crypto from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

// A private RSA JWK (2048 bit) for RS256 ID tokens.
export function generateSigningKey(kid = `key-${crypto.randomBytes(4).toString('hex')}`) {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}

// What a JWKS document shows of a private JWK.
export function publicJwk({ kid, alg, use, ...key }) {
  const jwk = crypto.createPublicKey({ key, format: 'jwk' }).export({ format: 'jwk' });
  return { ...jwk, kid, alg, use };
}

// The account behind a login name: `sub` differs from the login on purpose, so a test sees
// whether chatd keys accounts on `sub` or on `preferred_username`.
const SUBJECT_PREFIX = 'user-';

function account(accountId) {
  const login = accountId.slice(SUBJECT_PREFIX.length);
  return {
    accountId,
    claims: () => ({
      sub: accountId,
      preferred_username: login,
      name: `${login.charAt(0).toUpperCase()}${login.slice(1)} Tester`,
      email: `${login}@example.test`,
      email_verified: true,
    }),
  };
}

// A client with a secret authenticates with HTTP Basic; one without is public, PKCE alone.
function clientMetadata({ client_id, client_secret, redirect_uris }) {
  return client_secret
    ? { client_id, client_secret, redirect_uris, token_endpoint_auth_method: 'client_secret_basic' }
    : { client_id, redirect_uris, token_endpoint_auth_method: 'none' };
}

// oidc-provider's storage for one issuer, kept across its restarts as a database would be (the
// package's own in-memory store is shared by the whole process, and warns at every start).
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken']);

function issuerStorage() {
  const entries = new Map();
  const live = (key) => {
    const entry = entries.get(key);
    return entry && entry.expiresAt > Date.now() ? entry.payload : undefined;
  };
  return class IssuerStorage {
    constructor(model) { this.model = model; }

    async upsert(id, payload, expiresIn) {
      const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
      entries.set(`${this.model}:${id}`, { model: this.model, payload, expiresAt });
    }

    async find(id) { return live(`${this.model}:${id}`); }

    async findByUid(uid) {
      for (const [key, { model, payload }] of entries) {
        if (model === this.model && payload.uid === uid) return live(key);
      }
      return undefined;
    }

    async consume(id) {
      const payload = live(`${this.model}:${id}`);
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id) { entries.delete(`${this.model}:${id}`); }

    async revokeByGrantId(grantId) {
      for (const [key, { model, payload }] of entries) {
        if (GRANTABLE.has(model) && payload.grantId === grantId) entries.delete(key);
      }
    }
  };
}

function providerConfiguration(clients, keys, state) {
  return {
    adapter: state.storage,
    clients: clients.map(clientMetadata),
    jwks: { keys },
    cookies: { keys: state.cookieKeys },
    findAccount: (ctx, accountId) => account(accountId),
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
    },
    scopes: ['openid', 'profile', 'email'],
    responseTypes: ['code'],
    pkce: { methods: ['S256'], required: () => true },
    // The profile and email claims in the ID token too, not only from the userinfo endpoint.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    // Lifetimes of its own, so that oidc-provider prints no notice about its defaults.
    ttl: { AuthorizationCode: 60, AccessToken: 600, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    // Its default error page loads a web font; this one is plain, and signInOverHttp quotes it.
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = html('Error', `<p>${escapeHtml(out.error)}: ${escapeHtml(out.error_description)}</p>`);
    },
  };
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve(server.address().port); });
  });
}

// Closes the server and any connection still open to it, as a stopped process would.
function close(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => resolve(new URLSearchParams(body)));
    request.on('error', reject);
  });
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function html(title, body) {
  return `<!doctype html><html><head><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

function sendHtml(response, status, title, body) {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(html(title, body));
}

// The provider's login and consent pages, at the default /interaction/<uid>: any login name is
// accepted (no password); consent has Allow and Deny. The form markup is what signInOverHttp reads.
async function interactionPage(provider, request, response) {
  const [, , uid, action = ''] = new URL(request.url, 'http://unused').pathname.split('/');
  const { prompt, params, session, grantId, uid: current } = await provider.interactionDetails(request, response);
  if (uid !== current) throw new Error(`interaction ${uid} is not the current one`);
  const path = `/interaction/${escapeHtml(uid)}`;

  if (request.method === 'GET' && action === '' && prompt.name === 'login') {
    sendHtml(response, 200, 'Sign in', `<form method="post" action="${path}/login">`
      + '<label>Login <input type="text" name="login" required autofocus></label>'
      + '<button type="submit">Sign in</button></form>');
  } else if (request.method === 'GET' && action === '' && prompt.name === 'consent') {
    sendHtml(response, 200, 'Authorize', `<p>${escapeHtml(params.client_id)} asks for `
      + `${escapeHtml(params.scope)}.</p><form method="post" action="${path}/confirm">`
      + '<button type="submit">Allow</button></form>'
      + `<form method="post" action="${path}/abort"><button type="submit">Deny</button></form>`);
  } else if (request.method === 'POST' && action === 'login' && prompt.name === 'login') {
    const login = (await readBody(request)).get('login');
    if (!login) throw new Error('no login name');
    await provider.interactionFinished(request, response,
      { login: { accountId: SUBJECT_PREFIX + login } }, { mergeWithLastSubmission: false });
  } else if (request.method === 'POST' && action === 'confirm' && prompt.name === 'consent') {
    const grant = grantId ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const { missingOIDCScope, missingOIDCClaims } = prompt.details;
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    await provider.interactionFinished(request, response,
      { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  } else if (request.method === 'POST' && action === 'abort') {
    await provider.interactionFinished(request, response,
      { error: 'access_denied', error_description: 'End-User denied the request' },
      { mergeWithLastSubmission: false });
  } else {
    throw new Error(`no ${request.method} ${action || 'page'} at the ${prompt.name} prompt`);
  }
}

async function serveProvider(clients, keys, state, port) {
  const server = http.createServer();
  const boundPort = await listen(server, port);
  const issuer = `http://127.0.0.1:${boundPort}`;
  const provider = new Provider(issuer, providerConfiguration(clients, keys, state));
  const callback = provider.callback();
  server.on('request', (request, response) => {
    // No keep-alive: a restart then leaves no idle connection behind for a client (fetch in
    // this process, chatd) to send its next request down, only to have it fail.
    response.shouldKeepAlive = false;
    if (!request.url.startsWith('/interaction/')) return callback(request, response);
    return interactionPage(provider, request, response).catch((error) => {
      const description = error.error_description ? `: ${error.error_description}` : '';
      if (!response.headersSent) sendHtml(response, 400, 'Error', `<p>${escapeHtml(error.message + description)}</p>`);
    });
  });
  return { server, issuer, port: boundPort };
}

// A real OpenID provider on 127.0.0.1:`port` (0: a free one). `clients`: [{ client_id,
// client_secret?, redirect_uris }]; `keys`: private JWKs, ID tokens signed with the first.
// restart({ keys }) stops it and starts it again on the same port and issuer with other keys
// (the same if none are given), for key rotation: its sessions, grants and codes outlive the
// restart, as a provider's database would. stop() then startIssuer({ ..., port }) gives the same
// issuer with none of that kept.
export async function startIssuer({ clients, keys = [generateSigningKey()], port = 0 }) {
  const state = { storage: issuerStorage(), cookieKeys: [crypto.randomBytes(32).toString('hex')] };
  let running = await serveProvider(clients, keys, state, port);
  let currentKeys = keys;
  return {
    issuer: running.issuer,
    port: running.port,
    stop: () => close(running.server),
    async restart({ keys: newKeys = currentKeys } = {}) {
      await close(running.server);
      currentKeys = newKeys;
      running = await serveProvider(clients, newKeys, state, running.port);
    },
  };
}

// Cookies as a browser would keep them for one host, enough for the provider's: path and
// expiry aside, except that an emptied or expired cookie is dropped.
function keepCookies(jar, response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(';');
    const equals = pair.indexOf('=');
    const name = pair.slice(0, equals).trim();
    const value = pair.slice(equals + 1).trim();
    const expired = attributes.some((a) => /^\s*expires=.*1970/i.test(a) || /^\s*max-age=0\s*$/i.test(a));
    if (value === '' || expired) jar.delete(name);
    else jar.set(name, value);
  }
}

// What a page of the provider's says, for an error message.
function pageText(page) {
  return page.replace(/<title>.*?<\/title>|<[^>]*>/g, ' ').replace(/&#(\d+);/g, (_, code) => String.fromCharCode(code))
    .replace(/\s+/g, ' ').trim().slice(0, 1000);
}

// The next request from a login or consent page: its form for the login name, or else Allow
// (Deny when `deny`).
function nextForm(page, pageUrl, { login, deny }) {
  const forms = [...page.matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)]
    .map(([, action, inner]) => ({ url: new URL(action, pageUrl).href, inner }));
  const loginForm = forms.find((form) => form.inner.includes('name="login"'));
  if (loginForm) return { url: loginForm.url, body: new URLSearchParams({ login }) };
  const consentForm = forms.find((form) => form.url.endsWith(deny ? '/abort' : '/confirm'));
  if (consentForm) return { url: consentForm.url, body: new URLSearchParams() };
  throw new Error(`no login or consent form at ${pageUrl}: ${pageText(page)}`);
}

// Follows the provider from `authorizationUrl` (as chatd built it) through its login page (as
// `login`) and its consent page (Allow, or Deny when `deny`) with fetch, keeping its cookies,
// up to the redirect that leaves the provider for the client's redirect_uri, which it does not
// fetch. Returns that redirect's { code, state, iss, error } (null when absent) and the whole
// URL as redirectedTo. Throws on an error page of the provider's.
export async function signInOverHttp(authorizationUrl, { login, deny = false }) {
  const origin = new URL(authorizationUrl).origin;
  const jar = new Map();
  let next = { url: authorizationUrl };
  for (let step = 0; step < 12; step += 1) {
    const headers = { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') };
    if (next.body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(next.url, {
      method: next.body ? 'POST' : 'GET', headers, body: next.body, redirect: 'manual',
    });
    keepCookies(jar, response);
    const text = await response.text();
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const target = new URL(location, next.url);
      if (target.origin !== origin) {
        const get = (name) => target.searchParams.get(name);
        return { code: get('code'), state: get('state'), iss: get('iss'), error: get('error'), redirectedTo: target.href };
      }
      next = { url: target.href };
    } else if (response.ok) {
      next = nextForm(text, next.url, { login, deny });
    } else {
      throw new Error(`${next.url} answered ${response.status}: ${pageText(text)}`);
    }
  }
  throw new Error(`no redirect away from ${origin} after 12 steps from ${authorizationUrl}`);
}

// In a Playwright `page` showing the provider's login page: signs in as `login` and allows the
// consent. Resolves with the URL of the redirect that leaves the provider, once the browser
// starts that request (whatever the client's page then does or fails to do).
export async function signInInBrowser(page, { login }) {
  const origin = new URL(page.url()).origin;
  const left = page.waitForRequest((request) => request.isNavigationRequest()
    && new URL(request.url()).origin !== origin);
  // A step that fails says why itself; the wait's own timeout then goes unheard.
  left.catch(() => {});
  await page.locator('input[name="login"]').fill(login);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Allow' }).click();
  return (await left).url();
}

// A compact JWS of `claims` with the header { alg, kid, ...header } (an undefined value drops a
// field). `alg`: none (empty signature), RS/PS/ES with a private JWK `key`, or HS with `key` as
// the secret (bytes or text, e.g. a public key, for the algorithm confusion attack).
function signJws(claims, { key, kid, alg, header }) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg, kid, ...header })}.${part(claims)}`;
  if (alg === 'none') return `${input}.`;
  const [, family, bits] = /^(RS|PS|ES|HS)(256|384|512)$/.exec(alg) ?? [];
  if (!family) throw new Error(`cannot sign with alg ${alg}`);
  const hash = `sha${bits}`;
  if (family === 'HS') return `${input}.${crypto.createHmac(hash, key).update(input).digest('base64url')}`;
  const privateKey = crypto.createPrivateKey({ key, format: 'jwk' });
  const options = family === 'PS'
    ? { key: privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: bits / 8 }
    : { key: privateKey, dsaEncoding: 'ieee-p1363' };
  return `${input}.${crypto.sign(hash, Buffer.from(input), options).toString('base64url')}`;
}

function sendJson(response, status, value) {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(value));
}

// An issuer that tells the truth about its endpoints and keys but hands out whatever ID token
// the test set: discovery, /jwks (the public parts of `keys`, or what setJwks set; each fetch
// counted in jwksFetches), /auth (redirects straight back with a random code and the state,
// remembering the request's parameters in lastAuthorization, nonce included) and /token
// (answers { id_token, access_token: 'x', token_type: 'Bearer' }, no id_token before
// setIdToken; the form and Authorization header in lastTokenRequest). sign(claims, { kid, key,
// alg = 'RS256', header = {} }) forges a token, by default with the first of `keys` and its kid.
export async function startHostileIssuer({ keys = [generateSigningKey()] } = {}) {
  let jwks = keys.map(publicJwk);
  let idToken;
  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url, hostile.issuer);
    if (request.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      sendJson(response, 200, {
        issuer: hostile.issuer,
        authorization_endpoint: `${hostile.issuer}/auth`,
        token_endpoint: `${hostile.issuer}/token`,
        jwks_uri: `${hostile.issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: ['openid', 'profile', 'email'],
        token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
      });
    } else if (request.method === 'GET' && url.pathname === '/jwks') {
      hostile.jwksFetches += 1;
      sendJson(response, 200, { keys: jwks });
    } else if (request.method === 'GET' && url.pathname === '/auth' && URL.canParse(url.searchParams.get('redirect_uri'))) {
      hostile.lastAuthorization = Object.fromEntries(url.searchParams);
      const target = new URL(url.searchParams.get('redirect_uri'));
      target.searchParams.set('code', crypto.randomBytes(16).toString('base64url'));
      target.searchParams.set('state', url.searchParams.get('state') ?? '');
      response.writeHead(302, { location: target.href });
      response.end();
    } else if (request.method === 'POST' && url.pathname === '/token') {
      const params = await readBody(request);
      hostile.lastTokenRequest = { params: Object.fromEntries(params), authorization: request.headers.authorization };
      sendJson(response, 200, { id_token: idToken, access_token: 'x', token_type: 'Bearer' });
    } else {
      sendJson(response, 404, { error: 'not_found' });
    }
  });
  const port = await listen(server, 0);
  const hostile = {
    issuer: `http://127.0.0.1:${port}`,
    port,
    jwksFetches: 0,
    lastAuthorization: null,
    lastTokenRequest: null,
    setIdToken: (token) => { idToken = token; },
    setJwks: (publicJwks) => { jwks = publicJwks; },
    sign: (claims, { key = keys[0], kid = key.kid, alg = 'RS256', header = {} } = {}) =>
      signJws(claims, { key, kid, alg, header }),
    stop: () => close(server),
  };
  return hostile;
}
