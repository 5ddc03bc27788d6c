"""The one place where English code names meet the Indonesian words users and auditors read.

YAML keys of case files, labels of statuses and actions, and names of kinds are mapped here.
Messages themselves are written in Indonesian where they are raised.
"""

# Case file keys (code attribute -> YAML key), in the order they are written.
CASE_KEYS: dict[str, str] = {
    "schema": "schema",
    "id": "id",
    "status": "status",
    "step": "langkah",
    "platform": "platform",
    "account": "akun",
    "link": "tautan",
    "kind": "jenis",
    "text": "isi",
    "posted_at": "waktu_unggah",
    "received_at": "waktu_terima",
    "category": "kategori",
    "bidang": "bidang",
    "anonymous": "anonim",
    "confidential": "rahasia",
    "public_key": "kunci_publik",
    "thread": "utas",
    "duplicate_of": "duplikat_dari",
    "reporter": "pelapor",
    "history": "riwayat",
}

REPORTER_KEYS: dict[str, str] = {"name": "nama", "contact": "kontak"}

# History entry keys (code attribute -> YAML key), in the order they are written.
ENTRY_KEYS: dict[str, str] = {
    "step": "langkah",
    "action": "aksi",
    "status": "status",
    "performer_role": "pelaksana",
    "performer_name": "nama_pelaksana",
    "recorder": "pencatat",
    "time": "waktu",
    "channel": "saluran",
    "answer": "jawaban",
    "note": "catatan",
    "changes": "perubahan",
    "source": "sumber",
}
# Case keys written only when they hold a value (files from before they existed stay as they were).
OPTIONAL_CASE_KEYS = ("utas", "duplikat_dari")

STATUS_LABELS: dict[str, str] = {
    "diterima": "Diterima",
    "diverifikasi": "Diverifikasi",
    "direspon": "Direspon",
    "menunggu_redaktur": "Menunggu Redaktur",
    "menunggu_pimred": "Menunggu Pimpinan Redaksi",
    "koordinasi_kabid": "Koordinasi Kepala Bidang",
    "koordinasi_kadin": "Koordinasi Kepala Dinas",
    "dijawab_kabid": "Dijawab Kepala Bidang",
    "dijawab_pimred": "Dijawab Pimpinan Redaksi",
    "selesai": "Selesai",
    "bukan_pengaduan": "Bukan pengaduan",
    "ditunda": "Ditunda (menunggu pelapor)",
    "dirujuk": "Dirujuk ke instansi lain",
    "duplikat": "Duplikat",
}

ACTION_LABELS: dict[str, str] = {
    "terima": "diterima",
    "verifikasi": "diverifikasi",
    "bukan_pengaduan": "ditutup: bukan pengaduan",
    "respon": "direspon",
    "respon_tuntas": "direspon dan tuntas",
    "teruskan_redaktur": "diteruskan ke Redaktur",
    "jawab_redaktur": "dijawab Redaktur, jawaban sampai ke pelapor",
    "teruskan_pimred": "diteruskan ke Pimpinan Redaksi",
    "koordinasi_kabid": "koordinasi dengan Kepala Bidang",
    "koordinasi_kadin": "koordinasi dengan Kepala Dinas",
    "jawab_kabid": "dijawab Kepala Bidang",
    "jawab_pimred": "dijawab Pimpinan Redaksi",
    "selesai": "selesai, jawaban sampai ke pelapor",
    "koreksi": "dikoreksi",
    "batal": "langkah terakhir dibatalkan",
    "buka_kembali": "dibuka kembali",
    "tunda": "ditunda, menunggu pelapor",
    "lanjutkan": "dilanjutkan",
    "rujuk": "dirujuk ke instansi lain",
    "hapus_data": "data pribadi dihapus",
    "migrasi": "dimigrasi ke schema 2",
    "duplikat": "ditutup: duplikat kasus lain",
    "pesan_lanjutan": "pesan lanjutan pelapor dilampirkan",
}

KIND_LABELS: dict[str, str] = {"komentar": "Komentar", "pesan": "Pesan langsung", "mention": "Mention"}

# Values of the `Jenis` trailer: what kind of commit it is (case commits carry none).
COMMIT_KINDS: dict[str, str] = {
    "config": "konfigurasi",
    "report": "laporan",
    "sync": "sinkron",
    "conflict": "konflik",
    "migration": "migrasi",  # pengaduan migrasi: schema 1 -> 2
    "rewrite": "tulis-ulang",  # the record of migrasi --tulis-ulang-riwayat
}

# Commit trailers (code name -> trailer token).
TRAILERS: dict[str, str] = {
    "case": "Kasus",
    "step": "Langkah",
    "action": "Aksi",
    "performer": "Pelaksana",
    "time": "Waktu",
    "sop": "SOP",
    "kind": "Jenis",
}


# The monthly report's record (laporan/bulanan/YYYY-MM.yaml): its states and YAML keys.
MONTHLY_STATUS_LABELS: dict[str, str] = {"draf": "Draf", "diparaf": "Draf, sudah diparaf", "final": "Final"}
MONTHLY_RECORD_KEYS: dict[str, str] = {
    "schema": "schema",
    "month": "bulan",
    "status": "status",
    "revision": "revisi",
    "cutoff": "keadaan_per",
    "basis": "basis_data",
    "fingerprint": "sidik_data",
    "conclusion": "kesimpulan",
    "recommendation": "rekomendasi",
    "number": "nomor_surat",
    "files": "berkas",
    "signature": "tanda_tangan_elektronik",
    "events": "peristiwa",
}
MONTHLY_EVENT_KEYS: dict[str, str] = {
    "action": "aksi",
    "step": "langkah",
    "revision": "revisi",
    "role": "peran",
    "code": "kode",
    "name": "nama",
    "time": "waktu",
    "note": "catatan",
}
# What each monthly-report action does, as a verb (for refusals: "tidak boleh memaraf ...").
MONTHLY_VERBS: dict[str, str] = {"susun": "menyusun", "paraf": "memaraf", "periksa": "memeriksa"}

# The paths a case takes through the SOP (core.sla PATH_*), as the reports name them.
PATH_LABELS: dict[str, str] = {
    "admin": "Dijawab admin",
    "redaktur": "Dijawab Redaktur",
    "eskalasi": "Dieskalasi ke Pimpinan Redaksi",
    "bukan_pengaduan": "Bukan pengaduan",
    "dirujuk": "Dirujuk ke instansi lain",
    "duplikat": "Duplikat kasus lain",
}

PLATFORM_LABELS: dict[str, str] = {
    "instagram": "Instagram",
    "facebook": "Facebook",
    "x": "X",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "threads": "Threads",
    "whatsapp": "WhatsApp",
}

# How `riwayat` words a commit's change to the case file (git's raw status letters).
CHANGE_WORDS: dict[str, str] = {"A": "dibuat", "M": "diubah", "D": "DIHAPUS", "T": "diubah jenisnya"}
# Phases of a long audit, for the progress bar.
AUDIT_PHASES: dict[str, str] = {"membaca": "Membaca riwayat git", "memeriksa": "Memeriksa commit"}

# click's own words in help output.
HELP_SECTIONS: dict[str, str] = {"Options": "Opsi", "Commands": "Perintah", "Arguments": "Argumen"}
HELP_TEXTS: dict[str, str] = {"Show this message and exit.": "Tampilkan bantuan ini lalu keluar."}


def platform_label(code: str) -> str:
    return PLATFORM_LABELS.get(code, code[:1].upper() + code[1:])


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)
