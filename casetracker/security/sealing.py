"""Sealing reports to the server: what a device's outbox holds it cannot read back.

A page encrypts a report to the server's public key before storing it
(static/js/monitor-device.js): ECDH on P-256 with a fresh key pair per report,
HKDF-SHA256 to an AES-256-GCM key, the signed-in user's id as associated data.
Only the server holds the private key, so a seized phone's storage yields
ciphertext; and a report sealed by one account cannot be sent as another's.

The private keys come from settings.OUTBOX_SEALING_KEYS (secrets, newest first;
derived from SECRET_KEY when empty). Pages seal to the first; every key opens
what was sealed to it (each sealed entry names its key), so rotating is: put a
new secret first, keep the old one until no device can hold an entry sealed to
it (a few days), then drop it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

INFO = b"casetracker outbox v1"
_CURVE_ORDER = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)


class Unreadable(ValueError):
    """Not a sealed entry this server can open (tampered, another user's, or an
    old key that was dropped)."""


@dataclass(frozen=True)
class SealingKey:
    kid: str
    private: ec.EllipticCurvePrivateKey

    @property
    def public_spki_b64(self) -> str:
        spki = self.private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return base64.b64encode(spki).decode()


def _derive(secret: str) -> SealingKey:
    seed = HKDF(
        algorithm=hashes.SHA256(), length=48, salt=None, info=b"casetracker sealing key"
    ).derive(secret.encode())
    # 48 bytes reduced modulo the order: a uniform scalar in [1, n - 1].
    scalar = int.from_bytes(seed, "big") % (_CURVE_ORDER - 1) + 1
    private = ec.derive_private_key(scalar, ec.SECP256R1())
    point = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return SealingKey(kid=hashlib.sha256(point).hexdigest()[:16], private=private)


@lru_cache(maxsize=8)
def _keys(secrets: tuple[str, ...]) -> tuple[SealingKey, ...]:
    return tuple(_derive(secret) for secret in secrets)


def keys() -> tuple[SealingKey, ...]:
    secrets = tuple(settings.OUTBOX_SEALING_KEYS) or (f"from-secret-key:{settings.SECRET_KEY}",)
    return _keys(secrets)


def current_key() -> SealingKey:
    return keys()[0]


def _b64(value) -> bytes:
    if not isinstance(value, str) or len(value) > 2_000_000:
        raise Unreadable("not base64")
    try:
        return base64.b64decode(value, validate=True)
    except ValueError as error:
        raise Unreadable("not base64") from error


def associated_data(user) -> bytes:
    return f"user:{user.pk}".encode()


def unseal(sealed: str, *, user) -> str:
    """The plaintext of a sealed entry (JSON text, as the page wrote it) for this user."""
    try:
        envelope = json.loads(sealed)
    except (TypeError, ValueError) as error:
        raise Unreadable("not JSON") from error
    if not isinstance(envelope, dict) or envelope.get("v") != 1:
        raise Unreadable("unknown version")
    key = next((k for k in keys() if k.kid == envelope.get("kid")), None)
    if key is None:
        raise Unreadable("unknown key")
    try:
        ephemeral = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), _b64(envelope.get("epk"))
        )
    except ValueError as error:
        raise Unreadable("bad ephemeral key") from error
    shared = key.private.exchange(ec.ECDH(), ephemeral)
    aes_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"", info=INFO).derive(shared)
    iv = _b64(envelope.get("iv"))
    if len(iv) != 12:
        raise Unreadable("bad iv")
    try:
        plaintext = AESGCM(aes_key).decrypt(iv, _b64(envelope.get("ct")), associated_data(user))
    except InvalidTag as error:
        raise Unreadable("does not open") from error
    try:
        return plaintext.decode()
    except UnicodeDecodeError as error:
        raise Unreadable("not text") from error


def seal(plaintext: str, *, user, key: SealingKey | None = None) -> str:
    """What the page does, in Python: for tests and for scripts that feed the outbox."""
    import os

    key = key or current_key()
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    shared = ephemeral.exchange(ec.ECDH(), key.private.public_key())
    aes_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"", info=INFO).derive(shared)
    iv = os.urandom(12)
    ct = AESGCM(aes_key).encrypt(iv, plaintext.encode(), associated_data(user))
    epk = ephemeral.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return json.dumps(
        {
            "v": 1,
            "kid": key.kid,
            "epk": base64.b64encode(epk).decode(),
            "iv": base64.b64encode(iv).decode(),
            "ct": base64.b64encode(ct).decode(),
        }
    )
