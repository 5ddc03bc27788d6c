"""Finishing or undoing what a killed command left half done, before any other change.

A transition first writes its intent to .git/pengaduan/transaksi.json (fsynced): the HEAD it
starts from and, per path, the blob id it will commit (None: the path is removed). A `sinkron`
that moves the branch first writes .git/pengaduan/sinkron-niat.json: the commit it moves from
and the one it moves to (Store.move_head). Only then is the work tree or the branch touched.
Every command that takes the store lock, and `periksa --perbaiki`, calls `recover()` first; it
handles both intents (a locked step runs only on a store with neither, so at most one is ever
left):

- no intent file: nothing to do (one stat: the hot path never scans the store);
- the branch did not move: the step was not recorded, so it is undone (index and work tree as
  HEAD has them, temp files removed, a half-done merge reset);
- the branch moved to the commit the intent describes: the step was recorded, so it is finished
  (index and work tree made to match the commit);
- anything else (a file holding bytes that are neither before nor after, the branch moved
  elsewhere): it refuses with one line naming the file and the command that repairs it;
- a branch move: when the branch is at the new commit, the index and the files are made to
  follow it (refused when other changes are in the work tree); otherwise it never moved and
  the intent is dropped.

The store lock itself is an flock: the kernel drops it with its process, so a dead owner never
holds it. git's own lock files (index.lock, refs/heads/main.lock) do outlive a killed git: one
that no process has open, and that stays so for STALE_SECONDS, is removed (a live one is waited for).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pengaduan.errors import StoreError
from pengaduan.store import lock as locks
from pengaduan.store import yamlio
from pengaduan.store.git import BRANCH, blob_id

if TYPE_CHECKING:
    from pengaduan.store.store import Store

JOURNAL = "transaksi.json"
# A branch move in progress (sinkron): old and new commit, so a killed run is finished by the next.
MOVE = "sinkron-niat.json"
COMMIT = "transaksi"
MERGE = "sinkron"
# git lock files a killed git may leave (relative to .git).
GIT_LOCKS = ("index.lock", f"refs/heads/{BRANCH}.lock", "HEAD.lock", "ORIG_HEAD.lock", "MERGE_HEAD.lock", "config.lock")


@dataclass
class Intent:
    kind: str  # COMMIT or MERGE
    head: str | None
    files: dict[str, str | None] = field(default_factory=dict)  # path -> blob id to commit (None: removed)
    theirs: str | None = None  # MERGE: the commit being merged
    pid: int = 0

    def to_json(self) -> bytes:
        data = {"jenis": self.kind, "head": self.head, "berkas": self.files, "theirs": self.theirs, "pid": self.pid}
        return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Intent:
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("jenis") not in (COMMIT, MERGE) or not isinstance(data.get("berkas"), dict):
            raise ValueError("not an intent")
        return cls(data["jenis"], data.get("head"), dict(data["berkas"]), data.get("theirs"), int(data.get("pid") or 0))


def journal_path(store: Store) -> Path:
    return store.git.git_dir / "pengaduan" / JOURNAL


def begin(store: Store, intent: Intent) -> None:
    """Write the intent durably (file and folder fsynced) before anything in the work tree changes."""
    intent.pid = os.getpid()
    yamlio.write_atomic(store.private_dir() / JOURNAL, intent.to_json())


def end(store: Store) -> None:
    """The transition is complete (or fully undone): its intent is no longer needed."""
    try:
        os.unlink(journal_path(store))
    except FileNotFoundError:
        pass


def pending(store: Store) -> Intent | None:
    """The intent a killed command left, or None. A journal that cannot be read is refused."""
    path = journal_path(store)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        return Intent.from_json(raw)
    except (ValueError, TypeError, KeyError):
        raise StoreError(_unknown(store, path, "catatan transaksi itu rusak")) from None


def _unknown(store: Store, what: Path | str, why: str) -> str:
    return (
        f"transaksi yang terputus tidak dapat dipulihkan otomatis: {what} — {why}; periksa dengan "
        f"'pengaduan --store {store.root} periksa', lalu kembalikan berkas itu ke commit terakhir dengan "
        f"'git -C {store.root} checkout HEAD -- BERKAS' dan jalankan 'pengaduan --store {store.root} periksa --perbaiki'"
    )


def recover(store: Store) -> list[str]:
    """Finish or undo a half-done transition or sinkron (the caller holds the store lock).

    Returns what was done, one Indonesian line each (empty: nothing was pending). Cheap when
    nothing is pending: two stats.
    """
    done = clear_git_locks(store, store.git.lock_seconds)
    # The intents' own temp files, from a kill while one was written (only ever written under this lock).
    for name in (JOURNAL, MOVE):
        for tmp in journal_path(store).parent.glob(yamlio.temp_name_pattern(name)):
            tmp.unlink(missing_ok=True)
    intent = pending(store)
    if intent is None:
        if store.git.merge_in_progress():
            raise StoreError(
                f"store sedang dalam penggabungan git yang belum selesai ({store.git.git_dir / 'MERGE_HEAD'}), bukan dari "
                f"'pengaduan sinkron'; batalkan dengan 'git -C {store.root} merge --abort' (atau 'pengaduan periksa "
                "--perbaiki') lalu ulangi"
            )
    elif intent.kind == MERGE:
        done += _recover_merge(store, intent)
        end(store)
    else:
        done += _recover_commit(store, intent)
        end(store)
    moved = recover_move(store)
    if moved:
        done.append(moved)
    return done


# -- a branch move (sinkron) -----------------------------------------------------------------------
def move_path(store: Store) -> Path:
    return store.git.git_dir / "pengaduan" / MOVE


def begin_move(store: Store, old: str, new: str) -> None:
    """Write the branch move's intent durably before the branch moves."""
    yamlio.write_atomic(store.private_dir() / MOVE, json.dumps({"lama": old, "baru": new}).encode())


def end_move(store: Store) -> None:
    move_path(store).unlink(missing_ok=True)


def pending_move(store: Store) -> tuple[str, str] | None:
    """(old, new) of a branch move a killed sinkron left, or None. One that cannot be read is refused."""
    path = move_path(store)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        data = json.loads(raw)
        old, new = data["lama"], data["baru"]
        if not (isinstance(old, str) and isinstance(new, str) and old and new):
            raise ValueError("not an intent")
    except (ValueError, TypeError, KeyError):
        raise StoreError(_unknown(store, path, "catatan sinkron itu rusak")) from None
    return old, new


def recover_move(store: Store) -> str | None:
    """Finish a branch move a killed sinkron left half done; a sentence saying so, or None.

    The branch at the new commit: the move was made, so the index and the files follow it (only
    the paths the move changes may differ). Anywhere else: the branch never moved (or was moved
    since by hand): the intent says nothing about it and is dropped.
    """
    move = pending_move(store)
    if move is None:
        return None
    old, new = move
    git = store.git
    done = None
    if git.head() == new:
        changed = set(git.changed_paths(old, new, "."))
        stray = [p for p in git.dirty() if p not in changed and not any(c.startswith(p) for c in changed)]
        if stray:
            raise StoreError(
                f"sinkron sebelumnya terputus dan store juga punya perubahan lain ({', '.join(stray[:3])}); periksa "
                f"dengan 'git -C {store.root} status', kembalikan perubahan itu, lalu ulangi"
            )
        git.reset_files(new)
        done = f"sinkron yang terputus diselesaikan: berkas store kini sesuai commit {new[:12]}"
    end_move(store)
    return done


def clear_git_locks(store: Store, seconds: float) -> list[str]:
    """Remove git lock files that no process has open (waiting, bounded, for live ones to go).

    Under the store lock no command of ours runs git, so a lock file is another git's (an
    editor's `git status`: it holds the file open, and is waited for) or a killed git's
    (open by no one, and still there after STALE_SECONDS: removed). One whose holder cannot be
    known (processes of other users hidden from /proc) is never removed here.
    """
    done = []
    for name in GIT_LOCKS:
        path = store.git.git_dir / name
        if locks.age(path) is None:
            continue
        if locks.wait_gone_or_stale(path, seconds) and locks.all_visible():
            path.unlink(missing_ok=True)
            done.append(f"kunci git {path} yang tertinggal dihapus (tidak dibuka proses mana pun)")
    return done


def _current_blob(store: Store, path: str) -> str | None | bool:
    """The blob id of the work tree's file, None when absent, False when it is not a regular file."""
    full = store.root / path
    try:
        if full.is_symlink() or (full.exists() and not full.is_file()):
            return False
        data = full.read_bytes()
    except FileNotFoundError:
        return None
    return blob_id(data)


def _recover_commit(store: Store, intent: Intent) -> list[str]:
    git = store.git
    tip = git.head()
    paths = sorted(intent.files)
    if tip == intent.head:
        target, verb = tip, "dibatalkan (belum tercatat)"
    elif tip is not None and git.parents(tip)[:1] == [intent.head or ""] and _tree_matches(store, tip, intent):
        target, verb = tip, "diselesaikan (sudah tercatat di commit " + tip[:10] + ")"
    else:
        why = f"HEAD bergeser ke {tip and tip[:10]} yang bukan commit transaksi itu"
        raise StoreError(_unknown(store, journal_path(store), why))
    before = git.tree_blobs(intent.head, paths) if intent.head else dict.fromkeys(paths)
    after = git.tree_blobs(target, paths) if target else dict.fromkeys(paths)
    for path in paths:
        current = _current_blob(store, path)
        known = {(before[path] or (None, None))[1], intent.files[path]}
        if current is False or current not in known:
            raise StoreError(_unknown(store, path, "isinya bukan isi sebelum maupun sesudah transaksi itu"))
    git.set_index(after)
    contents = git.read_committed(target, [p for p in paths if after[p]]) if target else {}
    for path in paths:
        full = store.root / path
        data = contents.get(path)
        if data is None:
            full.unlink(missing_ok=True)
            _prune_empty_dirs(full.parent, store.root)
        elif _current_blob(store, path) != after[path][1]:  # type: ignore[index]
            yamlio.write_atomic(full, data)
    removed = remove_temp_files(store, paths)
    shown = ", ".join(paths[:3]) + (" ..." if len(paths) > 3 else "")
    lines = [f"transaksi yang terputus {verb}: {shown}"]
    if removed:
        lines.append(f"{removed} berkas sementara yang tertinggal dihapus")
    return lines


def _tree_matches(store: Store, commit: str, intent: Intent) -> bool:
    entries = store.git.tree_blobs(commit, sorted(intent.files))
    return all((entries[p] or (None, None))[1] == blob for p, blob in intent.files.items())


def remove_temp_files(store: Store, paths: list[str]) -> int:
    """Delete write_atomic's temp files beside these paths (only those: the hot path never scans)."""
    count = 0
    for path in paths:
        full = store.root / path
        if not full.parent.is_dir():
            continue
        for tmp in full.parent.glob(yamlio.temp_name_pattern(full.name)):
            tmp.unlink(missing_ok=True)
            count += 1
        _prune_empty_dirs(full.parent, store.root)
    return count


def _recover_merge(store: Store, intent: Intent) -> list[str]:
    git = store.git
    tip = git.head()
    if intent.head is None or intent.theirs is None:
        raise StoreError(_unknown(store, journal_path(store), "catatan sinkron tidak lengkap"))
    if tip == intent.head:
        # The merge was not recorded: back to the HEAD sinkron started from (it was clean then).
        git.reset_hard(intent.head)
        removed = _remove_merge_leftovers(store, intent.theirs)
        extra = f"; {removed} berkas yang tertinggal dari merge dihapus" if removed else ""
        return [f"sinkron yang terputus dibatalkan: store kembali ke commit {intent.head[:10]}{extra}"]
    if tip is not None and git.is_ancestor(intent.head, tip) and git.is_ancestor(intent.theirs, tip):
        git.reset_hard(tip)
        return [f"sinkron yang terputus diselesaikan: store sesuai commit {tip[:10]}"]
    raise StoreError(_unknown(store, journal_path(store), f"HEAD bergeser ke {tip and tip[:10]} yang bukan hasil sinkron itu"))


def _remove_merge_leftovers(store: Store, theirs: str) -> int:
    """Untracked files a killed merge wrote from the remote's commit (same path, same bytes)."""
    leftovers = store.git.untracked()
    if not leftovers:
        return 0
    remote = store.git.tree_blobs(theirs, leftovers)
    count = 0
    for path in leftovers:
        entry = remote.get(path)
        if entry is not None and _current_blob(store, path) == entry[1]:
            (store.root / path).unlink()
            _prune_empty_dirs((store.root / path).parent, store.root)
            count += 1
    return count


def _prune_empty_dirs(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
