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


# -- core.blind: the index's keyed tokens and sealed list rows --------------------------------------------
def test_blind_tokens_are_keyed_folded_prefixes_of_3_to_8_characters():
    from pengaduan.core.blind import BlindKeys, prefixes, term_key

    assert prefixes("Pérempuan di") == {"per", "pere", "perem", "peremp", "perempu", "perempua"}
    one, other = BlindKeys(b"a" * 32), BlindKeys(b"b" * 32)
    assert one.tokens(["PEREMPUAN"]) == one.tokens(["perempuan"]) != other.tokens(["perempuan"])
    assert one.check != other.check
    assert term_key("pe") is None and term_key("perempuannya") == "perempua"
    assert one.token("perempua") in one.tokens(["perempuan"])


@pytest.mark.parametrize("fields", [("Jalan rusak é", "@warga", "@wa***ga"), ("a\x00b", "", ""), ("", "", "")])
def test_a_sealed_list_row_opens_only_for_its_case_blob_stamp_and_secret(fields):
    from pengaduan.core.blind import BlindKeys

    keys = BlindKeys(b"a" * 32).for_stamp("1|Asia/Jakarta")
    box = keys.seal_row("261102-AAAAAAA", "b" * 40, *fields)
    assert keys.open_row("261102-AAAAAAA", "b" * 40, box) == fields
    assert fields[0].encode() not in box or not fields[0]
    assert keys.open_row("261102-BBBBBBB", "b" * 40, box) is None
    assert keys.open_row("261102-AAAAAAA", "c" * 40, box) is None
    assert BlindKeys(b"a" * 32).for_stamp("2|Asia/Jakarta").open_row("261102-AAAAAAA", "b" * 40, box) is None
    assert BlindKeys(b"b" * 32).for_stamp("1|Asia/Jakarta").open_row("261102-AAAAAAA", "b" * 40, box) is None
