"""Sealed values, wrapped keys and passphrase backups (core/sealed.py)."""

from __future__ import annotations

import pytest

from pengaduan.core import sealed


def test_a_sealed_value_opens_only_for_its_case_and_field():
    key = sealed.new_key()
    token = sealed.seal(key, "261102-AAAAAAA", "isi", "Anak saya dipukul")
    assert sealed.is_sealed(token) and sealed.well_formed(token) and "dipukul" not in token
    assert sealed.open_sealed(key, "261102-AAAAAAA", "isi", token) == "Anak saya dipukul"
    assert sealed.seal(key, "261102-AAAAAAA", "isi", "Anak saya dipukul") == token  # unchanged value, same text
    for case_id, field in (("261102-BBBBBBB", "isi"), ("261102-AAAAAAA", "akun")):
        with pytest.raises(sealed.SealError, match="tidak dapat dibuka"):
            sealed.open_sealed(key, case_id, field, token)
    with pytest.raises(sealed.SealError):
        sealed.open_sealed(sealed.new_key(), "261102-AAAAAAA", "isi", token)
    with pytest.raises(sealed.SealError, match="bentuknya rusak"):
        sealed.open_sealed(key, "261102-AAAAAAA", "isi", "sandi:1:!!")


def test_a_value_sealed_to_the_cases_public_key_opens_with_its_key():
    key = sealed.new_key()
    token = sealed.seal_to(sealed.case_public_key(key), "261102-AAAAAAA", "riwayat.2.jawaban", "Kami telepon")
    assert token.startswith(sealed.PREFIX_PUBLIC)
    assert sealed.open_sealed(key, "261102-AAAAAAA", "riwayat.2.jawaban", token) == "Kami telepon"
    with pytest.raises(sealed.SealError):
        sealed.open_sealed(key, "261102-AAAAAAA", "riwayat.3.jawaban", token)


def test_a_wrapped_key_opens_only_for_its_machine_and_case():
    private, public = sealed.new_machine_key()
    other, _ = sealed.new_machine_key()
    key = sealed.new_key()
    blob = sealed.wrap(key, "261102-AAAAAAA", "mesin-a", public)
    assert sealed.unwrap(blob, "261102-AAAAAAA", "mesin-a", private) == key
    for case_id, machine, secret in (("261102-BBBBBBB", "mesin-a", private), ("261102-AAAAAAA", "mesin-b", private),
                                     ("261102-AAAAAAA", "mesin-a", other)):  # fmt: skip
        with pytest.raises(sealed.SealError):
            sealed.unwrap(blob, case_id, machine, secret)


def test_a_backup_opens_only_with_its_passphrase():
    blob = sealed.lock_with_phrase(b'{"kunci": {}}', "frasa yang panjang")
    assert sealed.unlock_with_phrase(blob, "frasa yang panjang") == b'{"kunci": {}}'
    with pytest.raises(sealed.SealError, match="frasa sandi salah"):
        sealed.unlock_with_phrase(blob, "frasa lain")
    with pytest.raises(sealed.SealError, match="bukan cadangan kunci"):
        sealed.unlock_with_phrase(b"apa saja", "frasa yang panjang")
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(sealed.SealError):
        sealed.unlock_with_phrase(tampered, "frasa yang panjang")
