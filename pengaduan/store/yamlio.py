"""Deterministic YAML in and out, and atomic file writes.

Block style, keys in the order the code gives them, Unicode kept as is, no line folding: the
same data always gives the same bytes, so diffs stay small and merges clean.

Reading is bounded: a file over the size limit is refused before it is parsed, and anchors and
aliases (which the tool never writes) are refused at the event level, before anything is
composed, so an alias bomb costs no more than reading its first anchor.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from pengaduan.core.safetext import ALIAS, DEEP, YAML_DEPTH, yaml_hazard
from pengaduan.errors import StoreError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# The limit for files read before (or without) a store's own setting: pengaduan.yaml and
# sop.yaml themselves, and case files when `batas.berkas_kb` is not set. Far above a real case.
DEFAULT_LIMIT = 1024 * 1024


def _refusal(source: str, where: str, what: str) -> StoreError:
    return StoreError(
        f"berkas {where} {what}; tidak dibaca. Perbaiki lalu commit, atau kembalikan versi yang benar "
        f"(lihat 'git log -p -- {source}' di store)"
    )


def check_size(size: int, source: str, limit: int | None) -> None:
    if limit is not None and size > limit:
        raise _refusal(source, source, f"terlalu besar ({-(-size // 1024)} KB, batas {limit // 1024} KB: batas.berkas_kb)")


_HAZARDS = {
    ALIAS: "memakai anchor/alias YAML ('&' atau '*'), yang tidak pernah ditulis alat ini",
    DEEP: f"bersarang lebih dari {YAML_DEPTH} tingkat, yang tidak pernah ditulis alat ini",
}


def _refuse_hazards(text: str | bytes, source: str) -> None:
    """Refuse anchors/aliases (an alias bomb costs no more than reading its first anchor) and
    nesting libyaml's recursive composer would crash on, before anything is composed."""
    found = yaml_hazard(text)
    if found is not None:
        kind, line = found
        raise _refusal(source, f"{source} baris {line}" if line else source, _HAZARDS[kind])


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_SCALARS = {
    tag: construct
    for tag, construct in yaml.SafeLoader.yaml_constructors.items()
    if tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
               "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary")
}  # fmt: skip


class _ShortLoader(_Loader):  # type: ignore[misc, valid-type]
    """The C loader with PyYAML's tag resolution memoised: a plain scalar's implicit tag depends on
    its text alone (no path resolvers are registered), and case files repeat the same keys and
    values ('aksi', 'status', 'terima'...). Bounded, so hostile files cannot grow it."""

    _plain: dict[str, str] = {}

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        if self.yaml_path_resolvers:
            super().descend_resolver(current_node, current_index)

    def ascend_resolver(self) -> None:
        if self.yaml_path_resolvers:
            super().ascend_resolver()

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        if not implicit[0]:
            return self.DEFAULT_SCALAR_TAG
        tag = self._plain.get(value)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(value) <= 64 and len(self._plain) < 4096:
                self._plain[value] = tag
        return tag


class _Unusual(Exception):
    """A node the short path does not build (merge keys, sets, unhashable keys...): load it the usual way."""


def _load(text: str | bytes) -> Any:
    """What `yaml.load(text, Loader=_Loader)` gives, faster for what case files hold.

    The C loader composes the nodes; plain mappings, sequences and strings are then built
    directly, the other scalars by PyYAML's own safe constructors. Anything else (merge keys, a
    set, an unhashable key, an unknown tag) and any value that cannot be built is loaded by PyYAML
    itself, so the result and every error are PyYAML's."""
    loader = _ShortLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            return _build(node, loader)
        except (_Unusual, yaml.YAMLError, ValueError, OverflowError, TypeError):
            # Unusual, or refused: PyYAML builds in another order (a mapping's keys and merges
            # before what its values nest), so which fault it names first is its own to say.
            pass
    finally:
        loader.dispose()
    return yaml.load(text, Loader=_Loader)


def _build(node: Any, loader: Any) -> Any:
    tag = node.tag
    if tag == _STR:
        if not isinstance(node, yaml.ScalarNode):
            raise _Unusual
        return node.value
    if tag == _MAP:
        if not isinstance(node, yaml.MappingNode):
            raise _Unusual
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                raise _Unusual
            key = _build(key_node, loader)
            try:
                out[key] = _build(value_node, loader)
            except TypeError:  # unhashable key
                raise _Unusual from None
        return out
    if tag == _SEQ:
        if not isinstance(node, yaml.SequenceNode):
            raise _Unusual
        return [_build(item, loader) for item in node.value]
    construct = _SCALARS.get(tag)
    if construct is None or not isinstance(node, yaml.ScalarNode):
        raise _Unusual
    return construct(loader, node)


def load_checked(text: str | bytes, source: str) -> Any:
    """A piece of YAML with anchors and aliases refused; raises yaml.YAMLError on bad syntax.

    For callers that parse pieces of a file (the audit's chunked reader): they bound the
    whole file's size themselves and report syntax errors their own way.
    """
    _refuse_hazards(text, source)
    return yaml.load(text, Loader=_Loader)


def dump(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=1_000_000,
    )


def load_text(text: str | bytes, source: str, limit: int | None = DEFAULT_LIMIT) -> Any:
    """The data of one YAML document, refused when over `limit` bytes or using anchors/aliases."""
    check_size(len(text), source, limit)
    try:
        _refuse_hazards(text, source)
        return _load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source} baris {mark.line + 1}" if mark else source
        # PyYAML's own problem text is English; the line and column say where to look.
        detail = f"YAML tidak sah di kolom {mark.column + 1}" if mark else "YAML tidak sah"
        raise StoreError(
            f"berkas {where} rusak ({detail}); perbaiki atau pulihkan dengan 'git checkout -- {source}'"
        ) from None
    except yaml.YAMLError:
        raise StoreError(
            f"berkas {source} rusak (YAML tidak sah); perbaiki atau pulihkan dengan 'git checkout -- {source}'"
        ) from None
    except (ValueError, OverflowError):  # a scalar PyYAML cannot build: a date like 2026-13-45
        raise StoreError(
            f"berkas {source} rusak (nilai tidak sah); perbaiki atau pulihkan dengan 'git checkout -- {source}'"
        ) from None


def read_regular(path: Path, source: str, limit: int | None = DEFAULT_LIMIT) -> bytes:
    """A regular file's bytes: never through a symlink, never a device or FIFO, never over `limit`."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise StoreError(f"berkas {source} tidak ada") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "symlink" if stat.S_ISLNK(info.st_mode) else ("folder" if stat.S_ISDIR(info.st_mode) else "berkas khusus")
        raise _refusal(source, source, f"bukan berkas biasa ({kind})")
    check_size(info.st_size, source, limit)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1) if limit is not None else handle.read()
    check_size(len(data), source, limit)  # grew since the lstat
    return data


def load_file(path: Path, source: str, limit: int | None = DEFAULT_LIMIT) -> Any:
    return load_text(read_regular(path, source, limit), source, limit)


def update_top_level(text: str, old: dict[str, Any], new: dict[str, Any]) -> str:
    """`text` (the YAML of `old`) with each changed key's block rewritten to `new`'s value.

    A changed mapping written in block style is updated key by key inside (so the comments that
    document `kalender`'s other settings stay when only `kalender.libur_tambahan` changes);
    everything else, comments included, is kept byte for byte. When the result would not read
    back as `new` (a layout this does not understand), the whole document is dumped instead.
    """
    if any(key not in new for key in old):
        return dump(new)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    result = "".join(_update_block(lines, 0, old, new))
    if not _reads_as(result, new):
        return dump(new)
    return result


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _update_block(lines: list[str], indent: int, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The lines of a mapping at `indent` with its changed keys rewritten (recursing into mappings)."""
    lines = list(lines)
    pad = " " * indent
    for key in new:
        if key in old and old[key] == new[key]:
            continue
        start = next(
            (i for i, line in enumerate(lines) if _indent_of(line) == indent and line[indent:].startswith(f"{key}:")),
            None,
        )
        block = "".join(pad + line if line.strip() else line for line in dump({key: new[key]}).splitlines(keepends=True))
        if start is None:
            end = len(lines)
            while end > 0 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")) and indent:
                end -= 1
            lines[end:end] = [block]
            continue
        end = start + 1
        # A block goes on over deeper lines, items of a list at its own indent, blank lines and
        # comments, up to the next key at its level...
        while end < len(lines):
            line = lines[end]
            stripped = line.strip()
            if not stripped or _indent_of(line) > indent or (_indent_of(line) == indent and stripped.startswith(("- ", "#"))):
                end += 1
                continue
            break
        # ...but the comments and blank lines just before that key document it: they stay.
        while end > start + 1 and (lines[end - 1].lstrip().startswith("#") or not lines[end - 1].strip()):
            end -= 1
        inner = lines[start + 1 : end]
        head = lines[start][indent + len(key) + 1 :].strip()
        children = [line for line in inner if line.strip() and not line.lstrip().startswith("#")]
        nested = (
            isinstance(old.get(key), dict)
            and isinstance(new[key], dict)
            and all(k in new[key] for k in old[key])
            and (not head or head.startswith("#"))
            and children
            and all(_indent_of(line) > indent for line in children)
        )
        if nested:
            lines[start + 1 : end] = _update_block(inner, _indent_of(children[0]), old[key], new[key])
            continue
        if isinstance(new[key], list) and children and children[0].lstrip().startswith("- "):
            # A list written with its items indented keeps that indentation.
            extra = " " * (_indent_of(children[0]) - indent)
            head_line, *rest = block.splitlines(keepends=True)
            block = head_line + "".join(extra + line if line.strip() else line for line in rest)
        lines[start:end] = [block]
    return lines


def _reads_as(text: str, data: dict[str, Any]) -> bool:
    """True when text is valid YAML for exactly `data`, with no top-level key written twice
    (PyYAML would silently keep the last, and a later hand edit of the first would do nothing)."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        keys = [key.value for key, _ in node.value] if isinstance(node, yaml.MappingNode) else []
        return len(keys) == len(set(keys)) and yaml.load(text, Loader=_Loader) == data
    except yaml.YAMLError:
        return False


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fsync_dir(folder: Path) -> None:
    """Make a folder's entries (a rename, a new or removed file) survive a power cut."""
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _make_dirs(folder: Path) -> None:
    """mkdir -p, fsyncing the parent of every folder made (so the new folder itself survives)."""
    if folder.is_dir():
        return
    _make_dirs(folder.parent)
    try:
        folder.mkdir()
    except FileExistsError:
        return
    fsync_dir(folder.parent)


def temp_name_pattern(name: str) -> str:
    """The glob of the temp files write_atomic makes for a file called `name` (left behind by a kill)."""
    return f".{name}.*.tmp"


def write_temp(path: Path, data: bytes) -> str:
    """Write data to a new temp file beside `path`, fsynced; its name (rename it with `replace`)."""
    _make_dirs(path.parent)
    fd, tmp = _new_temp(path)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


_TEMP_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def _new_temp(path: Path) -> tuple[int, str]:
    """A new file `.NAME.RANDOM.tmp` beside `path`, created exclusively, owner-only (as
    tempfile.mkstemp makes it; that module costs a few ms of every command's start-up)."""
    for _ in range(100):
        tmp = os.path.join(path.parent, f".{path.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, _TEMP_FLAGS, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temp name beside {path}")


def replace(tmp: str, path: Path) -> None:
    """Rename a temp file from `write_temp` over `path`, and fsync the folder."""
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise
    fsync_dir(path.parent)


def _unlink(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync it, rename it over the target, fsync the folder.

    The file gets the permissions a plain write would (0666 less the umask), not the
    owner-only mode of a temp file: other admins on a shared machine must read the store.
    """
    replace(write_temp(path, data), path)
