"""Indonesian dates, numbers and durations; masking of handles and scrubbing of complaint text."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from pengaduan.core.case import Case, Reporter
from pengaduan.reports import fmt, privacy


def test_long_date_is_indonesian():
    assert fmt.long_date(date(2026, 11, 28)) == "Sabtu, 28 November 2026"
    assert fmt.long_date(date(2026, 8, 17)) == "Senin, 17 Agustus 2026"
    assert fmt.plain_date(date(2026, 2, 1)) == "1 Februari 2026"
    assert fmt.month_name(2026, 12) == "Desember 2026"


def test_clock_numbers_and_durations():
    assert fmt.clock(datetime(2026, 11, 28, 9, 14, tzinfo=timezone(timedelta(hours=7)))) == "09.14 WIB"
    assert fmt.number(12345) == "12.345"
    assert fmt.percent(0.875) == "87,5%"
    assert fmt.percent(None) == "–"
    assert [fmt.duration(m) for m in (0.4, 4, 65, 60, 1500)] == ["< 1 mnt", "4 mnt", "1 jam 5 mnt", "1 jam", "1 hari 1 jam"]
    assert fmt.delta(12, 15) == "−3"
    assert fmt.delta(0.8, 0.75, "share") == "+5,0 poin"


@pytest.mark.parametrize(
    ("account", "masked"),
    [
        ("@warga123", "@wa***23"),
        ("@wargajateng23", "@wa***23"),
        ("@abcd", "@a***d"),
        ("@ab", "@a***"),
        ("Warga Banyumanik", "Wa***ik"),
    ],
)
def test_mask_handle(account, masked):
    assert privacy.mask_handle(account) == masked


def _case(text: str, account: str = "@warga123") -> Case:
    return Case(
        id="261102-AAAAAAA",
        status="diterima",
        step=1,
        platform="instagram",
        account=account,
        text=text,
        received_at=datetime.fromisoformat("2026-11-02T09:00:00+07:00"),
        reporter=Reporter(name="Ibu Rahmawati Susanti", contact="081234567890"),
    )


def test_scrub_removes_personal_data_from_the_text():
    text = (
        "Saya Rahmawati Susanti, Ibu Rahmawati Susanti, WA 081234567890 / +62 812-3456-7890, "
        "email rahma.s@example.com, akun saya @warga123, cc @dp3ap2kbjateng"
    )
    out = privacy.scrub(text, _case(text))
    secrets = ("Rahmawati", "Susanti", "081234567890", "812-3456-7890", "rahma.s@example.com", "@warga123", "@dp3ap2kbjateng")
    assert [s for s in secrets if s in out] == []
    assert "[kontak disamarkan]" in out and "[email disamarkan]" in out and "@wa***23" in out and "@dp***ng" in out


def test_scrub_keeps_ordinary_text_and_a_display_name_account_is_masked():
    case = _case("Warga Banyumanik melapor jalan rusak di RT 3", account="Warga Banyumanik")
    assert privacy.scrub(case.text, case) == "Wa***ik melapor jalan rusak di RT 3"


def test_summary_is_short_and_cut_at_a_word():
    case = _case("kata " * 100)
    short = privacy.summary(case, width=40)
    assert len(short) <= 40 and short.endswith("kata…")
    case = _case("Tetangga saya sering memukul anaknya sampai terdengar menangis tiap malam")
    assert privacy.summary(case, width=30) == "Tetangga saya sering memukul…"
    assert privacy.summary(_case("Halo min"), width=30) == "Halo min"  # short text: no ellipsis


def test_shorten_cuts_inside_one_overlong_word_only():
    assert fmt.shorten("Supercalifragilisticexpialidocious", 10) == "Supercali…"
    assert fmt.shorten("satu dua tiga", 9) == "satu dua…"  # the room ends with a whole word: kept
    assert fmt.shorten("satu, dua tiga", 8) == "satu…"  # no dangling comma before the ellipsis


def _no_emoji_font(code: int) -> bool:
    return code < 0x2000  # a machine with a Latin font only


def test_text_no_font_can_draw_becomes_words_never_boxes():
    out = fmt.readable("DM sekarang 🔥🔥 🙏🏽 👨\u200d👩\u200d👧 🇮🇩 你好", _no_emoji_font)
    assert out == (
        "DM sekarang [emoji: fire ×2] [emoji: person with folded hands] [emoji: man + woman + girl] "
        "[emoji: bendera ID] [aksara CJK ×2]"
    )
    assert fmt.readable("Halo é, ümlaut", _no_emoji_font) == "Halo é, ümlaut"  # drawable text untouched
    assert fmt.readable("a\u202eterbalik\u202c b", lambda c: True) == "aterbalik b"  # bidi overrides dropped
    assert fmt.readable("🔥", lambda c: True) == "🔥"  # a machine with the emoji font keeps the emoji


# Every pattern shared output is scrubbed of (issue 11), each with the forms people type.
PERSONAL = {
    "phone 08": "0813-1111-2222",
    "phone +62": "+62 813 1111 2222",
    "phone 62": "6281311112222",
    "NIK": "3374011234567890",
    "NIK grouped": "3374 0112 3456 7891",
    "e-mail": "korban.x@mail.example.com",
    "handle": "@saksi_mata99",
    "URL": "https://contoh.example.com/foto?id=1",
    "www": "www.contoh-situs.id/profil",
    "bare host": "bit.ly/3xYzAbc",
    "reporter's name": "Rahmawati",
    "reporter's contact": "081234567890",
}


@pytest.mark.parametrize("kind", list(PERSONAL))
def test_scrub_removes_every_pattern(kind):
    secret = PERSONAL[kind]
    text = f"Tolong bantu, data: {secret}. Terima kasih."
    out = privacy.scrub(text, _case(text))
    assert secret not in out, out
    assert out.startswith("Tolong bantu, data: [") or "@sa***99" in out, out
    assert out.endswith("Terima kasih.") or out.endswith(". Terima kasih.")


def test_scrub_keeps_numbers_and_words_that_are_not_personal():
    text = "Sudah 2 minggu, RT 03/RW 05, tahun 2026, nomor laporan 12345, pukul 10.30."
    assert privacy.scrub(text, _case(text)) == text


EMAIL_PATTERN = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"


def test_e_mails_are_found_exactly_where_the_pattern_finds_them():
    import random
    import re

    pattern = re.compile(EMAIL_PATTERN)
    rng = random.Random(9)
    for _ in range(5000):
        text = "".join(rng.choice("ab1_é.+-@ \n") for _ in range(rng.randint(0, 40)))
        assert privacy.replace_emails(text, "<E>") == pattern.sub("<E>", text), text
    assert privacy.replace_emails("a@b.c+x@d.e tulis ke ani.s@dinas.go.id.", "<E>") == "<E><E> tulis ke <E>."


ADVERSARIAL = {
    "e-mail-ish run without @": "a.b+c-d_" * (128 * 1024),
    "digits": "0" + "8" * (1024 * 1024),
    "dots": "a." * (512 * 1024),
    "@ every other character": "a@" * (512 * 1024),
    "one endless domain": "x@" + "a." * (512 * 1024),
    "@ only at the end": "x.y+z-" * (170 * 1024) + "@",
    "mentions": "@a." * (340 * 1024),
    "phone-ish groups": "0812-" * (200 * 1024),
    # The NIK, link and known-string passes (issue 11).
    "letters": "a" * (1024 * 1024),
    "ats": "@" * (1024 * 1024),
    "local runs": ("x" * 999 + "@") * 1024,
    "nik-ish groups": "3374 " * (200 * 1024),
    "schemes": "http://" * (150 * 1024),
    "hosts": "a.b." * (256 * 1024),
    "name everywhere": "Rahmawati " * (100 * 1024),
}


@pytest.mark.parametrize("shape", sorted(ADVERSARIAL))
def test_redaction_of_a_megabyte_of_adversarial_text_is_linear(shape):
    """A generous bound: linear work takes well under a second here, the old quadratic pattern hours."""
    import time

    text = ADVERSARIAL[shape]
    case = _case(text, account="@warga123")
    begin = time.perf_counter()
    privacy.scrub(text, case)
    assert time.perf_counter() - begin < 5
