"""Sealed values: personal data as AES-256-GCM ciphertext inside a case file (case schema 2).

A sealed value is one line of text, so a case file stays plain YAML and the audit compares it as
an opaque string. Each case has its own random 32-byte data key, kept in the key stores of the
machines allowed to hold it and never in the history. The data key is also an X25519 private
key; its public half is written in the case file (`kunci_publik`), so a machine that does not
hold the key can still seal a new value for the case (a step's answer recorded there) that only
holders of the key can open:

- `sandi:1:<base64url(nonce | ciphertext | tag)>`: AES-256-GCM under a key derived from the data
  key (what a key holder writes; opening it costs one AES operation);
- `sandi:2:<base64url(ephemeral public | nonce | ciphertext | tag)>`: sealed to the case's public
  key (X25519 + HKDF-SHA256 + AES-256-GCM), what a machine without the key writes.

The case ID and the field's name are the associated data of both: a ciphertext moved to another
case or another field does not open.

The nonce is synthetic (an HMAC of the field and the plaintext under a key derived from the data
key, as in SIV constructions): sealing the same value of the same field of the same case again
gives the very same text. So a value that did not change never looks changed to the audit, and a
history rewritten by the migration seals every version of a field identically. The price is that
two equal values of one field of one case are visibly equal -- which the history shows anyway.

Pure: no files, no git. `cryptography` is imported only when something is sealed or opened.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from functools import lru_cache
from typing import Any

from pengaduan.errors import PengaduanError

PREFIX = "sandi:1:"
PREFIX_PUBLIC = "sandi:2:"
_PREFIXES = (PREFIX, PREFIX_PUBLIC)
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
# Every sealed text is at least the prefix, a nonce and a tag in base64.
_MIN_LENGTH = len(PREFIX) + (NONCE_BYTES + TAG_BYTES) * 4 // 3


class SealError(PengaduanError):
    """A sealed value does not open with its case's key: edited, or moved from another case or field."""


def new_key() -> bytes:
    """A fresh random data key for one case."""
    return os.urandom(KEY_BYTES)


def is_sealed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(_PREFIXES)


def _raw(value: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(value[len(PREFIX) :].encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return None


def well_formed(value: Any) -> bool:
    """True when value has the shape of a sealed value (what a machine without the key can check)."""
    if not is_sealed(value) or len(value) < _MIN_LENGTH:
        return False
    raw = _raw(value)
    least = NONCE_BYTES + TAG_BYTES + (32 if value.startswith(PREFIX_PUBLIC) else 0)
    return raw is not None and len(raw) >= least


def case_public_key(key: bytes) -> str:
    """The public half of a case's data key (base64), written in the case file."""
    return base64.b64encode(public_of(key)).decode("ascii")


def associated_data(case_id: str, field: str) -> bytes:
    return f"pengaduan/kasus/1\0{case_id}\0{field}".encode()


@lru_cache(maxsize=4096)
def _subkeys(key: bytes) -> tuple[bytes, bytes]:
    """(encryption key, nonce key), both derived from the data key."""
    enc = hmac.new(key, b"pengaduan enkripsi", hashlib.sha256).digest()
    mac = hmac.new(key, b"pengaduan nonce", hashlib.sha256).digest()
    return enc, mac


@lru_cache(maxsize=4096)
def _cipher(enc_key: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(enc_key)


def seal(key: bytes, case_id: str, field: str, plaintext: str) -> str:
    """The sealed text of one value of one field of one case."""
    enc, mac = _subkeys(key)
    aad = associated_data(case_id, field)
    data = plaintext.encode("utf-8")
    nonce = hmac.new(mac, aad + b"\0" + data, hashlib.sha256).digest()[:NONCE_BYTES]
    sealed = _cipher(enc).encrypt(nonce, data, aad)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def seal_to(public: str, case_id: str, field: str, plaintext: str) -> str:
    """Seal a value to a case's public key: for a machine that does not hold the case's key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    recipient = base64.b64decode(public)
    ephemeral = X25519PrivateKey.generate()
    eph_pub = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    nonce = os.urandom(NONCE_BYTES)
    aad = associated_data(case_id, field)
    sealed = AESGCM(_wrap_key(shared, eph_pub, recipient)).encrypt(nonce, plaintext.encode("utf-8"), aad)
    return PREFIX_PUBLIC + base64.urlsafe_b64encode(eph_pub + nonce + sealed).decode("ascii")


def open_sealed(key: bytes, case_id: str, field: str, value: str) -> str:
    """The plaintext of a sealed value, or SealError saying it does not belong to this case and field."""
    public = value.startswith(PREFIX_PUBLIC) if isinstance(value, str) else False
    raw = _raw(value) if is_sealed(value) and len(value) >= _MIN_LENGTH else None
    if raw is None or len(raw) < NONCE_BYTES + TAG_BYTES + (32 if public else 0):
        raise SealError(f"kasus {case_id}: kolom {field} bukan data terenkripsi yang sah (bentuknya rusak)")
    aad = associated_data(case_id, field)
    invalid_tag = _invalid_tag()
    try:
        if public:
            from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            eph_pub, rest = raw[:32], raw[32:]
            shared = X25519PrivateKey.from_private_bytes(key).exchange(X25519PublicKey.from_public_bytes(eph_pub))
            cipher = AESGCM(_wrap_key(shared, eph_pub, public_of(key)))
            data = cipher.decrypt(rest[:NONCE_BYTES], rest[NONCE_BYTES:], aad)
        else:
            enc, _ = _subkeys(key)
            data = _cipher(enc).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
    except invalid_tag:
        raise SealError(
            f"kasus {case_id}: kolom {field} tidak dapat dibuka dengan kunci kasus ini — data terenkripsinya diubah, "
            "atau dipindah dari kasus atau kolom lain; periksa 'pengaduan audit' dan 'pengaduan riwayat'"
        ) from None
    return data.decode("utf-8")


@lru_cache(maxsize=1)
def _invalid_tag() -> type[Exception]:
    from cryptography.exceptions import InvalidTag

    return InvalidTag


def seal_json(key: bytes, case_id: str, field: str, value: Any) -> str:
    return seal(key, case_id, field, json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")))


def open_json(key: bytes, case_id: str, field: str, value: str) -> Any:
    text = open_sealed(key, case_id, field, value)
    try:
        return json.loads(text)
    except ValueError:
        raise SealError(f"kasus {case_id}: kolom {field} terbuka tetapi isinya bukan data yang dikenal") from None


# -- data keys wrapped to a machine (X25519 + HKDF-SHA256 + AES-256-GCM) --------------------------
WRAP_VERSION = b"\x01"
_WRAP_INFO = b"pengaduan kunci kasus v1"


def new_machine_key() -> tuple[bytes, bytes]:
    """(private, public) raw 32-byte X25519 keys for a machine."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    private = X25519PrivateKey.generate()
    raw = serialization.Encoding.Raw
    priv = private.private_bytes(raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return priv, private.public_key().public_bytes(raw, serialization.PublicFormat.Raw)


@lru_cache(maxsize=4096)
def public_of(private: bytes) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    raw = serialization.Encoding.Raw
    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes(raw, serialization.PublicFormat.Raw)


def fingerprint(public: bytes) -> str:
    """A short, readable fingerprint of a machine's public key, to compare over the phone."""
    digest = hashlib.sha256(b"pengaduan mesin\0" + public).hexdigest()[:20].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 20, 4))


def _wrap_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(hashes.SHA256(), 32, salt=ephemeral + recipient, info=_WRAP_INFO).derive(shared)


def _wrap_aad(case_id: str, machine: str) -> bytes:
    return f"pengaduan/bungkus/1\0{case_id}\0{machine}".encode()


def wrap(key: bytes, case_id: str, machine: str, public: bytes) -> bytes:
    """A case's data key encrypted to one machine's public key (only that machine opens it)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    ephemeral = X25519PrivateKey.generate()
    eph_pub = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_wrap_key(shared, eph_pub, public)).encrypt(nonce, key, _wrap_aad(case_id, machine))
    return WRAP_VERSION + eph_pub + nonce + sealed


def unwrap(blob: bytes, case_id: str, machine: str, private: bytes) -> bytes:
    """The data key a wrap holds for this machine; SealError when it is not for this case or machine."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(blob) != 1 + 32 + NONCE_BYTES + KEY_BYTES + TAG_BYTES or blob[:1] != WRAP_VERSION:
        raise SealError(f"bungkus kunci kasus {case_id} untuk mesin {machine} rusak")
    eph_pub, nonce, sealed = blob[1:33], blob[33 : 33 + NONCE_BYTES], blob[33 + NONCE_BYTES :]
    me = X25519PrivateKey.from_private_bytes(private)
    shared = me.exchange(X25519PublicKey.from_public_bytes(eph_pub))
    try:
        return AESGCM(_wrap_key(shared, eph_pub, public_of(private))).decrypt(nonce, sealed, _wrap_aad(case_id, machine))
    except InvalidTag:
        raise SealError(f"bungkus kunci kasus {case_id} tidak dapat dibuka oleh mesin {machine}") from None


# -- passphrase-protected backups (scrypt + AES-256-GCM) ---------------------------------------
BACKUP_MAGIC = b"pengaduan-cadangan-kunci 1\n"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


def _phrase_key(phrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(phrase.encode("utf-8"))


def lock_with_phrase(data: bytes, phrase: str) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(16), os.urandom(NONCE_BYTES)
    header = {"kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "garam": base64.b64encode(salt).decode()}
    head = json.dumps(header, sort_keys=True).encode() + b"\n"
    sealed = AESGCM(_phrase_key(phrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)).encrypt(nonce, data, BACKUP_MAGIC + head)
    return BACKUP_MAGIC + head + nonce + sealed


def unlock_with_phrase(blob: bytes, phrase: str) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not blob.startswith(BACKUP_MAGIC):
        raise SealError("berkas ini bukan cadangan kunci pengaduan ('pengaduan kunci ekspor')")
    rest = blob[len(BACKUP_MAGIC) :]
    line, _, body = rest.partition(b"\n")
    try:
        header = json.loads(line)
        n, r, p = int(header["n"]), int(header["r"]), int(header["p"])
        salt = base64.b64decode(header["garam"])
    except (ValueError, KeyError, TypeError):
        raise SealError("kepala berkas cadangan kunci rusak") from None
    if not (2**10 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16) or len(body) < NONCE_BYTES + TAG_BYTES:
        raise SealError("berkas cadangan kunci rusak (parameter scrypt di luar batas)")
    key = _phrase_key(phrase, salt, n, r, p)
    try:
        return AESGCM(key).decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], BACKUP_MAGIC + line + b"\n")
    except InvalidTag:
        raise SealError("frasa sandi salah, atau berkas cadangan kunci diubah") from None
