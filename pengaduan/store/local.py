"""This machine's own settings: what it runs and how it signs. Never in the shared store.

What a machine runs (the notification command and its time limit) lives in
.git/pengaduan/lokal.yaml; how it signs and who works at it live in the store's own git config
(user.signingkey, gpg.format, user.email). Neither is ever pushed or fetched, so no commit from
a remote can change them. `pengaduan lokal` shows and sets them. lokal.yaml is not derived data:
unlike the rest of .git/pengaduan/ it must not be deleted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pengaduan.errors import InputError, StoreError
from pengaduan.store import yamlio
from pengaduan.store.git import Git

FILE = "lokal.yaml"
MAX_TEXT = 4000


@dataclass(frozen=True)
class Key:
    name: str
    help: str
    git_key: str | None = None  # kept in the store's git config instead of lokal.yaml
    number: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()


KEYS: dict[str, Key] = {
    k.name: k
    for k in (
        Key("notifikasi.perintah", "perintah shell pengirim pengingat 'eskalasi --kirim' (isi dari variabel PENGADUAN_*)"),
        Key("notifikasi.batas_detik", "batas waktu satu perintah pengingat, detik", number=True, default=60),
        Key("tanda_tangan.kunci", "kunci penanda tangan commit (berkas kunci SSH atau id kunci OpenPGP)", "user.signingkey"),
        Key("tanda_tangan.format", "jenis kunci: ssh, openpgp atau x509", "gpg.format", choices=("ssh", "openpgp", "x509")),
        Key("petugas.email", "email petugas yang bekerja di mesin ini (sama dengan di daftar petugas)", "user.email"),
        Key("petugas.nama", "nama petugas untuk commit dari mesin ini", "user.name"),
        Key("laporan.sertifikat", "berkas PKCS#12 penanda tangan laporan bulanan final (frasanya: PENGADUAN_P12_FRASA)"),
        Key("laporan.akar", "sertifikat akar (PEM/DER) yang dipercaya saat memeriksa tanda tangan laporan"),
        Key("meta.token", "token akses Graph API untuk 'pengaduan tarik meta' (rahasia mesin ini)"),
        Key("meta.api", "alamat Graph API untuk 'tarik meta' (bawaan https://graph.facebook.com/v21.0)"),
    )
}


def _key(name: str) -> Key:
    key = KEYS.get(name)
    if key is None:
        raise InputError(f"kunci lokal '{name}' tidak dikenal; yang dikenal: {', '.join(KEYS)}")
    return key


class LocalSettings:
    def __init__(self, git: Git, folder: Path) -> None:
        self.git = git
        self.path = folder / FILE

    def _file(self) -> dict[str, Any]:
        if not self.path.is_file():
            return {}
        data = yamlio.load_file(self.path, str(self.path))
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise StoreError(f"{self.path} tidak sah: isinya harus pemetaan; perbaiki atau atur ulang dengan 'pengaduan lokal'")
        return data

    def get(self, name: str) -> Any:
        """The value set on this machine (the default when none is)."""
        key = _key(name)
        if key.git_key:
            return self.git.config_value(key.git_key, local=True)
        value = self._file().get(name)
        return key.default if value is None else value

    def is_set(self, name: str) -> bool:
        key = _key(name)
        if key.git_key:
            return self.git.config_value(key.git_key, local=True) is not None
        return self._file().get(name) is not None

    def items(self) -> list[tuple[str, Any, bool]]:
        """(key, value, set on this machine) for every key."""
        return [(name, self.get(name), self.is_set(name)) for name in KEYS]

    def set(self, name: str, text: str) -> Any:
        key = _key(name)
        value: Any = text.strip()
        if not value:
            raise InputError(f"nilai {name} kosong; untuk menghapusnya pakai 'pengaduan lokal {name} --hapus'")
        if len(value) > MAX_TEXT or "\n" in value or "\0" in value:
            raise InputError(f"nilai {name} harus satu baris, paling banyak {MAX_TEXT} karakter")
        if key.number:
            try:
                value = float(value)
            except ValueError:
                value = -1.0
            if value <= 0:
                raise InputError(f"nilai {name} harus angka lebih dari 0, contoh: 60")
            value = int(value) if value == int(value) else value
        if key.choices and value not in key.choices:
            raise InputError(f"nilai {name} '{value}' tidak dikenal; pilih: {', '.join(key.choices)}")
        if key.git_key:
            self.git.set_config(key.git_key, str(value))
            return value
        data = self._file()
        data[name] = value
        self._write(data)
        return value

    def unset(self, name: str) -> None:
        key = _key(name)
        if key.git_key:
            self.git.unset_config(key.git_key)
            return
        data = self._file()
        if data.pop(name, None) is not None:
            self._write(data)

    def _write(self, data: dict[str, Any]) -> None:
        header = "# Pengaturan mesin ini (pengaduan lokal); tidak pernah dikirim lewat sinkron. Jangan dihapus.\n"
        yamlio.write_atomic(self.path, (header + yamlio.dump(dict(sorted(data.items())))).encode("utf-8"))
        os.chmod(self.path, 0o600)  # it may hold a secret (meta.token): this user's alone
