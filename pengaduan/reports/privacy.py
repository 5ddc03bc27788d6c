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
from pengaduan.reports import fmt

# Every pattern here runs over complaint text, which anyone on social media writes: each must be
# linear in the text. An e-mail is found from its '@' (see `_emails`), never by a pattern that
# starts at every character of a long run and scans to its end. The phone and mention patterns
# are bounded ({6,13}, {1,64}) and their parts cannot overlap, so each start costs a constant.
EMAIL_DOMAIN_RE = re.compile(r"[\w-]+(?:\.[\w-]+)+")
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


def _local_char(ch: str) -> bool:
    """A character of an e-mail's local part: what the regex class [\\w.+-] matches."""
    return ch.isalnum() or ch in "_.+-"


def _emails(text: str) -> list[tuple[int, int]]:
    """(start, end) of every e-mail address, as `[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+` finds them
    left to right, in linear time.

    From each '@': the local part is the run of local characters before it (never reaching back
    past the previous address's end, and never past another '@'), the domain is matched forward
    from it (anchored, and it cannot cross an '@'). Each character is looked at a bounded number
    of times, however the text is shaped.
    """
    found: list[tuple[int, int]] = []
    floor = 0
    at = text.find("@")
    while at != -1:
        start = at
        while start > floor and _local_char(text[start - 1]):
            start -= 1
        if start < at:
            domain = EMAIL_DOMAIN_RE.match(text, at + 1)
            if domain is not None:
                found.append((start, domain.end()))
                floor = domain.end()
                at = text.find("@", floor)
                continue
        at = text.find("@", at + 1)
    return found


def replace_emails(text: str, replacement: str) -> str:
    """The text with every e-mail address replaced."""
    spans = _emails(text)
    if not spans:
        return text
    parts, last = [], 0
    for start, end in spans:
        parts += [text[last:start], replacement]
        last = end
    parts.append(text[last:])
    return "".join(parts)


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


def _known(value: str | None) -> str:
    """A personal string of the case to look for; nothing for a placeholder ('[terenkripsi]')."""
    text = " ".join((value or "").split())
    return "" if text.startswith("[") and text.endswith("]") else text


def scrub(text: str, case: Case) -> str:
    """The text with the reporter's personal data, e-mails, NIK, phone numbers, links and handles replaced."""
    out = " ".join(text.split())
    name = _known(case.reporter.name)
    contact = _known(case.reporter.contact)
    if contact:
        out = out.replace(contact, HIDDEN_CONTACT)
    if name:
        out = _replace_words(out, name, HIDDEN_NAME)
        # Parts of the name too ("Rahma" of "Ibu Rahma"), but not short words like "Ibu".
        for part in sorted(set(name.split()), key=len, reverse=True):
            if len(part) >= 4:
                out = _replace_words(out, part, HIDDEN_NAME)
    out = replace_emails(out, HIDDEN_EMAIL)
    out = replace_links(out, HIDDEN_URL)
    out = NIK_RE.sub(HIDDEN_NIK, out)
    out = PHONE_RE.sub(HIDDEN_PHONE, out)
    account = " ".join(case.account.split())
    if account and not account.startswith("@") and len(account) >= 4:
        out = _replace_words(out, account, mask_handle(account))  # a display name used as account
    return MENTION_RE.sub(lambda m: mask_handle(m.group(0)), out)


def summary(case: Case, width: int = 48) -> str:
    """A short, scrubbed summary of the complaint text for report tables."""
    return fmt.shorten(scrub(case.text, case), width)  # cut at a word, ended with "…"
