"""The store configuration (`pengaduan.yaml`): agency, clock, lists of valid values, roster."""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pengaduan.errors import ConfigError, InputError

if TYPE_CHECKING:
    from pengaduan.core.sop import Sop

# The roles a roster may hold, and who manages it, are the SOP's (sop.yaml `peran`, `peran_luar`,
# `pengelola`).
# Default of `batas.berkas_kb`: far above a real case (64 KB of text, a dozen answers).
FILE_LIMIT_KB = 1024
# Default of `batas.tunda_hari_kerja` (LAPOR!: closed 10 working days after a follow-up nobody answers).
PAUSE_LIMIT_DAYS = 5
DUPLICATE_DAYS = 3
META_KEYS = ("instagram_id", "halaman_id")
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,31}\Z")  # \Z: "$" would let a trailing newline in
# NIP (Nomor Induk Pegawai) of a civil servant: 18 digits, written 8-6-1-3 (birth date, appointment
# month, sex, number). Spaces, dots and dashes typed between the groups are dropped.
NIP_RE = re.compile(r"^[0-9]{18}\Z")  # ASCII digits only (\d takes any script's)
NIP_SEPARATORS = re.compile(r"[\s.\-]")
# A letterhead or roster text: one line, bounded (it is printed on every report).
TEXT_LIMIT = 200
DEFAULT_SENSITIVE = ("kekerasan-anak", "kekerasan-perempuan", "tpks")
MACHINE_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}\Z")


@dataclass(frozen=True)
class Machine:
    """A machine allowed to hold the cases' data keys: its name and X25519 public key (base64)."""

    name: str
    public_key: str
    authorised_by: str = ""
    authorised_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"nama": self.name, "kunci_publik": self.public_key}
        if self.authorised_by:
            data["diizinkan_oleh"] = self.authorised_by
        if self.authorised_at:
            data["waktu"] = self.authorised_at
        return data


def check_machine_name(name: str) -> str:
    if not MACHINE_RE.match(name):
        raise InputError(
            f"nama mesin '{name}' tidak sah; pakai huruf kecil, angka, titik, garis bawah atau tanda hubung "
            "(maks. 63 karakter), contoh: laptop-ani"
        )
    return name


def parse_public_key(text: str, where: str) -> str:
    """An X25519 public key as base64 of its 32 bytes; refused otherwise."""
    value = "".join(str(text or "").split())
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise ConfigError(f"{where}: kunci publik mesin harus 32 byte X25519 dalam base64 (keluaran 'pengaduan kunci minta')")
    return value


def _machines(data: dict[str, Any]) -> tuple[Machine, ...]:
    items = data.get("mesin") or []
    if not isinstance(items, list):
        raise ConfigError("pengaduan.yaml tidak sah: 'mesin' harus daftar (nama, kunci_publik)")
    out = []
    for item in items:
        if not isinstance(item, dict) or not item.get("nama") or not item.get("kunci_publik"):
            raise ConfigError("pengaduan.yaml tidak sah: setiap mesin perlu 'nama' dan 'kunci_publik'")
        name = str(item["nama"])
        if not MACHINE_RE.match(name):
            raise ConfigError(f"pengaduan.yaml tidak sah: nama mesin '{name}' tidak sah")
        key = parse_public_key(str(item["kunci_publik"]), f"pengaduan.yaml tidak sah: mesin '{name}'")
        out.append(Machine(name, key, str(item.get("diizinkan_oleh") or ""), str(item.get("waktu") or "")))
    if len({m.name for m in out}) != len(out):
        raise ConfigError("pengaduan.yaml tidak sah: nama mesin di 'mesin' tidak boleh ganda")
    return tuple(out)


def _retention(data: dict[str, Any]) -> int | None:
    value = data.get("retensi_bulan")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError("pengaduan.yaml tidak sah: 'retensi_bulan' harus bilangan bulat bulan (lebih dari 0), atau kosong")
    return value


@dataclass(frozen=True)
class Staff:
    code: str
    name: str
    roles: tuple[str, ...]
    email: str = ""
    bidang: str = ""
    phone: str = ""  # for reminders by WhatsApp/SMS (pengaduan eskalasi --kirim)
    # Public keys this person signs commits with: the audit checks a signature's key belongs to its author.
    ssh_key: str = ""  # one OpenSSH public key line: "ssh-ed25519 AAAA... comment"
    gpg_key: str = ""  # an OpenPGP key fingerprint (40 hex digits)
    # For the signature blocks of the reports: NIP (18 digits), rank/grade and position.
    nip: str = ""
    rank: str = ""  # pangkat/golongan, e.g. "Penata Tingkat I (III/d)"
    position: str = ""  # jabatan, e.g. "Kepala Bidang KBKIE"

    @property
    def nip_label(self) -> str:
        """'19800101 200501 1 001' (the groups as NIPs are printed), or '' when none is recorded."""
        n = self.nip
        return f"{n[:8]} {n[8:14]} {n[14]} {n[15:]}" if n else ""
    # A deactivated person stays in the roster (their history keeps its names) but can no longer act.
    active: bool = True
    inactive_reason: str = ""

    @property
    def commit_email(self) -> str:
        """The email this person's commits carry (a placeholder when the roster has none)."""
        return self.email or f"{self.code}@pengaduan.invalid"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kode": self.code, "nama": self.name, "peran": list(self.roles)}
        if self.email:
            data["email"] = self.email
        if self.bidang:
            data["bidang"] = self.bidang
        if self.phone:
            data["telepon"] = self.phone
        if self.ssh_key:
            data["kunci_ssh"] = self.ssh_key
        if self.gpg_key:
            data["kunci_gpg"] = self.gpg_key
        if self.nip:
            data["nip"] = self.nip
        if self.rank:
            data["pangkat"] = self.rank
        if self.position:
            data["jabatan"] = self.position
        if not self.active:
            data["aktif"] = False
            if self.inactive_reason:
                data["alasan_nonaktif"] = self.inactive_reason
        return data


# The letterhead (kop surat) of the reports: `kop:` in pengaduan.yaml, key by key over the
# package's defaults. A value in square brackets is a placeholder the desk still has to fill.
KOP_KEYS = {
    "government": "pemerintah",
    "agency": "instansi",
    "address": "alamat",
    "phone": "telepon",
    "fax": "faksimile",
    "email": "email",
    "website": "laman",
    "logo": "logo",
}
LOGO_DIR = "kop"
LOGO_RE = re.compile(r"^kop/[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}\.(png|svg)\Z")


@dataclass(frozen=True)
class Kop:
    government: str = ""
    agency: str = ""
    address: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    website: str = ""
    logo: str = ""  # a path in the store: kop/logo.png or kop/logo.svg (checked when read)

    @staticmethod
    def is_placeholder(value: str) -> bool:
        return value.startswith("[") and value.endswith("]")

    def placeholders(self) -> list[str]:
        """The YAML keys still holding a placeholder."""
        return [key for name, key in KOP_KEYS.items() if self.is_placeholder(getattr(self, name))]

    def to_dict(self) -> dict[str, str]:
        return {key: getattr(self, name) for name, key in KOP_KEYS.items()}


def parse_kop(data: Any, defaults: Any = None) -> Kop:
    """The letterhead from `kop:` (a mapping of KOP_KEYS), each key missing there taken from `defaults`."""
    merged: dict[str, Any] = {}
    for source, where in ((defaults, "bawaan"), (data, "pengaduan.yaml")):
        if source is None:
            continue
        if not isinstance(source, dict):
            raise ConfigError(f"{where} tidak sah: 'kop' harus pemetaan ({', '.join(KOP_KEYS.values())})")
        unknown = sorted(str(k) for k in source if k not in KOP_KEYS.values())
        if unknown:
            raise ConfigError(
                f"{where} tidak sah: kunci kop tidak dikenal: {', '.join(unknown)} (yang dikenal: {', '.join(KOP_KEYS.values())})"
            )
        merged.update(source)
    values = {name: _line(merged.get(key), f"kop.{key}") for name, key in KOP_KEYS.items()}
    if values["logo"] and not LOGO_RE.match(values["logo"]):
        raise ConfigError(
            f"pengaduan.yaml tidak sah: kop.logo '{values['logo'][:80]}' harus berkas PNG atau SVG di folder kop/ store, "
            "contoh: kop/logo.png (pasang dengan 'pengaduan kop ubah --logo BERKAS')"
        )
    return Kop(**values)


@dataclass
class Config:
    agency: str
    agency_short: str
    city: str
    timezone: str
    lock_seconds: float
    platforms: list[str]
    kinds: list[str]
    bidang: dict[str, str]
    categories: dict[str, str]
    staff: list[Staff]
    raw: dict[str, Any] = field(default_factory=dict)
    # How far a history entry's time may lie after its commit's time (clock skew), for the audit.
    time_tolerance: float = 120.0
    # `batas.berkas_kb`: the largest case file read (bytes); bigger ones are refused unparsed.
    file_limit: int = FILE_LIMIT_KB * 1024
    # `batas.tunda_hari_kerja`: a pause longer than this many working days is listed as too long.
    pause_limit_days: int = PAUSE_LIMIT_DAYS
    # Categories that make a case `rahasia` on their own (child and sexual violence).
    sensitive: tuple[str, ...] = DEFAULT_SENSITIVE
    # Months after closing when `pengaduan retensi` erases a case's personal data (None: never).
    retention_months: int | None = None
    # The machines authorised to hold the cases' keys (public keys only; see store/keys.py).
    machines: tuple[Machine, ...] = ()

    def machine(self, name: str) -> Machine | None:
        return next((m for m in self.machines if m.name == name), None)

    def with_machines(self, machines: list[Machine]) -> dict[str, Any]:
        """The raw config with the list of authorised machines replaced (for writing back)."""
        data = dict(self.raw)
        data["mesin"] = [m.to_dict() for m in machines]
        return data
    # `akun_sendiri`: the desk's own accounts per platform (handles, display names or ids, compared
    # without case and a leading @): their messages are the desk's replies, never complaints.
    own_accounts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # `duplikat_hari`: likely duplicates across channels are looked for within this many days.
    duplicate_days: int = DUPLICATE_DAYS
    # `impor.zona_waktu`: the zone of export times written without one (TikTok); the store's by default.
    import_zone: str = ""
    # `meta`: the desk's Instagram professional account and Facebook Page ids (`pengaduan tarik meta`).
    meta_ids: dict[str, str] = field(default_factory=dict)

    @property
    def signing_required(self) -> bool:
        """`tanda_tangan_commit`: every commit must be signed (the store signs, the audit checks)."""
        return bool(self.raw.get("tanda_tangan_commit", False))

    def is_own_account(self, platform: str, *names: str | None) -> bool:
        """Whether any of these (handle, display name, id) is one of the desk's own accounts on the platform."""
        own = self.own_accounts.get(platform, ())
        return any(own_key(n) in own for n in names if n)

    def staff_by_code(self, code: str) -> Staff | None:
        return next((s for s in self.staff if s.code == code), None)

    def staff_by_email(self, email: str) -> Staff | None:
        wanted = email.strip().lower()
        return next((s for s in self.staff if s.email and s.email.lower() == wanted), None)

    def staff_with_role(self, role: str) -> list[Staff]:
        """The active people with the role (a deactivated one acts no more, so is never asked to)."""
        return [s for s in self.staff if role in s.roles and s.active]

    def roster_managed(self, sop: Sop) -> bool:
        """Whether the roster has someone who manages it: from then on only such a person (while
        active) may change the roster and the configuration (before, anyone may set the store up).
        A deactivated manager still counts: deactivating never reopens the first set-up."""
        return any(sop.manages(s.roles) for s in self.staff)

    def check_choice(self, value: str, kind: str) -> str:
        """Return value when it is one of the configured ones, else an error listing them."""
        valid = {
            "platform": self.platforms,
            "jenis": self.kinds,
            "bidang": list(self.bidang),
            "kategori": list(self.categories),
        }[kind]
        if value not in valid:
            raise InputError(f"{kind} '{value}' tidak dikenal; pilih salah satu: {', '.join(valid)}")
        return value

    def with_staff(self, staff: Staff) -> dict[str, Any]:
        """The raw config with one roster entry added or replaced (for writing back).

        Other entries stay exactly as written, and keys this tool does not know (a NIP, say) are
        kept on the changed one too: a roster change must not drop what the desk recorded.
        """
        data = dict(self.raw)
        known = STAFF_KEYS
        entries = [dict(item) for item in self.raw.get("petugas") or []]
        changed = staff.to_dict()
        for entry in entries:
            if entry.get("kode") == staff.code:
                extra = {k: v for k, v in entry.items() if k not in known}
                entry.clear()
                entry.update({**changed, **extra})
                break
        else:
            entries.append(changed)
        data["petugas"] = entries
        return data


# The roster keys Staff writes (to_dict); any other key of an entry is the desk's own and is kept.
STAFF_KEYS = (
    "kode", "nama", "peran", "email", "bidang", "telepon", "kunci_ssh", "kunci_gpg", "nip", "pangkat", "jabatan",
    "aktif", "alasan_nonaktif",
)  # fmt: skip


def managers_lost(before: Config, after: Config, sop: Sop) -> list[str]:
    """The managing roles (sop.yaml `pengelola`) that had an active holder before a roster change
    and have none after it: a change that leaves any is refused (and found by the audit)."""

    def held(config: Config, role: str) -> bool:
        return any(role in s.roles and s.active for s in config.staff)

    return [role for role in sop.managers if held(before, role) and not held(after, role)]


_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\Z")
_PHONE_RE = re.compile(r"^\+?[0-9]{6,15}\Z")


def check_email(text: str) -> str:
    """An e-mail address as the roster keeps it, or why it is not one."""
    value = text.strip()
    if value and not _EMAIL_RE.match(value):
        raise InputError(f"--email '{value}' bukan alamat email; contoh: ani@jatengprov.go.id")
    return value


def check_phone(text: str) -> str:
    """A phone number (digits, an optional leading +; spaces and dashes allowed), or why it is not one."""
    value = text.strip()
    digits = re.sub(r"[\s-]", "", value)
    if value and not _PHONE_RE.match(digits):
        raise InputError(f"--telepon '{value}' bukan nomor telepon; tulis 6-15 angka, boleh diawali +, contoh: 081234567890")
    return digits


def own_key(name: str) -> str:
    """An account name as `akun_sendiri` compares it: no case, no leading @, no outer spaces."""
    return name.strip().lstrip("@").casefold()


def _own_accounts(data: dict[str, Any], platforms: list[str]) -> dict[str, tuple[str, ...]]:
    value = data.get("akun_sendiri") or {}
    example = "akun_sendiri: {instagram: [dp3ap2kb.jateng]}"
    if not isinstance(value, dict):
        raise ConfigError(f"pengaduan.yaml tidak sah: 'akun_sendiri' harus pemetaan platform -> daftar akun, contoh: {example}")
    out: dict[str, tuple[str, ...]] = {}
    for platform, names in value.items():
        if platforms and platform not in platforms:
            raise ConfigError(
                f"pengaduan.yaml tidak sah: akun_sendiri menyebut platform '{platform}' yang tidak ada di 'platform' "
                f"({', '.join(platforms)})"
            )
        if names is None:
            names = []
        if not isinstance(names, list) or not all(isinstance(n, (str, int)) and not isinstance(n, bool) for n in names):
            raise ConfigError(f"pengaduan.yaml tidak sah: akun_sendiri.{platform} harus daftar akun, contoh: {example}")
        out[str(platform)] = tuple(own_key(str(n)) for n in names if str(n).strip())
    return out


def _duplicate_days(data: dict[str, Any]) -> int:
    value = data.get("duplikat_hari", DUPLICATE_DAYS)
    if type(value) is not int or value < 0:
        raise ConfigError(
            f"pengaduan.yaml tidak sah: 'duplikat_hari' harus bilangan bulat hari, 0 atau lebih (bawaan {DUPLICATE_DAYS})"
        )
    return value


def _import_zone(data: dict[str, Any]) -> str:
    value = data.get("impor") or {}
    if not isinstance(value, dict):
        raise ConfigError("pengaduan.yaml tidak sah: 'impor' harus pemetaan, contoh: impor: {zona_waktu: Asia/Jakarta}")
    zone = value.get("zona_waktu") or ""
    if not isinstance(zone, str):
        raise ConfigError("pengaduan.yaml tidak sah: 'impor.zona_waktu' harus nama zona waktu, contoh: Asia/Jakarta")
    return zone


def _meta_ids(data: dict[str, Any]) -> dict[str, str]:
    value = data.get("meta") or {}
    if not isinstance(value, dict):
        raise ConfigError(
            "pengaduan.yaml tidak sah: 'meta' harus pemetaan, contoh: meta: {instagram_id: '1784...', halaman_id: '1020...'}"
        )
    out: dict[str, str] = {}
    for key, item in value.items():
        if key not in META_KEYS:
            raise ConfigError(f"pengaduan.yaml tidak sah: meta.{key} tidak dikenal (yang ada: {', '.join(META_KEYS)})")
        text = str(item if item is not None else "").strip()
        if text and not text.isdigit():
            raise ConfigError(f"pengaduan.yaml tidak sah: meta.{key} harus ID angka dari Meta, bukan {text!r}")
        out[str(key)] = text
    return out


def _mapping(data: dict[str, Any], key: str) -> dict[str, str]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise ConfigError(f"pengaduan.yaml tidak sah: '{key}' harus pemetaan kode: nama")
    return {str(k): str(v) for k, v in value.items()}


def _list(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise ConfigError(f"pengaduan.yaml tidak sah: '{key}' harus daftar")
    return [str(v) for v in value]


def parse_staff(item: Any, roles_known: Sequence[str] | None = None) -> Staff:
    """One roster entry; its roles checked against `roles_known` (the SOP's staff roles) when given."""
    if not isinstance(item, dict) or not item.get("kode") or not item.get("nama"):
        raise ConfigError("pengaduan.yaml tidak sah: setiap petugas perlu 'kode' dan 'nama'")
    roles = item.get("peran") or []
    if isinstance(roles, str):
        roles = [roles]
    if not isinstance(roles, list):
        raise ConfigError(f"pengaduan.yaml tidak sah: peran petugas '{item['kode']}' harus daftar, contoh: [admin]")
    for role in roles:
        if roles_known is not None and role not in roles_known:
            raise ConfigError(
                f"pengaduan.yaml tidak sah: petugas '{item['kode']}' berperan '{role}' yang tidak dikenal "
                f"(peran: {', '.join(roles_known)})"
            )
    active = item.get("aktif", True)
    if not isinstance(active, bool):
        raise ConfigError(f"pengaduan.yaml tidak sah: 'aktif' petugas '{item['kode']}' harus true atau false")
    return Staff(
        active=active,
        inactive_reason=str(item.get("alasan_nonaktif") or ""),
        code=str(item["kode"]),
        name=str(item["nama"]),
        roles=tuple(roles),
        email=str(item.get("email") or ""),
        bidang=str(item.get("bidang") or ""),
        phone=str(item.get("telepon") or ""),
        ssh_key=_ssh_key(item),
        gpg_key=_gpg_key(item),
        nip=_nip(item),
        rank=_line(item.get("pangkat"), f"pangkat petugas '{item['kode']}'"),
        position=_line(item.get("jabatan"), f"jabatan petugas '{item['kode']}'"),
    )


def check_nip(text: str, where: str = "NIP") -> str:
    """The NIP as 18 digits (separators dropped), or InputError saying what an NIP looks like."""
    digits = NIP_SEPARATORS.sub("", text)
    if not NIP_RE.match(digits):
        raise InputError(
            f"{where} '{text[:40]}' tidak sah; NIP adalah 18 angka, contoh: 19800101 200501 1 001"
        )
    return digits


def _nip(item: dict[str, Any]) -> str:
    value = item.get("nip")
    if value in (None, ""):
        return ""
    try:
        return check_nip(str(value), f"nip petugas '{item.get('kode')}'")
    except InputError as exc:
        raise ConfigError(f"pengaduan.yaml tidak sah: {exc.message}") from None


def _line(value: Any, where: str, limit: int = TEXT_LIMIT) -> str:
    """One line of text from the configuration: whitespace collapsed, bounded, no control characters."""
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ConfigError(f"pengaduan.yaml tidak sah: {where} harus teks satu baris")
    text = " ".join(str(value).split())
    if len(text) > limit or any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in text):
        raise ConfigError(f"pengaduan.yaml tidak sah: {where} harus teks satu baris, paling panjang {limit} karakter")
    return text


def _ssh_key(item: dict[str, Any]) -> str:
    """The roster's OpenSSH public key line, checked to be one (type, base64 blob naming that type)."""
    text = " ".join(str(item.get("kunci_ssh") or "").split())
    if not text:
        return ""
    parts = text.split(" ")
    blob = b""
    try:
        blob = base64.b64decode(parts[1], validate=True) if len(parts) > 1 else b""
        size = int.from_bytes(blob[:4], "big")
        named = blob[4 : 4 + size].decode("ascii")
    except (ValueError, UnicodeDecodeError):
        named = ""
    if not blob or named != parts[0]:
        raise ConfigError(
            f"pengaduan.yaml tidak sah: kunci_ssh petugas '{item.get('kode')}' bukan kunci publik OpenSSH; "
            "salin satu baris berkas .pub, contoh: ssh-ed25519 AAAAC3Nza... ani@laptop"
        )
    return text


def _gpg_key(item: dict[str, Any]) -> str:
    text = "".join(str(item.get("kunci_gpg") or "").split()).upper()
    if text and not re.fullmatch(r"[0-9A-F]{40}|[0-9A-F]{64}", text):
        raise ConfigError(
            f"pengaduan.yaml tidak sah: kunci_gpg petugas '{item.get('kode')}' harus sidik jari kunci OpenPGP "
            "(40 digit heksadesimal, lihat 'gpg --fingerprint')"
        )
    return text


def load_config(data: Any, sop: Sop | None = None) -> Config:
    """The configuration; the roster's roles checked against the SOP's when it is given (the store
    always gives its own; the audit reads each roster as it was committed)."""
    if not isinstance(data, dict):
        raise ConfigError("pengaduan.yaml tidak sah: isi berkas harus berupa pemetaan YAML")
    try:
        lock_seconds = float(data.get("batas_kunci_detik", 30))
    except (TypeError, ValueError):
        raise ConfigError("pengaduan.yaml tidak sah: 'batas_kunci_detik' harus angka") from None
    try:
        tolerance = float(data.get("toleransi_waktu_detik", 120))
    except (TypeError, ValueError):
        tolerance = -1.0
    if tolerance < 0:
        raise ConfigError("pengaduan.yaml tidak sah: 'toleransi_waktu_detik' harus angka detik, 0 atau lebih (bawaan 120)")
    if data.get("kop") is not None:
        parse_kop(data["kop"])  # checked here, so a bad letterhead is refused before it is committed
    platforms = _list(data, "platform")
    return Config(
        file_limit=_file_limit(data),
        pause_limit_days=_pause_limit(data),
        own_accounts=_own_accounts(data, platforms),
        duplicate_days=_duplicate_days(data),
        import_zone=_import_zone(data),
        meta_ids=_meta_ids(data),
        agency=" ".join(str(data.get("instansi", "")).split()),
        agency_short=str(data.get("instansi_singkat", "")),
        city=str(data.get("kota", "Semarang")),
        timezone=str(data.get("zona_waktu", "Asia/Jakarta")),
        lock_seconds=lock_seconds,
        platforms=platforms,
        kinds=_list(data, "jenis") or ["komentar", "pesan", "mention"],
        bidang=_mapping(data, "bidang"),
        categories=_mapping(data, "kategori"),
        staff=[parse_staff(item, sop.staff_roles if sop is not None else None) for item in data.get("petugas") or []],
        raw=data,
        time_tolerance=tolerance,
        sensitive=tuple(_list(data, "sensitif")) if "sensitif" in data else DEFAULT_SENSITIVE,
        retention_months=_retention(data),
        machines=_machines(data),
    )


def _file_limit(data: dict[str, Any]) -> int:
    limits = data.get("batas")
    if limits is None:
        return FILE_LIMIT_KB * 1024
    value = limits.get("berkas_kb", FILE_LIMIT_KB) if isinstance(limits, dict) else None
    if type(value) is not int or value < 1:
        raise ConfigError(
            f"pengaduan.yaml tidak sah: 'batas.berkas_kb' harus bilangan bulat KB, 1 atau lebih (bawaan {FILE_LIMIT_KB})"
        )
    return value * 1024


def _pause_limit(data: dict[str, Any]) -> int:
    limits = data.get("batas")
    value = limits.get("tunda_hari_kerja", PAUSE_LIMIT_DAYS) if isinstance(limits, dict) else PAUSE_LIMIT_DAYS
    if type(value) is not int or value < 1:
        raise ConfigError(
            f"pengaduan.yaml tidak sah: 'batas.tunda_hari_kerja' harus bilangan bulat hari kerja, 1 atau lebih "
            f"(bawaan {PAUSE_LIMIT_DAYS})"
        )
    return value


def parse_roles(text: str, sop: Sop) -> tuple[str, ...]:
    """`--peran a,b`: roles a petugas may hold under the SOP (sop.yaml `peran` but `peran_luar`)."""
    known = sop.staff_roles
    roles = tuple(r.strip() for r in text.split(",") if r.strip())
    if not roles:
        raise InputError(f"--peran kosong; pilih dari: {', '.join(known)}")
    for role in roles:
        if role not in known:
            raise InputError(f"peran '{role}' tidak dikenal; pilih dari: {', '.join(known)}")
    return roles


def check_code(code: str) -> str:
    if not CODE_RE.match(code):
        raise InputError(
            f"kode petugas '{code}' tidak sah; pakai huruf kecil, angka, titik, garis bawah atau tanda hubung "
            "(maks. 32 karakter), contoh: ani"
        )
    return code
