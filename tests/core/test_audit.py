"""core/audit.py's small pure pieces, and the roster fields the audit relies on."""

from __future__ import annotations

import subprocess

import pytest

from pengaduan.core.audit import Signature, signature_problem, ssh_fingerprint, staff_keys
from pengaduan.core.config import Staff, load_config, parse_staff
from pengaduan.errors import ConfigError
from pengaduan.store.commits import parse_trailers


def test_trailers_come_from_the_last_paragraph_only():
    message = (
        "Kasus: bukan trailer di subjek\n\nIsi: juga bukan, paragraf tengah\n\nKasus: 261102-ABCDEFG\nLangkah: 2\nLangkah: 3\n"
    )
    assert parse_trailers(message) == {"Kasus": ["261102-ABCDEFG"], "Langkah": ["2", "3"]}
    assert parse_trailers("Kasus: hanya subjek") == {}


def test_ssh_fingerprint_matches_ssh_keygen(tmp_path):
    key = tmp_path / "k"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    listed = subprocess.run(["ssh-keygen", "-lf", f"{key}.pub"], capture_output=True, text=True, check=True).stdout
    assert ssh_fingerprint(key.with_suffix(".pub").read_text()) == listed.split()[1]


def _staff(**keys: str) -> Staff:
    return parse_staff({"kode": "ani", "nama": "Ani", "peran": ["admin"], **keys})


KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGk6cMmfOxvIrF6cPdq2QyRzI3kIqtCh1YwBqfHq0Xg9 ani@laptop"


def test_roster_keys_round_trip_and_are_checked():
    staff = _staff(kunci_ssh=KEY, kunci_gpg="0123 4567 89ab cdef 0123 4567 89AB CDEF 0123 4567")
    assert staff.to_dict()["kunci_ssh"] == KEY and staff.gpg_key == "0123456789ABCDEF0123456789ABCDEF01234567"
    assert parse_staff(staff.to_dict()) == staff
    assert staff_keys(staff) == {ssh_fingerprint(KEY), staff.gpg_key}
    with pytest.raises(ConfigError, match="kunci_ssh petugas 'ani' bukan kunci publik OpenSSH"):
        _staff(kunci_ssh="ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIGk6cMmfOxvIrF6cPdq2QyRzI3kIqtCh1YwBqfHq0Xg9")
    with pytest.raises(ConfigError, match="kunci_gpg"):
        _staff(kunci_gpg="bukan-sidik-jari")


def test_time_tolerance_is_configurable_and_checked():
    assert load_config({}).time_tolerance == 120
    assert load_config({"toleransi_waktu_detik": 5}).time_tolerance == 5
    with pytest.raises(ConfigError, match="toleransi_waktu_detik"):
        load_config({"toleransi_waktu_detik": "lama"})


@pytest.mark.parametrize(
    ("status", "key", "expected"),
    [
        ("N", "", "commit tidak ditandatangani"),
        ("B", "", "tanda tangan tidak sah"),
        ("E", "", "tidak dapat diperiksa"),
        ("R", "", "kedaluwarsa atau dicabut"),
        ("G", ssh_fingerprint(KEY), None),
        ("U", ssh_fingerprint(KEY), None),  # git does not know the key; the roster does
        ("G", "SHA256:lain", "bukan milik penulis 'ani'"),
    ],
)
def test_signature_verdicts(status, key, expected):
    problem = signature_problem(Signature(status, key), _staff(kunci_ssh=KEY))
    assert problem == expected if expected is None else expected in problem


def test_signature_of_staff_without_registered_key():
    assert "belum punya kunci_ssh" in signature_problem(Signature("G", "SHA256:x"), _staff())
