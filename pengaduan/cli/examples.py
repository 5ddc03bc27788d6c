"""The `Contoh:` block of every command's help: real commands, as a desk types them.

Keyed by the command's full name under `pengaduan`. tests/cli/test_docs.py fails when a command
has none, or when an example names a command or an option that does not exist. A helper adding
a command adds its examples here.
"""

from __future__ import annotations

EXAMPLES: dict[str, list[str]] = {
    # -- Kasus ------------------------------------------------------------------------------------
    "terima": [
        "pengaduan terima --platform instagram --akun @warga_smg --isi 'Tetangga sering memukul anaknya'",
        "pengaduan terima --platform Facebook --akun 'Ibu R' --jenis pesan --isi-berkas pesan.txt -q",
        "pengaduan terima --platform x --akun @a --isi - < pesan.txt --waktu 2026-11-28T09:14",
    ],
    "impor": [
        "pengaduan impor instagram-2026-11-02.zip --coba",
        "pengaduan impor facebook-ekspor/ x-arsip.zip --sejak 2026-11-01",
        "pengaduan impor rekap.csv --pemetaan pemetaan.yaml --format-keluaran json",
    ],
    "tarik": ["pengaduan tarik meta --coba"],
    "tarik meta": ["pengaduan tarik meta", "pengaduan tarik meta --coba --format-keluaran json"],
    "duplikat": ["pengaduan duplikat", "pengaduan duplikat --format csv --pemisah ';'"],
    "verifikasi": [
        "pengaduan verifikasi 7K3M --kategori kekerasan-anak --bidang uptd-ppa",
        "pengaduan verifikasi 7K3M --bukan-pengaduan --alasan 'spam promosi'",
    ],
    "respon": [
        "pengaduan respon 7K3M --templat terima-kasih",
        "pengaduan respon 7K3M --isi 'Terima kasih, laporan kami tindak lanjuti' --tuntas",
        "pengaduan respon 7K3M --isi-berkas jawaban.txt --format json",
    ],
    "teruskan": [
        "pengaduan teruskan 7K3M --ke redaktur --via whatsapp",
        "pengaduan teruskan 7K3M --ke pimred --catatan 'Redaktur cuti'",
    ],
    "koordinasi": [
        "pengaduan koordinasi 7K3M --dengan kabid --bidang phpa",
        "pengaduan koordinasi 7K3M --dengan kadin --oleh 'Sri W.'",
    ],
    "jawab": [
        "pengaduan jawab 7K3M --dari redaktur --isi 'Silakan hubungi UPTD PPA' --via telepon",
        "pengaduan jawab 7K3M --dari kabid --templat diteruskan-bidang",
        "pengaduan jawab 7K3M --dari pimred --isi -",
    ],
    "selesai": [
        "pengaduan selesai 7K3M",
        "pengaduan selesai 7K3M --isi 'Jawaban sudah kami sampaikan lewat DM' -q",
    ],
    "batal": ["pengaduan batal 7K3M --alasan 'salah kasus, seharusnya 9QX2'"],
    "buka-kembali": ["pengaduan buka-kembali 7K3M --alasan 'pelapor menulis lagi'"],
    "tunda": ["pengaduan tunda 7K3M --alasan 'menunggu alamat kejadian dari pelapor'"],
    "lanjutkan": ["pengaduan lanjutkan 7K3M --alasan 'alamat sudah dikirim' --format json"],
    "rujuk": ["pengaduan rujuk 7K3M --ke 'UPTD PPA Kota Semarang' --alasan 'kejadian di Kota Semarang'"],
    "lihat": ["pengaduan lihat 7K3M", "pengaduan lihat 261128-7K3M9QX --format json"],
    "daftar": [
        "pengaduan daftar --status terbuka",
        "pengaduan daftar --status Selesai --platform Instagram --sejak 2026-11-01",
        "pengaduan daftar --akun @warga_smg --kategori kekerasan-anak --format csv --pemisah ';'",
    ],
    "antrean": [
        "pengaduan antrean",
        "pengaduan antrean --peran redaktur --format json",
        "pengaduan antrean --petugas rina",
        "pengaduan antrean --pantau 30",
    ],
    "cari": [
        "pengaduan cari kdrt",
        "pengaduan cari 'perempuan' pukul --status terbuka --platform instagram",
        "pengaduan cari stunting --sejak 2026-11-01 --sampai 2026-11-30 --format json",
    ],
    "templat": ["pengaduan templat daftar", "pengaduan templat lihat terima-kasih"],
    "templat tambah": [
        "pengaduan templat tambah terima-kasih --judul 'Tanda terima' --isi 'Terima kasih {akun}, nomor pengaduan {id}.'",
        "pengaduan templat tambah rujuk-uptd-ppa --judul 'Rujukan ke UPTD PPA' --isi-berkas rujukan.txt",
    ],
    "templat daftar": ["pengaduan templat daftar", "pengaduan templat daftar --format json"],
    "templat lihat": ["pengaduan templat lihat terima-kasih", "pengaduan templat lihat terima-kasih --kasus 7K3M"],
    "templat hapus": ["pengaduan templat hapus mohon-keterangan"],
    # -- Laporan ----------------------------------------------------------------------------------
    "laporan": ["pengaduan laporan harian", "pengaduan laporan bulanan susun --bulan 2026-11"],
    "laporan harian": [
        "pengaduan laporan harian",
        "pengaduan laporan harian --tanggal 2026-11-27 --format pdf -q",
    ],
    "laporan harian ekspor": ["pengaduan laporan harian ekspor --tanggal 2026-11-27 --keluaran harian.xlsx"],
    "laporan bulanan": ["pengaduan laporan bulanan susun --bulan 2026-11", "pengaduan laporan bulanan lihat --bulan 2026-11"],
    "laporan bulanan susun": [
        "pengaduan laporan bulanan susun --bulan 2026-11 --kesimpulan-berkas kesimpulan.txt",
    ],
    "laporan bulanan paraf": ["pengaduan --petugas sri laporan bulanan paraf --bulan 2026-11"],
    "laporan bulanan periksa": ["pengaduan --petugas hendra laporan bulanan periksa --bulan 2026-11"],
    "laporan bulanan lihat": ["pengaduan laporan bulanan lihat --bulan 2026-11"],
    "laporan bulanan ekspor": ["pengaduan laporan bulanan ekspor --bulan 2026-11 --format csv --keluaran bulanan.csv"],
    "kop": ["pengaduan kop lihat", "pengaduan kop ubah --alamat 'Jl. Pahlawan No. 12, Semarang 50241'"],
    "kop lihat": ["pengaduan kop lihat"],
    "kop ubah": [
        "pengaduan kop ubah --telepon '(024) 0000000' --logo logo.png",
        "pengaduan kop ubah --tanpa-logo",
    ],
    # -- Jam SOP ----------------------------------------------------------------------------------
    "terlambat": ["pengaduan terlambat", "pengaduan terlambat --pada 2026-11-30T08:00 --exit-code"],
    "eskalasi": ["pengaduan eskalasi", "pengaduan eskalasi --kirim"],
    "kalender": ["pengaduan kalender", "pengaduan kalender --tahun 2027 --format csv"],
    # -- Audit ------------------------------------------------------------------------------------
    "riwayat": ["pengaduan riwayat 7K3M", "pengaduan riwayat 7K3M --diff"],
    "audit": ["pengaduan audit", "pengaduan audit --sejak HEAD~100 --format json"],
    "koreksi": ["pengaduan koreksi 7K3M --kolom akun --nilai @warga_smg --alasan 'salah ketik'"],
    "periksa": ["pengaduan periksa", "pengaduan periksa --perbaiki"],
    # -- Store ------------------------------------------------------------------------------------
    "init": ["pengaduan init", "pengaduan --store /srv/pengaduan/cases init"],
    "demo": ["pengaduan demo", "pengaduan --store /tmp/contoh demo --hari 10"],
    "petugas": ["pengaduan petugas daftar", "pengaduan petugas tambah ani --nama 'Ani Lestari' --peran admin"],
    "petugas tambah": [
        "pengaduan petugas tambah ani --nama 'Ani Lestari' --peran admin --email ani@contoh.go.id",
        "pengaduan petugas tambah sri --nama 'Sri W.' --peran kabid --bidang phpa --telepon 0812xxxx",
    ],
    "petugas ubah": ["pengaduan petugas ubah ani --telepon 0812xxxx", "pengaduan petugas ubah sri --bidang phpa"],
    "petugas nonaktif": ["pengaduan petugas nonaktif bayu --alasan 'pindah tugas'"],
    "petugas aktif": ["pengaduan petugas aktif bayu"],
    "atur": ["pengaduan atur", "pengaduan atur kota Semarang"],
    "atur libur": ["pengaduan atur libur", "pengaduan atur libur tambah 2026-12-24 --keterangan 'Cuti bersama Natal'"],
    "atur libur tambah": ["pengaduan atur libur tambah 2026-12-24 --keterangan 'Cuti bersama Natal'"],
    "atur libur hapus": ["pengaduan atur libur hapus 2026-12-24"],
    "atur bukan-libur": ["pengaduan atur bukan-libur"],
    "atur bukan-libur tambah": ["pengaduan atur bukan-libur tambah 2026-12-26 --keterangan 'Tetap masuk'"],
    "atur bukan-libur hapus": ["pengaduan atur bukan-libur hapus 2026-12-26"],
    "atur kategori": ["pengaduan atur kategori"],
    "atur kategori tambah": ["pengaduan atur kategori tambah perkawinan-anak --nama 'Perkawinan anak'"],
    "atur kategori ubah": ["pengaduan atur kategori ubah perkawinan-anak --nama 'Perkawinan usia anak'"],
    "atur kategori hapus": ["pengaduan atur kategori hapus perkawinan-anak"],
    "atur bidang": ["pengaduan atur bidang"],
    "atur bidang tambah": ["pengaduan atur bidang tambah humas --nama 'Subbagian Humas'"],
    "atur bidang ubah": ["pengaduan atur bidang ubah humas --nama 'Humas dan Protokol'"],
    "atur bidang hapus": ["pengaduan atur bidang hapus humas"],
    "atur platform": ["pengaduan atur platform"],
    "atur platform tambah": ["pengaduan atur platform tambah whatsapp"],
    "atur platform hapus": ["pengaduan atur platform hapus threads"],
    "atur sop": ["pengaduan atur sop perbarui"],
    "atur sop perbarui": ["pengaduan atur sop perbarui"],
    "petugas daftar": ["pengaduan petugas daftar", "pengaduan petugas daftar --format csv"],
    "migrasi": ["pengaduan migrasi", "pengaduan migrasi --tulis-ulang-riwayat --ya"],
    "kunci": ["pengaduan kunci status", "pengaduan kunci minta --nama laptop-bayu"],
    "kunci init": ["pengaduan kunci init --nama pc-ani"],
    "kunci minta": ["pengaduan kunci minta --nama laptop-bayu"],
    "kunci izinkan": ["pengaduan kunci izinkan laptop-bayu --kunci-publik KUNCI"],
    "kunci cabut": ["pengaduan kunci cabut laptop-bayu"],
    "kunci status": ["pengaduan kunci status", "pengaduan kunci status --format json"],
    "kunci ekspor": ["pengaduan kunci ekspor /media/usb/kunci-pengaduan.bin"],
    "kunci impor": ["pengaduan kunci impor /media/usb/kunci-pengaduan.bin"],
    "hapus-data": ["pengaduan hapus-data 7K3M --alasan 'permintaan pelapor' --dasar 'UU 27/2022 Pasal 8'"],
    "retensi": ["pengaduan retensi --coba", "pengaduan retensi"],
    "sinkron": ["pengaduan sinkron", "pengaduan sinkron --remote kantor"],
    "klon": ["pengaduan klon git@git.dinas.example:humas/pengaduan.git cases"],
    "konflik": ["pengaduan konflik", "pengaduan konflik --semua"],
    "konflik terapkan": ["pengaduan konflik terapkan 261102-7KQ2M9D.ab12"],
    "konflik buang": ["pengaduan konflik buang 261102-7KQ2M9D.ab12 --alasan 'sudah dijawab Bayu'"],
    "lokal": ["pengaduan lokal", "pengaduan lokal petugas.email ani@contoh.go.id", "pengaduan lokal notifikasi.perintah --hapus"],
    "completion": [
        "pengaduan completion bash > ~/.local/share/bash-completion/completions/pengaduan",
        "pengaduan completion zsh > ~/.zfunc/_pengaduan",
        "pengaduan completion fish > ~/.config/fish/completions/pengaduan.fish",
    ],
}


def epilog(path: str) -> str | None:
    """The help's `Contoh:` block for a command (click keeps lines after \\b as written)."""
    lines = EXAMPLES.get(path)
    if not lines:
        return None
    return "\b\nContoh:\n" + "\n".join(f"  {line}" for line in lines)
