"""Text that crosses the tool's edges: what may come in, and how it is shown going out.

Coming in, every text field has a size limit, and single-line fields (akun, tautan, names,
contacts) refuse line breaks and control characters. Going out, `visible` turns every character
a terminal would act on (C0 and C1 controls, DEL, bidirectional overrides and isolates, lone
surrogates from undecodable bytes) into a visible escape, so text from social media or from a
case file cannot move the cursor, retitle the window, hide text or forge an output line.

Pure: no I/O, nothing printed.
"""

from __future__ import annotations

import re

from pengaduan.errors import InputError

# Characters never written raw to a terminal. C0 (tab and newline handled by the callers' mode),
# DEL and C1; the bidi marks, embeddings, overrides and isolates (U+061C, U+200E/F, U+202A-E,
# U+2066-9); line/paragraph separators (some terminals and viewers break lines on them); and
# lone surrogates (bytes that were not UTF-8, kept by Python's surrogateescape).
_UNSAFE_CLASS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE_LINE = re.compile(f"[\t\n{_UNSAFE_CLASS}]")
_UNSAFE_BLOCK = re.compile(f"[{_UNSAFE_CLASS}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code < 0x100:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8: show the byte itself
        return f"\\x{code - 0xDC00:02x}"
    return f"⟨U+{code:04X}⟩"


def visible(text: object) -> str:
    """One line safe for a terminal: every control character (tab and newline too) shown as an
    escape such as `\\x1b` or `⟨U+202E⟩`; a field value can never start a new output line."""
    value = str(text)
    return _UNSAFE_LINE.sub(_escape, value) if _UNSAFE_LINE.search(value) else value


def visible_block(text: object) -> str:
    """Multi-line text safe for a terminal: newlines and tabs kept, every other control escaped."""
    value = str(text)
    return _UNSAFE_BLOCK.sub(_escape, value) if _UNSAFE_BLOCK.search(value) else value


# -- input limits ---------------------------------------------------------------------------------
KB = 1024
# The complaint text and the answers: long posts and pasted letters fit, a flood does not.
LONG_TEXT_BYTES = 64 * KB
# Notes and reasons for the history.
NOTE_BYTES = 8 * KB
# Single-line fields: handles, names, contacts; links get more room.
LINE_CHARS = 256
LINK_CHARS = 2048

# Controls refused in single-line fields: all of C0 (tab, CR and LF included), DEL, C1, and the
# line/paragraph separators. Bidi marks are not refused (right-to-left names are real) but are
# always shown escaped.
_LINE_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# Multi-line fields keep tab and newline (CR too: pasted text from Windows); nothing else below
# space, and no lone surrogates (they cannot be written as UTF-8).
_TEXT_CONTROLS = re.compile("[\ud800-\udfff]")


def _size_label(limit: int) -> str:
    return f"{limit // KB} KB" if limit >= KB and limit % KB == 0 else f"{limit} byte"


def check_line(value: str, option: str, limit: int = LINE_CHARS) -> str:
    """A single-line value as given, or an InputError saying what is wrong with it."""
    bad = _LINE_CONTROLS.search(value)
    if bad is not None:
        what = "baris baru" if bad.group(0) in "\r\n\u2028\u2029" else f"karakter kendali {_escape(bad)}"
        raise InputError(f"{option} berisi {what}; nilai ini harus satu baris teks biasa, ketik ulang tanpa {what}")
    if len(value) > limit:
        raise InputError(f"{option} terlalu panjang ({len(value)} karakter, maks. {limit}); persingkat nilainya")
    return value


def check_text(value: str, option: str, limit: int = LONG_TEXT_BYTES) -> str:
    """A multi-line value as given (newlines and tabs allowed), or an InputError when it is too big."""
    bad = _TEXT_CONTROLS.search(value)
    if bad is not None:
        raise InputError(f"{option} berisi bita yang bukan UTF-8 ({_escape(bad)}); salin ulang teksnya sebagai UTF-8")
    size = len(value.encode("utf-8"))
    if size > limit:
        raise InputError(
            f"{option} terlalu panjang ({size} byte, maks. {_size_label(limit)}); simpan naskah lengkapnya di tempat lain "
            "dan catat ringkasan serta tautannya"
        )
    return value


# Every text a petugas types, by its name here: (option named in messages, single line?, limit).
# Single-line limits count characters, multi-line ones UTF-8 bytes. `terima`, the steps and
# `koreksi` all check through `check_text_field`, so the rules live in this one place.
TEXT_FIELDS: dict[str, tuple[str, bool, int]] = {
    "account": ("--akun", True, LINE_CHARS),
    "link": ("--tautan", True, LINK_CHARS),
    "text": ("--isi", False, LONG_TEXT_BYTES),
    "reporter_name": ("--nama-pelapor", True, LINE_CHARS),
    "reporter_contact": ("--kontak", True, LINE_CHARS),
    "answer": ("--isi", False, LONG_TEXT_BYTES),
    "note": ("--catatan", False, NOTE_BYTES),
    "reason": ("--alasan", False, NOTE_BYTES),
    "performer_name": ("--oleh", True, LINE_CHARS),
    "referral": ("--ke", True, LINE_CHARS),
}


def check_text_field(name: str, value: str | None, option: str | None = None) -> str | None:
    """A typed text value checked against its field's rule (size; one line where it must be)."""
    if value is None:
        return None
    default_option, single_line, limit = TEXT_FIELDS[name]
    option = option or default_option
    if single_line:
        return check_line(value, option, limit)
    return check_text(value, option, limit)


# -- YAML nesting -----------------------------------------------------------------------------------
# Deepest collection nesting a YAML input may have. The tool's files nest 4 deep; libyaml's composer
# recurses in C and a few ten thousand levels (a 100 KB line of '[' or '- ') crash the process, so
# the nesting is refused before anything is composed. Far above any honest file, far below a crash.
YAML_DEPTH = 256
_DEEP_INDENT = re.compile(r"(?m)^ {40}")
_DEEP_INDENT_BYTES = re.compile(rb"(?m)^ {40}")
# The compact indicators: '- ', '? ' and the value indicator ': ' (after '? key' the value may open
# block sequences on its own line).
_COMPACT = re.compile(r"(?m)^[ \t]*(?:[-?:][ \t]+){3}")
_COMPACT_BYTES = re.compile(rb"(?m)^[ \t]*(?:[-?:][ \t]+){3}")
# What the patterns above cannot see: libyaml also breaks lines at a lone CR, NEL (U+0085), LINE and
# PARAGRAPH SEPARATOR (Python's '^' only after LF), a byte order mark may stand before the first
# indicator, and bytes opening with UTF-16's BOM are read as UTF-16. Input holding any of them is
# always walked (the tool never writes them; a CRLF file is read exactly as before, a little slower).
_UNSEEN = ("\r", "\x85", "\u2028", "\u2029", "\ufeff")
_UNSEEN_BYTES = re.compile(rb"\r|\xc2\x85|\xe2\x80[\xa8\xa9]|\xef\xbb\xbf")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


# What yaml_hazard finds: an anchor or alias (the tool never writes one; an alias bomb expands to
# billions of nodes), or nesting deeper than YAML_DEPTH.
ALIAS, DEEP = "alias", "deep"


def yaml_hazard(text: str | bytes) -> tuple[str, int] | None:
    """(ALIAS or DEEP, line: 1-based, 0 when unknown) of the first anchor/alias or nesting deeper
    than YAML_DEPTH, else None; found before anything is composed.

    Most inputs are proved safe from their bytes alone: without a '&' or '*' there is no anchor or
    alias, and without 40-space indentation, three compact indicators on a line ('- - -', '? - -',
    ': - -'), 32 flow brackets or a line break or mark the patterns cannot see (`_UNSEEN`), a block
    structure cannot nest more than a few levels per indentation column. Only the others are walked
    event by event, once for both (libyaml's parser keeps its own stack: it never recurses). Bad
    syntax raises yaml.YAMLError, as loading would.
    """
    if isinstance(text, bytes):
        may_alias = b"&" in text or b"*" in text
        brackets = text.count(b"[") + text.count(b"{")
        unseen = text[:2] in _UTF16_BOMS or _UNSEEN_BYTES.search(text) is not None
        deep = bool(unseen or _DEEP_INDENT_BYTES.search(text) or _COMPACT_BYTES.search(text))
    else:
        may_alias = "&" in text or "*" in text
        brackets = text.count("[") + text.count("{")
        deep = bool(any(u in text for u in _UNSEEN) or _DEEP_INDENT.search(text) or _COMPACT.search(text))
    may_nest = brackets >= 32 or deep
    if not (may_alias or may_nest):
        return None
    import yaml

    opening = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    closing = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    depth = 0
    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if may_alias and (isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None):
                return ALIAS, _line(event.start_mark)
            if isinstance(event, opening):
                depth += 1
                if depth > YAML_DEPTH:
                    return DEEP, _line(event.start_mark)
            elif isinstance(event, closing):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        # Newer libyaml (PyYAML >= 6.0.4's) stops at its own nesting limit (1,000) while it scans
        # ahead of the events: the same fault, refused with the same words.
        if exc.problem == "exceeded maximum nesting depth":
            return DEEP, _line(exc.problem_mark)
        raise
    return None


def _line(mark: object) -> int:
    line = getattr(mark, "line", None)
    return line + 1 if isinstance(line, int) else 0
