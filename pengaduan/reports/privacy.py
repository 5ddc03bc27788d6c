"""What anything shared may show of a complaint: masked handles and text without personal data.

The reporter's name and contact never reach a report. Handles are shown as '@wa***23'. The
complaint text is scrubbed: the reporter's own name, contact and handle, any e-mail address,
16-digit NIK, phone number, URL or @mention in it are replaced before it leaves this module.
Reports, `daftar`/`terlambat` exports and reminders all go through `scrub`.

Every pattern runs over text anyone on social media writes, so each is linear in the text: the
NIK and phone patterns are bounded repetitions of single digits (each start costs a constant),
URLs are found per whitespace-separated word with anchored, unambiguous checks, and the case's
own strings are literal searches.
"""

from __future__ import annotations

import re

from pengaduan.core.case import Case

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Indonesian phone numbers as people type them: 0812-3456-7890, +62 812 3456 7890, 628123456789.
PHONE_RE = re.compile(r"(?<![\w])(?:\+?62|0)\s?\d(?:[\s.\-]?\d){6,13}(?!\w)")
MENTION_RE = re.compile(r"(?<![\w@])@[\w.]{1,64}")
# A 16-digit NIK (Nomor Induk Kependudukan), also typed in groups of four: 3374 0112 3456 0001.
NIK_RE = re.compile(r"(?<!\d)\d{4}(?:[ .\-]?\d{4}){3}(?!\d)")
# Words that are links: a scheme or www., or a host name ending in a top-level domain people use.
URL_START_RE = re.compile(r"(?:https?://|www\.)", re.IGNORECASE)
HOST_RE = re.compile(r"[\w-]+(?:\.[\w-]+)+(?:[/?#]\S*)?")
TLDS = frozenset("com id net org co io me ly info biz xyz app link site web gov edu".split())
WORD_RE = re.compile(r"\S+")
HIDDEN_NAME = "[nama disamarkan]"
HIDDEN_CONTACT = "[kontak disamarkan]"
HIDDEN_EMAIL = "[email disamarkan]"
HIDDEN_PHONE = "[nomor disamarkan]"
HIDDEN_NIK = "[NIK disamarkan]"
HIDDEN_URL = "[tautan disamarkan]"


def mask_handle(account: str) -> str:
    """'@warga123' -> '@wa***23'; short handles keep less; a display name is masked the same way.

    A placeholder ('[rahasia]', '[terenkripsi]', '[dihapus ...]') is shown as it is."""
    raw = " ".join(str(account).split())
    if raw.startswith("[") and raw.endswith("]"):
        return raw
    prefix = "@" if raw.startswith("@") else ""
    core = raw.lstrip("@").strip(".")
    if len(core) >= 6:
        shown = core[:2] + "***" + core[-2:]
    elif len(core) >= 3:
        shown = core[:1] + "***" + core[-1:]
    else:
        shown = core[:1] + "***"
    return prefix + shown


def _replace_words(text: str, needle: str, replacement: str) -> str:
    if not needle or needle.casefold() not in text.casefold():
        return text  # the usual case: no pattern to build
    pattern = re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", re.IGNORECASE)
    return pattern.sub(replacement, text)


def _is_link(word: str) -> bool:
    """True when a word (no whitespace) is a URL or a bare host name with a known top-level domain."""
    if URL_START_RE.match(word):
        return True
    host = HOST_RE.match(word.strip("()[]<>\"'.,;:!?"))
    if host is None or host.end() != len(word.strip("()[]<>\"'.,;:!?")):
        return False
    name = host.group(0).split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return name.rsplit(".", 1)[-1].lower() in TLDS and not name.replace(".", "").isdigit()


def replace_links(text: str, replacement: str) -> str:
    """The text with every word that is a link replaced (linear: each word is checked once)."""
    if "." not in text and "://" not in text:
        return text
    return WORD_RE.sub(lambda m: replacement if _is_link(m.group(0)) else m.group(0), text)


def scrub(text: str, case: Case) -> str:
    """The text with the reporter's personal data, e-mails, NIK, phone numbers, links and handles replaced."""
    out = " ".join(text.split())
    name = " ".join((case.reporter.name or "").split())
    contact = (case.reporter.contact or "").strip()
    if contact:
        out = out.replace(contact, HIDDEN_CONTACT)
    if name:
        out = _replace_words(out, name, HIDDEN_NAME)
        # Parts of the name too ("Rahma" of "Ibu Rahma"), but not short words like "Ibu".
        for part in sorted(set(name.split()), key=len, reverse=True):
            if len(part) >= 4:
                out = _replace_words(out, part, HIDDEN_NAME)
    out = EMAIL_RE.sub(HIDDEN_EMAIL, out)
    out = replace_links(out, HIDDEN_URL)
    out = NIK_RE.sub(HIDDEN_NIK, out)
    out = PHONE_RE.sub(HIDDEN_PHONE, out)
    account = " ".join(case.account.split())
    if account and not account.startswith("@") and len(account) >= 4:
        out = _replace_words(out, account, mask_handle(account))  # a display name used as account
    return MENTION_RE.sub(lambda m: mask_handle(m.group(0)), out)


def summary(case: Case, width: int = 48) -> str:
    """A short, scrubbed summary of the complaint text for report tables."""
    clean = scrub(case.text, case)
    return clean if len(clean) <= width else clean[: width - 1].rstrip() + "…"
