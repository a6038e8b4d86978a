"""Real OpenID Connect providers on loopback for the tests, and a proxy that tampers.

The providers are the certified npm package `oidc-provider` (pinned in package-lock.json,
installed by `make node-tools`), run by `tests/oidc/provider.mjs` in one node process:
each on its own port of 127.0.0.1 with the issuer `http://127.0.0.1:<port>`, its own RSA
signing key (made here, so a test can re-sign a token with the provider's own key), its
clients and its accounts. Nothing is mocked.

Use::

    def test_something(oidc_providers):               # {"kunta-a": ..., "kunta-b": ...}
        a = oidc_providers["kunta-a"]
        a.issuer, a.client_id, a.client_secret        # the relying party's settings
        a.discovery_url                               # <issuer>/.well-known/openid-configuration
        a.accounts["anna"]                            # the claims of the login name "anna"

    def test_tampered(oidc_providers):
        with TamperingProxy(oidc_providers["kunta-a"]) as proxy:
            proxy.mode = "aud"                        # see TamperingProxy.MODES
            ...  # the relying party's server URL is proxy.url (issuer unchanged):
                 # back-channel requests go through the proxy, the browser to the provider

    def test_own_providers(tmp_path):
        with start_providers([ProviderSpec("x", accounts={"eve": {"email": "e@x.fi"}})],
                             tmp_path) as (x,):
            x.process.stop()                          # a provider that goes down

Other test directories import the fixtures by name (both: one needs the other)::

    from tests.oidc import oidc_provider_process_fixture, oidc_providers_fixture  # noqa: F401

What the providers accept (tests/oidc/provider.mjs has the details):

- Authorization code flow only, PKCE S256 required, scopes openid, email, profile; the
  ID token carries the e-mail and profile claims as well as userinfo does.
- Redirect URIs: `http://127.0.0.1:<any port>/accounts/oidc/<one segment>/login/callback/`
  for every client; post-logout redirect URIs: `http://127.0.0.1:<any port>/<any path>`.
- Client authentication: clients are registered with `client_secret_post` (what
  django-allauth sends unless the app's settings say `token_auth_method`), but
  oidc-provider 9 accepts `client_secret_basic` from them just as well (and the other
  way round): it checks the secret, not which of the two carried it.
- Sign-in on the provider's own pages: a login page (`input[name=login]`: the account's
  key in `accounts`; `input[name=password]`: anything, not checked; button "Sign-in")
  and a consent page (button "Continue"). The ID token's `sub` is the account's "sub"
  (the login name when it has none). An unknown login name ends the authorization with
  `error=access_denied&error_description=unknown login` at the redirect URI.
- RP-initiated logout: `end_session_endpoint` (<issuer>/session/end) with
  `id_token_hint` or `client_id` shows a page whose "Yes, sign me out" button posts the
  form; then it redirects to `post_logout_redirect_uri` with the `state`.
- Each provider's cookies carry its name (`_session_kunta-a`, ...): cookies are shared
  by every port of 127.0.0.1, so one browser can hold a session at both providers.
- The provider's clock follows the tests' clock (time-machine moves `time.time()`, the
  node process knows nothing of it): `start_providers` sets it when the process starts
  and `oidc_providers` before each test. A test that moves the clock afterwards calls
  `provider.sync_clock()` (a provider ahead of the relying party's clock issues tokens
  PyJWT refuses as issued in the future, one behind by more than their lifetime tokens
  already expired). Cookies' expiry stays in real time, for Chromium.

It fails loudly, never skips: without `node` or without node_modules/oidc-provider
(`make node-tools`) `start_providers` raises OidcProviderUnavailable saying which.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import queue
import secrets
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("provider.mjs")
NODE_MODULES = REPO / "node_modules"
START_TIMEOUT = 20  # seconds for every provider of a process to print READY
HTTP_TIMEOUT = 10


class OidcProviderUnavailable(RuntimeError):
    """The loopback provider cannot run here: what is missing is in the message."""


# --- What to start -------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientSpec:
    client_id: str
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    # client_secret_post (django-allauth's default) or client_secret_basic; oidc-provider 9
    # takes the secret either way from a client registered with either of the two.
    token_endpoint_auth_method: str = "client_secret_post"
    id_token_ttl: int | None = None  # seconds; the provider's default is an hour


@dataclass(frozen=True)
class ProviderSpec:
    """A provider: `accounts` maps a login name to its claims (`sub` defaults to the
    login name; leave `email_verified` out for a provider that sends none, as Entra ID)."""

    name: str
    accounts: dict[str, dict[str, Any]]
    clients: tuple[ClientSpec, ...] = ()

    def all_clients(self) -> tuple[ClientSpec, ...]:
        return self.clients or (ClientSpec(client_id=f"suunta-{self.name}"),)


# --- A running provider --------------------------------------------------------------------


@dataclass
class Provider:
    name: str
    issuer: str
    clients: tuple[ClientSpec, ...]
    accounts: dict[str, dict[str, Any]]
    private_key: rsa.RSAPrivateKey
    kid: str
    process: ProviderProcess

    @property
    def client_id(self) -> str:
        return self.clients[0].client_id

    @property
    def client_secret(self) -> str:
        return self.clients[0].client_secret

    def client(self, client_id: str) -> ClientSpec:
        return next(c for c in self.clients if c.client_id == client_id)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def private_key_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def sign(self, claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
        """A JWT signed with this provider's own key (RS256, its kid)."""
        return jwt.encode(
            claims, self.private_key, algorithm="RS256", headers={"kid": self.kid, **(headers or {})}
        )

    def sync_clock(self, now: float | None = None) -> None:
        """Sets the provider process's clock to `now` (default: time.time(), which
        time-machine moves). Every provider of the process shares the clock."""
        body = json.dumps({"now": time.time() if now is None else now}).encode()
        status, _headers, _body = _request(
            self.issuer, "POST", "/__test__/clock", body, {"Content-Type": "application/json"}
        )
        if status != 204:
            raise RuntimeError(f"the provider at {self.issuer} did not take the clock: {status}")


class ProviderProcess:
    """The node process holding the providers; stopping it takes them all down."""

    def __init__(self, popen: subprocess.Popen, stderr_path: Path):
        self.popen = popen
        self.stderr_path = stderr_path

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)
        if self.popen.stdin:
            with contextlib.suppress(OSError):
                self.popen.stdin.close()


def _private_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, str]:
    jwk = json.loads(RSAAlgorithm.to_jwk(key))
    # PyJWT writes key_ops ["sign"] for a private key: oidc-provider would then not verify
    # with it (an id_token_hint at logout: "no applicable key found").
    jwk.pop("key_ops", None)
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


def check_requirements(node: str = "node", node_modules: Path = NODE_MODULES) -> str:
    """The node executable's path, or OidcProviderUnavailable naming what is missing."""
    executable = shutil.which(node)
    if executable is None:
        raise OidcProviderUnavailable(
            f"`{node}` was not found: the OpenID Connect provider of the tests needs Node.js 18+ "
            "(apt-get install nodejs npm), then `make node-tools`"
        )
    if not (Path(node_modules) / "oidc-provider" / "package.json").is_file():
        raise OidcProviderUnavailable(
            f"{Path(node_modules) / 'oidc-provider'} is missing: run `make node-tools` "
            "(npm ci installs oidc-provider from package-lock.json)"
        )
    return executable


@contextlib.contextmanager
def start_providers(
    specs: list[ProviderSpec],
    tmp_path: Path,
    *,
    node: str = "node",
    node_modules: Path = NODE_MODULES,
    timeout: float = START_TIMEOUT,
) -> Iterator[list[Provider]]:
    """Starts the providers in one node process on free ports of 127.0.0.1 and yields
    them in the order of `specs`; stops the process afterwards (also on errors)."""
    executable = check_requirements(node, node_modules)
    tmp_path = Path(tmp_path)
    tmp_path.mkdir(parents=True, exist_ok=True)
    keys = []
    config_providers = []
    for spec in specs:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        kid = f"{spec.name}-{secrets.token_hex(4)}"
        keys.append((key, kid))
        config_providers.append(
            {
                "name": spec.name,
                "port": 0,
                "jwks": {"keys": [_private_jwk(key, kid)]},
                "cookie_keys": [secrets.token_urlsafe(32)],
                "clients": [
                    {
                        "client_id": c.client_id,
                        "client_secret": c.client_secret,
                        "token_endpoint_auth_method": c.token_endpoint_auth_method,
                        **({"id_token_ttl": c.id_token_ttl} if c.id_token_ttl else {}),
                    }
                    for c in spec.all_clients()
                ],
                "accounts": spec.accounts,
            }
        )
    config_path = tmp_path / f"oidc-providers-{secrets.token_hex(4)}.json"
    config_path.write_text(
        json.dumps({"node_modules": str(node_modules), "clock": time.time(), "providers": config_providers})
    )
    config_path.chmod(0o600)
    stderr_path = config_path.with_suffix(".stderr")
    with stderr_path.open("wb") as stderr:
        popen = subprocess.Popen(
            [executable, str(SCRIPT), str(config_path)],
            cwd=REPO,
            stdin=subprocess.PIPE,  # closing it stops the process, should this one die hard
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
    process = ProviderProcess(popen, stderr_path)
    try:
        issuers = _wait_ready(process, len(specs), timeout)
        yield [
            Provider(
                name=spec.name,
                issuer=issuer,
                clients=spec.all_clients(),
                accounts=spec.accounts,
                private_key=key,
                kid=kid,
                process=process,
            )
            for spec, issuer, (key, kid) in zip(specs, issuers, keys, strict=True)
        ]
    finally:
        process.stop()


def _wait_ready(process: ProviderProcess, count: int, timeout: float) -> list[str]:
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:  # drains stdout for the process's whole life, then closes it
        with contextlib.suppress(OSError, ValueError), process.popen.stdout as stdout:
            for raw in stdout:
                lines.put(raw.decode(errors="replace").strip())
        lines.put(None)

    threading.Thread(target=read, daemon=True, name="oidc-provider-stdout").start()
    issuers: list[str] = []
    deadline = time.monotonic() + timeout
    while len(issuers) < count:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            process.stop()
            raise OidcProviderUnavailable(
                f"the OpenID Connect providers did not start within {timeout} s "
                f"({len(issuers)} of {count} ready); node's stderr:\n{process.stderr()}"
            ) from None
        if line is None:
            process.stop()
            raise OidcProviderUnavailable(
                f"the OpenID Connect provider process exited ({process.popen.returncode}) "
                f"before it was ready; node's stderr:\n{process.stderr()}"
            )
        if line.startswith("READY "):
            issuers.append(line.removeprefix("READY "))
    return issuers


# --- The suite's two providers ---------------------------------------------------------------

# Kunta A sends `email_verified`; Kunta B, like Entra ID, sends none. "anna" works for both.
DEFAULT_SPECS = (
    ProviderSpec(
        name="kunta-a",
        accounts={
            "anna": {
                "sub": "kunta-a-0001-anna",
                "email": "anna.virtanen@kunta-a.fi",
                "email_verified": True,
                "name": "Anna Virtanen",
                "given_name": "Anna",
                "family_name": "Virtanen",
            },
            "ville": {  # an e-mail address the provider has not verified
                "sub": "kunta-a-0002-ville",
                "email": "ville.nieminen@kunta-a.fi",
                "email_verified": False,
                "name": "Ville Nieminen",
                "given_name": "Ville",
                "family_name": "Nieminen",
            },
            "ulla": {  # an address outside the organization's domains
                "sub": "kunta-a-0003-ulla",
                "email": "ulla.ulkopuolinen@example.com",
                "email_verified": True,
                "name": "Ulla Ulkopuolinen",
                "given_name": "Ulla",
                "family_name": "Ulkopuolinen",
            },
        },
        clients=(
            ClientSpec(client_id="suunta-kunta-a"),
            # ID tokens that expire five seconds after they are issued (move the clock).
            ClientSpec(client_id="suunta-kunta-a-short", id_token_ttl=5),
        ),
    ),
    ProviderSpec(
        name="kunta-b",
        accounts={
            "bertta": {
                "sub": "kunta-b-0001-bertta",
                "email": "bertta.korhonen@kunta-b.fi",
                "name": "Bertta Korhonen",
                "given_name": "Bertta",
                "family_name": "Korhonen",
            },
            "anna": {  # the same person as Kunta A's "anna", with Kunta B's account
                "sub": "kunta-b-0002-anna",
                "email": "anna.virtanen@kunta-b.fi",
                "name": "Anna Virtanen",
                "given_name": "Anna",
                "family_name": "Virtanen",
            },
        },
        clients=(ClientSpec(client_id="suunta-kunta-b"),),
    ),
)


# Named apart from the fixtures (name=...), so a test module that imports them and takes
# `oidc_providers` as an argument redefines nothing (ruff F811).
@pytest.fixture(scope="session", name="oidc_provider_process")
def oidc_provider_process_fixture(tmp_path_factory) -> Iterator[dict[str, Provider]]:
    """The two providers, started once per test process (per xdist worker)."""
    with start_providers(list(DEFAULT_SPECS), tmp_path_factory.mktemp("oidc")) as providers:
        yield {provider.name: provider for provider in providers}


@pytest.fixture(name="oidc_providers")
def oidc_providers_fixture(oidc_provider_process) -> dict[str, Provider]:
    """{"kunta-a": Provider, "kunta-b": Provider}, their clock set to the test's."""
    providers = oidc_provider_process
    process = next(iter(providers.values())).process
    if process.popen.poll() is not None:
        raise OidcProviderUnavailable(
            f"the OpenID Connect providers have exited; node's stderr:\n{process.stderr()}"
        )
    next(iter(providers.values())).sync_clock()  # one clock per process
    return providers


# --- Talking HTTP to a provider --------------------------------------------------------------


def _request(
    base: str, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, list[tuple[str, str]], bytes]:
    parsed = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=HTTP_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def unreachable_url() -> str:
    """The URL of a loopback port nobody listens on (a provider that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --- Tampering -------------------------------------------------------------------------------


def flip_signature(token: str) -> str:
    """The token with one byte of its signature changed."""
    header, payload, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[len(raw) // 2] ^= 0x01
    return f"{header}.{payload}.{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"


def resign(token: str, key: rsa.RSAPrivateKey, **changes: Any) -> str:
    """The token's claims with `changes` (None removes a claim), signed again with `key`
    under the token's own header (alg, kid)."""
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    for name, value in changes.items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return jwt.encode(claims, key, algorithm=header["alg"], headers={"kid": header["kid"]})


class TamperingProxy:
    """An HTTP server on a free loopback port in front of one provider. It serves the
    provider's discovery document with `token_endpoint`, `jwks_uri` and
    `userinfo_endpoint` pointing at itself (the browser's endpoints, authorization and
    end_session, and the `issuer` unchanged), forwards every other request, and changes
    the token endpoint's answer as `mode` says:

    - None: nothing (a faithful proxy)
    - "signature": one byte of the ID token's signature flipped
    - "aud", "iss", "exp", "nonce": that claim changed (aud another client, iss another
      issuer, exp an hour in the past by time.time(), nonce another) and the token
      re-signed with the provider's own key, so only that claim is wrong
    - "foreign_key": the ID token re-signed with another RSA key under the provider's kid
    - "error": the token endpoint answers 502 (the code never reaches the provider)
    - "drop": the token endpoint closes the connection without an answer
    - a callable: takes the ID token's claims, returns the claims to re-sign with the
      provider's key

    The relying party's server URL is `proxy.url`. `take_down()` closes the proxy's port:
    connections are then refused (a provider that is down). `id_tokens` lists the
    (original, sent) ID tokens of the token responses that passed through.
    """

    MODES = ("signature", "aud", "iss", "exp", "nonce", "foreign_key", "error", "drop")

    def __init__(self, provider: Provider, mode: str | Callable[[dict], dict] | None = None):
        self.provider = provider
        self.mode = mode
        self.id_tokens: list[tuple[str, str]] = []
        self._foreign_key: rsa.RSAPrivateKey | None = None
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="oidc-tampering-proxy",
        )
        self._thread.start()
        self._running = True

    def __enter__(self) -> TamperingProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def take_down(self) -> None:
        self.close()

    def close(self) -> None:
        if self._running:
            self._running = False
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)

    # -- what it does to an ID token

    def tamper(self, id_token: str) -> str:
        mode = self.mode
        key = self.provider.private_key
        if callable(mode):
            header = jwt.get_unverified_header(id_token)
            claims = mode(jwt.decode(id_token, options={"verify_signature": False}))
            return jwt.encode(claims, key, algorithm=header["alg"], headers={"kid": header["kid"]})
        if mode is None:
            return id_token
        if mode == "signature":
            return flip_signature(id_token)
        if mode == "aud":
            return resign(id_token, key, aud="someone-else")
        if mode == "iss":
            return resign(id_token, key, iss="http://127.0.0.1:9/not-the-issuer")
        if mode == "exp":
            now = int(time.time())
            return resign(id_token, key, iat=now - 7200, auth_time=now - 7200, exp=now - 3600)
        if mode == "nonce":
            return resign(id_token, key, nonce=secrets.token_urlsafe(16))
        if mode == "foreign_key":
            if self._foreign_key is None:
                self._foreign_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return resign(id_token, self._foreign_key)
        raise ValueError(f"unknown tampering mode {mode!r}; one of {self.MODES} or a callable")

    # -- the HTTP side

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass  # quiet

            def do_GET(self) -> None:
                proxy._handle(self)

            do_POST = do_GET
            do_HEAD = do_GET
            do_OPTIONS = do_GET

        return Handler

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        path = handler.path
        route = urllib.parse.urlsplit(path).path
        if route == "/token" and self.mode in ("error", "drop"):
            if self.mode == "drop":
                handler.close_connection = True
                return
            self._respond(handler, 502, [("Content-Type", "text/plain")], b"Bad Gateway (TamperingProxy)")
            return
        issuer = urllib.parse.urlsplit(self.provider.issuer)
        headers = {
            name: value
            for name, value in handler.headers.items()
            if name.lower() not in {"host", "connection", "keep-alive", "accept-encoding", "proxy-connection"}
        }
        headers["Host"] = issuer.netloc  # the provider builds its URLs from the Host header
        try:
            status, response_headers, response_body = _request(
                self.provider.issuer, handler.command, path, body, headers
            )
        except OSError:
            self._respond(handler, 502, [("Content-Type", "text/plain")], b"the provider did not answer")
            return
        if route == "/.well-known/openid-configuration" and status == 200:
            document = json.loads(response_body)
            for endpoint in ("token_endpoint", "jwks_uri", "userinfo_endpoint"):
                if endpoint in document:
                    document[endpoint] = self.url + urllib.parse.urlsplit(document[endpoint]).path
            response_body = json.dumps(document).encode()
        elif route == "/token" and status == 200:
            answer = json.loads(response_body)
            if "id_token" in answer:
                original = answer["id_token"]
                answer["id_token"] = self.tamper(original)
                self.id_tokens.append((original, answer["id_token"]))
                response_body = json.dumps(answer).encode()
        self._respond(handler, status, response_headers, response_body)

    @staticmethod
    def _respond(
        handler: BaseHTTPRequestHandler, status: int, headers: list[tuple[str, str]], body: bytes
    ) -> None:
        handler.send_response(status)
        for name, value in headers:
            if name.lower() not in {
                "content-length",
                "transfer-encoding",
                "connection",
                "keep-alive",
                "date",
            }:
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body)
