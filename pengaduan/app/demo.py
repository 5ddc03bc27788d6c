"""`pengaduan demo`: a realistic desk's last few days, recorded through the real store code.

Every case goes through `app.cases.record`, the same call the step commands make, so the demo's
store is exactly what the desk would have produced by typing the commands.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TypedDict

from pengaduan.app.cases import record
from pengaduan.app.context import Desk
from pengaduan.core.config import Staff
from pengaduan.core.workflow import Intake, Request
from pengaduan.errors import StoreError
from pengaduan.i18n import status_label

# Demo people, with demo NIPs (birth date, appointment month, sex, number: made up, like the names).
ROSTER = [
    Staff("ani", "Ani Lestari", ("admin",), "ani.lestari@dp3ap2kb.jatengprov.go.id", nip="199203142019032007",
          rank="Penata Muda (III/a)", position="Pranata Humas Ahli Pertama"),  # fmt: skip
    Staff("bayu", "Bayu Pratama", ("admin",), "bayu.pratama@dp3ap2kb.jatengprov.go.id"),
    Staff("rina", "Rina Kartikasari", ("redaktur",), "rina.kartikasari@dp3ap2kb.jatengprov.go.id"),
    Staff("hendra", "Hendra Wijayanto", ("pimred",), "hendra.wijayanto@dp3ap2kb.jatengprov.go.id", nip="197805122005011004",
          rank="Penata Tingkat I (III/d)", position="Kepala Sub Bagian Umum dan Kepegawaian"),  # fmt: skip
    Staff("sri", "Sri Wahyuningsih", ("kabid",), "sri.wahyuningsih@dp3ap2kb.jatengprov.go.id", "phpa", nip="197101201998032003",
          rank="Pembina (IV/a)", position="Kepala Bidang Pemenuhan Hak dan Perlindungan Anak"),  # fmt: skip
    Staff("kadin", "Kepala Dinas (demo)", ("kadin",), "kadin@dp3ap2kb.jatengprov.go.id"),
]

# (platform, kind, account, text, category, bidang, path)
Complaint = tuple[str, str, str, str, str | None, str | None, str]


class Details(TypedDict, total=False):
    """The details a demo step passes to its Request."""

    note: str
    answer: str
    channel: str
    category: str | None
    bidang: str | None
    reason: str


DemoStep = tuple[str, str, Details]  # (action, staff code, details)

# path: admin = answered by the admin, redaktur = answered by the Redaktur,
# eskalasi = the Redaktur is silent and the case goes up to the Kepala Dinas, bukan = not a complaint.
COMPLAINTS: list[Complaint] = [
    (
        "instagram",
        "komentar",
        "@ibu_rahma.smg",
        "Min, saya mau tanya syarat pendaftaran layanan konseling keluarga di PUSPAGA itu apa saja ya? Sudah coba telepon tidak diangkat.",
        "layanan",
        "kgpp",
        "admin",
    ),
    (
        "facebook",
        "pesan",
        "Warga Banyumanik",
        "Tetangga saya sering memukul anaknya sampai terdengar menangis tiap malam. Saya harus lapor ke mana? Saya takut ketahuan.",
        "kekerasan-anak",
        "uptd-ppa",
        "eskalasi",
    ),
    (
        "x",
        "mention",
        "@wargajateng23",
        "@dp3ap2kbjateng jadwal pelayanan KB gratis di Kabupaten Demak bulan ini kapan ya?",
        "kb",
        "kbkie",
        "admin",
    ),
    ("tiktok", "komentar", "@promo.followers99", "Jasa tambah followers murah!!! DM sekarang 🔥🔥", None, None, "bukan"),
    (
        "instagram",
        "pesan",
        "@dewi.ayu_",
        "Saya korban KDRT, suami saya mengancam. Apakah ada rumah aman di Semarang? Tolong segera.",
        "kekerasan-perempuan",
        "uptd-ppa",
        "redaktur",
    ),
    (
        "youtube",
        "komentar",
        "Pak Slamet Riyadi",
        "Kenapa data penerima bantuan keluarga berisiko stunting di desa kami tidak sesuai kenyataan?",
        "kependudukan",
        "dalduk",
        "redaktur",
    ),
    (
        "threads",
        "komentar",
        "@mahasiswi.undip",
        "Apakah ada program magang di DP3AP2KB untuk mahasiswa? Terima kasih.",
        "informasi",
        "sekretariat",
        "bukan",
    ),
    (
        "facebook",
        "komentar",
        "Bunda Nisa",
        "Anak saya (14 th) dipaksa menikah oleh keluarga ayahnya. Bagaimana cara mencegahnya secara hukum?",
        "hak-anak",
        "phpa",
        "eskalasi",
    ),
    (
        "instagram",
        "komentar",
        "@kader.posyandu.kudus",
        "Alat kontrasepsi di puskesmas kami kosong sudah 2 minggu, mohon tindak lanjut.",
        "kb",
        "kbkie",
        "redaktur",
    ),
    (
        "x",
        "pesan",
        "@relawan_pa",
        "Ada anak jalanan di perempatan Kalibanteng tiap malam, kelihatannya dieksploitasi. Mohon dicek.",
        "kekerasan-anak",
        "phpa",
        "admin",
    ),
]

# Minutes after reception at which each step is recorded; the 'slow' variants overrun the SOP.
TIMINGS = {
    "admin": {"fast": [3, 9, 4], "slow": [12, 20, 9]},
    "bukan": {"fast": [4], "slow": [25]},
    "redaktur": {"fast": [3, 8, 4, 7, 9], "slow": [5, 14, 6, 9, 35]},
    "eskalasi": {"fast": [2, 8, 4, 9, 21, 8, 9, 9, 8, 4], "slow": [4, 12, 7, 10, 30, 15, 25, 12, 15, 10]},
}


def _steps(path: str, case: Complaint) -> list[DemoStep]:
    """(action, staff code, details) for each step after reception, along the path."""
    _, _, _, _, category, bidang, _ = case
    verify: DemoStep = ("verifikasi", "ani", {"category": category, "bidang": bidang})
    if path == "bukan":
        return [("bukan_pengaduan", "ani", {"note": "promosi atau pertanyaan umum", "reason": "promosi atau pertanyaan umum"})]
    if path == "admin":
        return [verify, ("respon_tuntas", "ani", {"answer": "Terima kasih, informasinya sudah kami kirim lewat pesan langsung."})]
    respond: DemoStep = ("respon", "ani", {"answer": "Terima kasih, laporan Anda kami terima dan sedang kami tindak lanjuti."})
    forward: DemoStep = ("teruskan_redaktur", "ani", {"channel": "whatsapp"})
    if path == "redaktur":
        return [
            verify,
            respond,
            forward,
            (
                "jawab_redaktur",
                "rina",
                {
                    "answer": "Silakan hubungi layanan UPTD PPA di 024-3519014 atau datang langsung; petugas kami siap mendampingi.",
                    "channel": "whatsapp",
                },
            ),
        ]
    return [
        verify,
        respond,
        forward,
        ("teruskan_pimred", "ani", {"channel": "telepon", "note": "Redaktur belum menjawab"}),
        ("koordinasi_kabid", "hendra", {"bidang": bidang}),
        ("koordinasi_kadin", "sri", {}),
        (
            "jawab_kabid",
            "sri",
            {"answer": "Tim UPTD PPA akan melakukan penjangkauan bersama DP3A kabupaten/kota dalam 1x24 jam."},
        ),
        ("jawab_pimred", "hendra", {"answer": "Jawaban Kepala Bidang diteruskan ke admin untuk disampaikan ke pelapor."}),
        ("selesai", "ani", {"answer": "Laporan Anda ditindaklanjuti: tim UPTD PPA menjangkau lokasi dalam 1x24 jam."}),
    ]


def _open_store(root: Path | None) -> Desk:
    try:
        store = Desk.open(root)
    except StoreError:
        store = Desk.create(root, roster=ROSTER)
        _init_keys(store)
        return store
    if store.config.staff_by_code(ROSTER[0].code) != ROSTER[0]:
        raise StoreError(
            f"store di {store.root} bukan store demo (petugas demo tidak ada); jalankan demo di store lain: "
            "pengaduan --store /tmp/demo demo"
        )
    if not store.config.machines:
        _init_keys(store)
    return store


def _init_keys(desk: Desk) -> None:
    """This machine becomes the demo store's authorised machine: it keeps every case's key, so
    `lihat` shows the names and texts here while every git object holds only ciphertext."""
    from pengaduan.app import keys

    keys.init(desk, desk.config.staff_by_code(ROSTER[0].code) or ROSTER[0])


def run_demo(root: Path | None, days: int = 5, seed: int = 2026) -> list[str]:
    """Record `days` working days of complaints ending now; return the summary lines to print.

    Complaints rotate through the table, so every path appears; about a third of the cases run
    slower than the SOP allows, and every fourth complaint stays open one step short of settled.
    """
    store = _open_store(root)
    staff = {s.code: s for s in store.config.staff}
    rng = random.Random(seed)
    now = store.now()
    made: list[str] = []
    counter = 0
    for day_back in range(days, -1, -1):
        day = (now - timedelta(days=day_back)).date()
        if day.weekday() == 6:  # the desk's Sunday is quiet
            continue
        for slot in range(rng.randint(3, 5)):
            case = COMPLAINTS[counter % len(COMPLAINTS)]
            counter += 1
            platform, kind, account, text, _, _, path = case
            received = datetime.combine(day, time(8, 0), tzinfo=store.tz) + timedelta(minutes=slot * 95 + rng.randint(0, 60))
            if received > now:
                continue
            posted = received - timedelta(minutes=rng.choice([2, 4, 8, 15]))
            intake = Intake(platform=platform, kind=kind, account=account, text=text, posted_at=posted)
            if kind == "pesan":
                intake = replace(
                    intake,
                    reporter_name=account.lstrip("@").replace("_", " ").title(),
                    reporter_contact=f"08{rng.randint(1000000000, 9999999999)}",
                )
            new, _ = record(store, Request("terima", staff["bayu" if slot % 2 else "ani"], received, intake=intake))
            made.append(new.id)
            timing = TIMINGS[path]["slow" if counter % 3 == 0 else "fast"]
            steps = _steps(path, case)
            if counter % 4 == 0 and path != "bukan":
                steps = steps[:-1]  # one step short of settled: open, and by now past its standard
            at = received
            for (action, who, details), minutes in zip(steps, timing, strict=False):
                at = at + timedelta(minutes=minutes)
                if at > now:
                    break  # still open: the desk has not got there yet
                record(store, Request(action, staff[who], at, **details), new.id)
    cases = [c for c in store.store.load_all() if c.id in set(made)]
    by_status = Counter(status_label(c.status) for c in cases)
    lines = [f"demo: {len(cases)} pengaduan dicatat di {store.root}"]
    lines += [f"  {label}: {count}" for label, count in sorted(by_status.items())]
    sample = next((c.id for c in cases if c.step >= 6), made[0] if made else "ID")
    store_opt = "" if root is None else f"--store {store.root} "
    lines += [
        "",
        "Coba berikutnya:",
        "  export PENGADUAN_PETUGAS=ani",
        f"  pengaduan {store_opt}daftar",
        f"  pengaduan {store_opt}lihat {sample}",
        f"  pengaduan {store_opt}terlambat",
        f"  pengaduan {store_opt}laporan harian",
        f"  pengaduan {store_opt}audit",
        f"  git -C {store.root} log --format='%h %an: %s' | head",
    ]
    return lines
