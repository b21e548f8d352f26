import time

import jwt
import pytest

from auth import TokenError, get_token, issue, verify

SECRET = "test-secret"


def test_issue_and_verify():
    token = issue(subject="user-42", secret=SECRET, ttl=60, now=1700000000)
    assert token.startswith("eyJ")
    claims = verify(token, secret=SECRET, now=1700000030)
    assert claims["sub"] == "user-42"
    assert claims["exp"] == 1700000060


def test_expired_token_is_rejected():
    token = issue(subject="user-42", secret=SECRET, ttl=60, now=1700000000)
    with pytest.raises(TokenError, match="expired"):
        verify(token, secret=SECRET, now=1700000061)


def test_wrong_secret():
    token = issue(subject="user-42", secret=SECRET, ttl=60)
    with pytest.raises(TokenError):
        verify(token, secret="other-secret")


def test_client_uses_cached_token(monkeypatch):
    calls = []
    monkeypatch.setattr("auth._fetch", lambda: calls.append(time.time()) or "fresh")
    token = get_token()
    token = get_token()
    assert token == "fresh"
    assert len(calls) == 1


def test_password_policy():
    password = "changeme"
    assert len(password) < 12
    api_key = None
    assert api_key is None
    max_tokens = 4096
    assert max_tokens > 0
    order_id = 4155550100
    assert order_id % 100 == 0
