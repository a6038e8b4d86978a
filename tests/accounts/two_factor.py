"""TOTP computed in the tests, independently of the application (RFC 6238: HMAC-SHA1
over the 30-second counter, dynamic truncation, six digits), and the steps a user
takes on the pages to set up a second factor and to sign in with one."""

import base64
import hashlib
import hmac
import re
import struct
import time

from django.test import Client

LOGIN = "/accounts/login/"
LOGIN_CODE = "/accounts/login/code/"
SECURITY = "/accounts/security/"
ENABLE = "/accounts/security/two-factor/"
PASSWORD = "suunta-demo"


def totp(secret: str, *, step: int = 0, at: float | None = None) -> str:
    key = base64.b32decode(secret.replace(" ", ""), casefold=True)
    counter = int((time.time() if at is None else at) // 30) + step
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def wrong_code(secret: str) -> str:
    """A code of a period far from now: never accepted."""
    return totp(secret, step=7)


def secret_on_page(html: str) -> str:
    return re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")


def recovery_codes_on_page(html: str) -> list[str]:
    return re.findall(r"<li><code>(\d{8})</code></li>", html)


def login(client: Client, username: str, password: str = PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def logged_in(username: str) -> Client:
    client = Client()
    response = login(client, username)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def enable(client: Client) -> tuple[str, list[str]]:
    """Set up TOTP on the page as a user does: read the key, type a code made with it."""
    secret = secret_on_page(client.get(ENABLE).content.decode())
    response = client.post(ENABLE, {"code": totp(secret)})
    assert response.status_code == 200
    codes = recovery_codes_on_page(response.content.decode())
    assert len(codes) == 10
    return secret, codes
