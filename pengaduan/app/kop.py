"""The reports' letterhead (kop surat): `kop:` of pengaduan.yaml over the package's defaults, and
the logo file kept in the store under kop/, read from what is committed and checked every time.
"""

from __future__ import annotations

from pathlib import Path

from pengaduan.app.context import Desk
from pengaduan.app.staff import manager
from pengaduan.core import logo as logo_check
from pengaduan.core.config import KOP_KEYS, LOGO_DIR, Kop, parse_kop
from pengaduan.core.logo import Logo
from pengaduan.errors import ConfigError, InputError


def current(desk: Desk) -> Kop:
    """The letterhead as the store's configuration says, key by key over the package's defaults."""
    return parse_kop(desk.config.raw.get("kop"), desk.store.default_config().get("kop"))


def logo_at(desk: Desk, kop: Kop, rev: str) -> Logo | None:
    """The logo kop.logo names, as committed at `rev`, checked; None when no logo is set."""
    if not kop.logo:
        return None
    data, size = desk.store.git.file_at(rev, kop.logo, logo_check.LIMIT)
    if size < 0:
        raise ConfigError(
            f"kop.logo menyebut {kop.logo}, tetapi berkas itu tidak ada di store; "
            "pasang dengan 'pengaduan kop ubah --logo BERKAS'"
        )
    if data is None:
        raise ConfigError(f"logo {kop.logo} terlalu besar ({size // 1024} KB, paling besar {logo_check.LIMIT // 1024} KB)")
    try:
        return logo_check.check_logo(data, kop.logo)
    except InputError as exc:
        raise ConfigError(exc.message) from None


def update(desk: Desk, values: dict[str, str], logo_file: Path | None = None, drop_logo: bool = False) -> tuple[Kop, str | None]:
    """Change letterhead fields (YAML keys of KOP_KEYS) and/or the logo, as one configuration commit.

    Returns the new letterhead and the commit (None when nothing changed).
    """
    store = desk.store
    unknown = sorted(set(values) - set(KOP_KEYS.values()) - {"logo"})
    if unknown:
        raise InputError(f"kunci kop tidak dikenal: {', '.join(unknown)}")
    author = manager(desk, "mengubah kop surat")
    before = current(desk)
    kop_data = dict(store.config.raw.get("kop") or {})
    for key, value in values.items():
        kop_data[key] = " ".join(value.split())
    files: dict[str, bytes] = {}
    if logo_file is not None:
        try:
            raw = logo_file.read_bytes() if logo_file.stat().st_size <= logo_check.LIMIT else None
        except OSError as exc:
            raise InputError(f"--logo {logo_file} tidak dapat dibaca ({exc.strerror}); periksa nama berkasnya") from None
        if raw is None:
            raise InputError(f"--logo {logo_file} terlalu besar (paling besar {logo_check.LIMIT // 1024} KB); perkecil gambarnya")
        checked = logo_check.check_logo(raw, logo_file.name)
        rel = f"{LOGO_DIR}/logo.{'svg' if checked.mime == 'image/svg+xml' else 'png'}"
        files[rel] = checked.data
        kop_data["logo"] = rel
    elif drop_logo:
        kop_data["logo"] = ""
    data = {**store.config.raw, "kop": kop_data}
    after = parse_kop(kop_data, store.default_config().get("kop"))
    unchanged_logo = all((store.root / rel).is_file() and (store.root / rel).read_bytes() == b for rel, b in files.items())
    if after == before and unchanged_logo and store.config.raw.get("kop") == kop_data:
        return after, None
    commit = store.save_config(data, "Kop surat laporan diperbarui", author, files)
    desk.forget_config()
    return after, commit
