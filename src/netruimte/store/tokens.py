"""Bearer tokens: `nrt_<key id>_<secret>`; the store keeps only a salted scrypt hash.

The key id (public) finds the row; the secret is checked with scrypt and a constant-time
compare. The secret has 256 random bits, so the hash need not slow down guessing the way a
password hash must; scrypt at n=2^12, r=8 (4 MiB, tens of ms) is defence in depth should the
table leak. The parameters are stored with each hash, so they can be raised later. A verified
token is remembered in memory by its SHA-256 so the next request skips scrypt; revocation
still takes effect at once because the row is read on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass

PREFIX = "nrt"
SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_LEN = 2**12, 8, 1, 32
KDF = f"scrypt:n={SCRYPT_N},r={SCRYPT_R},p={SCRYPT_P}"


@dataclass(frozen=True)
class NewToken:
    """A freshly made token: `token` is shown once to the operator; the rest is stored."""

    token: str
    key_id: str
    secret_hash: bytes
    salt: bytes
    kdf: str = KDF


def _kdf_params(kdf: str) -> tuple[int, int, int] | None:
    """(n, r, p) of a stored "scrypt:n=..,r=..,p=.." string, None when not understood."""
    name, _, rest = kdf.partition(":")
    try:
        fields = dict(part.split("=", 1) for part in rest.split(","))
        n, r, p = int(fields["n"]), int(fields["r"]), int(fields["p"])
    except (KeyError, ValueError):
        return None
    valid_n = 2 <= n <= 2**20 and n & (n - 1) == 0
    if name != "scrypt" or not (valid_n and 1 <= r <= 32 and 1 <= p <= 16):
        return None
    return n, r, p


def hash_secret(secret: str, salt: bytes, kdf: str = KDF) -> bytes:
    """scrypt of the secret with the given salt and parameters."""
    params = _kdf_params(kdf)
    if params is None:
        raise ValueError(f"unknown key derivation {kdf!r}")
    n, r, p = params
    return hashlib.scrypt(
        secret.encode(), salt=salt, n=n, r=r, p=p, dklen=SCRYPT_LEN, maxmem=128 * 1024 * 1024
    )


def new_token() -> NewToken:
    """A random token (256-bit secret) and its stored form."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_bytes(16)
    return NewToken(f"{PREFIX}_{key_id}_{secret}", key_id, hash_secret(secret, salt), salt)


def parse_token(token: str) -> tuple[str, str] | None:
    """(key id, secret) of a well-formed token, else None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    if len(parts[1]) > 32 or len(parts[2]) > 128:
        return None
    return parts[1], parts[2]


class Verifier:
    """Checks secrets against stored hashes, remembering verified tokens in memory."""

    def __init__(self) -> None:
        self._verified: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def verify(self, key_id: str, secret: str, secret_hash: bytes, salt: bytes, kdf: str) -> bool:
        """True when `secret` matches the stored hash of token `key_id`."""
        digest = hashlib.sha256(f"{key_id}\x00{secret}\x00".encode() + secret_hash).digest()
        with self._lock:
            known = self._verified.get(key_id)
        if known is not None and hmac.compare_digest(known, digest):
            return True
        if _kdf_params(kdf) is None:
            return False
        if not hmac.compare_digest(hash_secret(secret, salt, kdf), secret_hash):
            return False
        with self._lock:
            self._verified[key_id] = digest
        return True
