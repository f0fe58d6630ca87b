"""Passwords (argon2), random tokens, and the login rate limit. No web framework here."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane): ~50 ms a sign-in on a small server.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (any argon2 parameters: older hashes still work)."""
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A random token for a cookie, a bearer header or a CSRF field (256 bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a session token: its sha256, so a leaked table opens nothing."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_password() -> str:
    """A one-time password for a new account: 16 characters, easy to type (no 0/O, 1/l)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two tokens; ``None`` or empty never matches."""
    if not a or not b:
        return False
    return secrets.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


class RateLimiter:
    """Failed sign-ins in the last ``window`` seconds: at most ``limit`` per user name, and at
    most ``address_limit`` per client address (higher: an office behind one NAT address must not
    be locked out by one clerk's typos). A success clears the user name's count only."""

    def __init__(self, limit: int = 5, window: float = 300.0, address_limit: int | None = None) -> None:
        self.limit = limit
        self.address_limit = address_limit if address_limit is not None else limit * 10
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(len(self._recent(k, now)) >= self._limit(k) for k in keys)

    def _limit(self, key: str) -> int:
        return self.address_limit if key.startswith("ip:") else self.limit

    def fail(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)
            if len(self._failures) > 100_000:  # bounded memory under a flood of names
                self._failures.clear()

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
