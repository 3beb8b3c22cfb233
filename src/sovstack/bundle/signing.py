"""Detached signatures over a bundle's manifest: Ed25519 (cryptography) or GOST R 34.10-2012 (gostcrypto)."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from gostcrypto import gosthash, gostsignature

ED25519 = "ed25519"
GOST = "gost-r-34.10-2012-256"
ALGORITHMS = (ED25519, GOST)
GOST_CURVE = "id-tc26-gost-3410-2012-256-paramSetB"
GOST_KEY_TAG = "sovstack-gost-key"  # GOST keys are JSON files (gostcrypto reads no PKCS#8)


class SigningKeyError(Exception):
    """A key file is missing, unreadable or of an unknown kind."""


@dataclass
class Key:
    algorithm: str
    public: bytes
    private: bytes | None = None

    @property
    def key_id(self) -> str:
        return hashlib.sha256(self.algorithm.encode() + b":" + self.public).hexdigest()[:16]


def _gost() -> gostsignature.GOST34102012:
    return gostsignature.new(gostsignature.MODE_256, gostsignature.CURVES_R_1323565_1_024_2019[GOST_CURVE])


def generate(algorithm: str) -> Key:
    if algorithm == ED25519:
        priv = Ed25519PrivateKey.generate()
        return Key(ED25519, _raw_public(priv.public_key()), priv.private_bytes_raw())
    if algorithm == GOST:
        q = gostsignature.CURVES_R_1323565_1_024_2019[GOST_CURVE]["q"]
        d = (secrets.randbelow(q - 1) + 1).to_bytes(32, "big")
        return Key(GOST, bytes(_gost().public_key_generate(bytearray(d))), d)
    raise SigningKeyError(f"unknown signature algorithm {algorithm!r} (use {' or '.join(ALGORITHMS)})")


def write_keys(key: Key, prefix: Path) -> tuple[Path, Path]:
    """PREFIX.key (private, mode 0600, never overwritten) and PREFIX.pub."""
    private, public = prefix.with_name(prefix.name + ".key"), prefix.with_name(prefix.name + ".pub")
    for path in (private, public):
        if path.exists():
            raise SigningKeyError(f"{path}: exists; not overwritten")
    if key.algorithm == ED25519:
        priv = Ed25519PrivateKey.from_private_bytes(key.private or b"")
        priv_text = priv.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())
        pub_text = priv.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    else:
        doc = {GOST_KEY_TAG: GOST, "curve": GOST_CURVE}
        priv_text = (json.dumps({**doc, "private": (key.private or b"").hex()}, indent=2) + "\n").encode()
        pub_text = (json.dumps({**doc, "public": key.public.hex()}, indent=2) + "\n").encode()
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(priv_text)
    public.write_bytes(pub_text)
    return private, public


def load_key(path: Path) -> Key:
    """A private or public key written by `sovstack bundle keygen` (Ed25519 PEM files from OpenSSL work too)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningKeyError(f"{path}: cannot read the key: {exc.strerror or exc}") from exc
    if data.lstrip().startswith(b"{"):
        return _load_gost(path, data)
    try:
        if b"PRIVATE KEY" in data:
            priv = serialization.load_pem_private_key(data, password=None)
            if isinstance(priv, Ed25519PrivateKey):
                return Key(ED25519, _raw_public(priv.public_key()), priv.private_bytes_raw())
        else:
            pub = serialization.load_pem_public_key(data)
            if isinstance(pub, Ed25519PublicKey):
                return Key(ED25519, _raw_public(pub))
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(f"{path}: not a PEM key: {exc}") from exc
    raise SigningKeyError(f"{path}: not an Ed25519 or GOST R 34.10-2012 key")


def _load_gost(path: Path, data: bytes) -> Key:
    try:
        doc = json.loads(data)
        if doc.get(GOST_KEY_TAG) != GOST or doc.get("curve") != GOST_CURVE:
            raise ValueError(f"expected {GOST_KEY_TAG}: {GOST} on curve {GOST_CURVE}")
        if "private" in doc:
            private = bytes.fromhex(doc["private"])
            return Key(GOST, bytes(_gost().public_key_generate(bytearray(private))), private)
        public = bytes.fromhex(doc["public"])
        if len(public) != 64:
            raise ValueError("a public key is 64 bytes")
        return Key(GOST, public)
    except (ValueError, KeyError, TypeError, AttributeError, gostsignature.GOSTSignatureError) as exc:
        raise SigningKeyError(f"{path}: not a GOST R 34.10-2012 key file: {exc}") from exc


def _raw_public(pub: Ed25519PublicKey) -> bytes:
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def sign(key: Key, data: bytes) -> dict[str, str]:
    """The detached signature document (manifest.sig) over `data`."""
    if key.private is None:
        raise SigningKeyError("signing needs the private key (PREFIX.key), not the public one")
    if key.algorithm == ED25519:
        signature = Ed25519PrivateKey.from_private_bytes(key.private).sign(data)
    else:
        digest = gosthash.new("streebog256", data=bytearray(data)).digest()
        signature = bytes(_gost().sign(bytearray(key.private), digest))
    return {"algorithm": key.algorithm, "key_id": key.key_id, "public_key": key.public.hex(),
            "signature": signature.hex(), "signed": "manifest.json"}


def check(doc: dict[str, str], data: bytes, trusted: Key | None) -> tuple[bool, str]:
    """(valid, what was established). With a trusted key the signer is authenticated; without one, the
    signature is only checked against the key it carries."""
    try:
        algorithm, public = doc["algorithm"], bytes.fromhex(doc["public_key"])
        signature = bytes.fromhex(doc["signature"])
    except (KeyError, TypeError, ValueError) as exc:
        return False, f"malformed signature document: {exc}"
    if trusted is not None and (trusted.algorithm != algorithm or trusted.public != public):
        return False, f"signed by key {doc.get('key_id', '?')} ({algorithm}), not by the trusted key {trusted.key_id}"
    key = trusted or Key(algorithm, public)
    if not _valid(key, signature, data):
        return False, f"the {algorithm} signature does not match manifest.json"
    who = "the trusted key" if trusted is not None else "the key it carries (pass --public-key to authenticate)"
    return True, f"{algorithm} signature by key {key.key_id} is valid for {who}"


def _valid(key: Key, signature: bytes, data: bytes) -> bool:
    if key.algorithm == ED25519:
        try:
            Ed25519PublicKey.from_public_bytes(key.public).verify(signature, data)
            return True
        except (InvalidSignature, ValueError):
            return False
    if key.algorithm == GOST:
        digest = gosthash.new("streebog256", data=bytearray(data)).digest()
        try:
            return bool(_gost().verify(bytearray(key.public), digest, bytearray(signature)))
        except gostsignature.GOSTSignatureError:
            return False
    return False
