// Real OpenID Connect providers on loopback for the test suite (tests/oidc/__init__.py
// starts this script; nothing here is a mock: it is the certified npm `oidc-provider`).
//
//   node tests/oidc/provider.mjs <config.json>
//
// The configuration (written by tests/oidc/__init__.py):
//
//   {
//     "node_modules": "/abs/path/node_modules",   // where oidc-provider is installed
//     "clock": 1795000000.0,                        // optional: "now" in epoch seconds
//     "providers": [{
//       "name": "kunta-a",
//       "port": 0,                                  // 0: any free port of 127.0.0.1
//       "jwks": {"keys": [<private RSA JWK with kid, alg RS256, use sig>]},
//       "cookie_keys": ["..."],
//       "clients": [{"client_id": "...", "client_secret": "...",
//                    "token_endpoint_auth_method": "client_secret_post",
//                    "id_token_ttl": 3600}],      // optional, seconds
//       "accounts": {"<login>": {"sub": "...", "email": "...", "email_verified": true,
//                                "name": "...", "given_name": "...", "family_name": "..."}}
//     }]
//   }
//
// For each provider it prints `READY <issuer>` on stdout once listening, in the order of
// the configuration. It exits on SIGTERM, SIGINT or when its stdin closes (so a test run
// killed hard leaves no provider behind).
//
// Test-only behaviour, on purpose:
//
// - Redirect URIs: the Django live server's port is only known when a test starts, so on
//   top of a client's registered URIs every `http://127.0.0.1:<any port>/accounts/oidc/
//   <one path segment>/login/callback/` (no query, no fragment) is accepted for every
//   configured client (Client.prototype.redirectUriAllowed is overridden below).
//   Post-logout redirect URIs: every `http://127.0.0.1:<any port>/<any path>` (no
//   fragment), as the relying party chooses where a signed-out user lands.
// - Sign-in: the provider's own development interactions (devInteractions): a login page
//   (login name and any password; the password is not checked) and a consent page. The
//   login name is the account's key in "accounts". An unknown login name is refused: the
//   authorization ends with `error=access_denied` ("unknown login") at the redirect URI.
// - Clock: `POST /__test__/clock` with `{"now": <epoch seconds>}` moves this process's
//   clock (Date.now) so that tokens are issued in the tests' time (time-machine). The
//   `expires` of cookies is turned back to real time, so a real browser keeps them.
// - Cookies: `_session_<name>`, `_interaction_<name>`, `_interaction_resume_<name>` (with
//   their `.sig`), since cookies are shared by every port of 127.0.0.1.
// - The pages' @import of Google fonts is removed (the test machine has no internet).

import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

// --- The clock ------------------------------------------------------------------------------
const realNow = Date.now.bind(Date);
let offsetMs = 0;
function setClock(epochSeconds) {
  offsetMs = Math.round(epochSeconds * 1000) - realNow();
}
if (typeof config.clock === 'number') setClock(config.clock);
Date.now = () => realNow() + offsetMs;

// Cookies' `expires` is computed from Date.now (npm `cookies`): give the browser real time.
function realCookieExpiry(header) {
  return header.replace(/expires=([^;]+)/i, (whole, date) => {
    const parsed = Date.parse(date);
    if (Number.isNaN(parsed) || parsed === 0) return whole; // 1970: a cookie being cleared
    return `expires=${new Date(parsed - offsetMs).toUTCString()}`;
  });
}

// --- oidc-provider, from the node_modules directory the configuration names ---------------
const packageDir = join(config.node_modules, 'oidc-provider');
const packageJson = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const { default: Provider } = await import(
  pathToFileURL(join(packageDir, packageJson.main || 'lib/index.js')).href
);

const CALLBACK = /^http:\/\/127\.0\.0\.1:\d{1,5}\/accounts\/oidc\/[^/?#]+\/login\/callback\/$/;
const POST_LOGOUT = /^http:\/\/127\.0\.0\.1:\d{1,5}\/[^#]*$/;
// A registered URI is required by the client schema; the patterns above do the real work.
const PLACEHOLDER_CALLBACK = 'http://127.0.0.1/accounts/oidc/registered/login/callback/';
const PLACEHOLDER_POST_LOGOUT = 'http://127.0.0.1/';

// oidc-provider's `sub` is the accountId: the login name typed on the login page is
// turned into the account's sub (its "sub", or the login name) before devInteractions sees it.
function subjects(accounts) {
  return new Map(Object.entries(accounts).map(([login, claims]) => [login, claims.sub || login]));
}

function accountFinder(accounts) {
  const bySub = new Map(Object.entries(accounts).map(([login, claims]) => [claims.sub || login, claims]));
  return async function findAccount(_ctx, sub) {
    if (!bySub.has(sub)) return undefined;
    const claims = { ...bySub.get(sub), sub };
    return {
      accountId: sub,
      async claims() {
        return claims;
      },
    };
  };
}

function makeProvider(spec, issuer) {
  const cookieSuffix = spec.name.replace(/[^A-Za-z0-9_-]/g, '_');
  const ttlByClient = new Map(spec.clients.map((c) => [c.client_id, c.id_token_ttl]));
  const provider = new Provider(issuer, {
    clients: spec.clients.map((c) => ({
      client_id: c.client_id,
      client_secret: c.client_secret,
      token_endpoint_auth_method: c.token_endpoint_auth_method || 'client_secret_post',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [PLACEHOLDER_CALLBACK, ...(c.redirect_uris || [])],
      post_logout_redirect_uris: [PLACEHOLDER_POST_LOGOUT, ...(c.post_logout_redirect_uris || [])],
      id_token_signed_response_alg: 'RS256',
    })),
    jwks: spec.jwks,
    // Cookies are not isolated by port: every provider here (and the Django live server)
    // is 127.0.0.1, so each provider names its own, or signing in at one would replace the
    // other's session in the same browser.
    cookies: {
      keys: spec.cookie_keys,
      names: {
        session: `_session_${cookieSuffix}`,
        interaction: `_interaction_${cookieSuffix}`,
        resume: `_interaction_resume_${cookieSuffix}`,
      },
    },
    findAccount: accountFinder(spec.accounts),
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    scopes: ['openid'],
    responseTypes: ['code'],
    // As Entra ID does: the scopes' claims are in the ID token too, not only at userinfo.
    conformIdTokenClaims: false,
    pkce: { required: () => true }, // oidc-provider 9 supports S256 only
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      userinfo: { enabled: true },
    },
    ttl: {
      IdToken: (_ctx, _token, client) => ttlByClient.get(client?.clientId) || 3600,
      AccessToken: 600,
      AuthorizationCode: 60,
      Interaction: 3600,
      Session: 24 * 3600,
      Grant: 24 * 3600,
    },
    clientBasedCORS: () => false,
  });

  // Refusals and failures on stderr (tests/oidc/__init__.py shows it when a start fails).
  for (const event of ['authorization.error', 'grant.error', 'end_session.error', 'userinfo.error', 'server_error']) {
    provider.on(event, (_ctx, error) => {
      const cause = error.cause ? ` (cause: ${error.cause.message || error.cause})` : '';
      process.stderr.write(`${spec.name} ${event}: ${error.message} ${error.error_description || ''}${cause}\n`);
    });
  }
  const loginSubjects = subjects(spec.accounts);
  const { prototype } = provider.Client;
  const registeredRedirect = prototype.redirectUriAllowed;
  const registeredPostLogout = prototype.postLogoutRedirectUriAllowed;
  prototype.redirectUriAllowed = function redirectUriAllowed(value) {
    return CALLBACK.test(value) || registeredRedirect.call(this, value);
  };
  prototype.postLogoutRedirectUriAllowed = function postLogoutRedirectUriAllowed(value) {
    return POST_LOGOUT.test(value) || registeredPostLogout.call(this, value);
  };

  // An unknown login name: end the authorization with access_denied instead of devInteractions'
  // accepting any name (findAccount would then find nobody and show the login page again).
  provider.use(async (ctx, next) => {
    if (ctx.method === 'POST' && /^\/interaction\/[^/]+$/.test(ctx.path)) {
      const body = await readForm(ctx.req);
      ctx.req.body = body; // oidc-provider's body parser takes an already parsed body
      if (body.prompt === 'login') {
        if (!loginSubjects.has(body.login || '')) {
          await provider.interactionFinished(
            ctx.req,
            ctx.res,
            { error: 'access_denied', error_description: 'unknown login' },
            { mergeWithLastSubmission: false },
          );
          return;
        }
        body.login = loginSubjects.get(body.login);
      }
    }
    await next();
    if (typeof ctx.body === 'string' && ctx.body.includes('fonts.googleapis.com')) {
      ctx.body = ctx.body.replace(/@import url\(https:\/\/fonts\.googleapis\.com[^)]*\);?/g, '');
    }
  });
  return provider;
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      resolve(Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    });
    req.on('error', reject);
  });
}

function handler(provider) {
  const callback = provider.callback();
  return (req, res) => {
    // Once, as the headers leave (npm `cookies` rewrites the whole list on every set).
    const writeHead = res.writeHead.bind(res);
    res.writeHead = (...args) => {
      const cookies = res.getHeader('set-cookie');
      if (offsetMs !== 0 && cookies !== undefined) {
        const values = Array.isArray(cookies) ? cookies : [cookies];
        res.setHeader('set-cookie', values.map((v) => realCookieExpiry(String(v))));
      }
      return writeHead(...args);
    };
    if (req.method === 'POST' && req.url === '/__test__/clock') {
      readBody(req).then((text) => {
        setClock(JSON.parse(text).now);
        res.writeHead(204).end();
      }, () => res.writeHead(400).end());
      return;
    }
    callback(req, res);
  };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// --- Start, one after another, so the READY lines follow the configuration's order --------
const servers = [];
for (const spec of config.providers) {
  const server = http.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(spec.port || 0, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${server.address().port}`;
  server.on('request', handler(makeProvider(spec, issuer)));
  servers.push(server);
  process.stdout.write(`READY ${issuer}\n`);
}

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  for (const server of servers) {
    server.close();
    server.closeAllConnections();
  }
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
