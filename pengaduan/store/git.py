"""The only module that talks to git.

The hot path (one transition = one commit) drives the git binary's plumbing directly:
update-index, write-tree, commit-tree and a compare-and-swap update-ref. That is a handful of
short processes whatever the store's size, where GitPython's pure-Python index would re-read
and rewrite the whole index (~2.7 s at 100,000 cases). GitPython is used where its import
(~60 ms) is affordable: history walks and config reading.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pengaduan.errors import GitError, StoreError
from pengaduan.store import killpoint, layout
from pengaduan.store import lock as locks

if TYPE_CHECKING:
    import git as gitpython  # imported late at run time (see Git.repo)

BRANCH = "main"
# git's refusal when another git holds one of its lock files (index.lock, refs/heads/main.lock...).
_GIT_LOCK = re.compile(rb"Unable to create '([^']+\.lock)': File exists")


FSYNC_CONFIG = {"core.fsync": "committed,index", "core.fsyncMethod": "fsync"}


class NotRegularFile(StoreError):
    """A store path that the commit holds as a symlink, a submodule or a folder."""


def git_lock_message(path: Path, waited: float) -> str:
    """Why git's lock file blocks us, in one line: live (wait) or stale (left by a killed git)."""
    pids = locks.holders(path)
    if pids:
        shown = ", ".join(str(p) for p in pids[:5])
        return (
            f"kunci git {path} dipegang proses lain (PID {shown}) lebih dari {waited:g} detik; tunggu proses itu "
            "selesai lalu ulangi, atau naikkan 'batas_kunci_detik' di pengaduan.yaml"
        )
    seconds = locks.age(path)
    if seconds is not None and seconds >= locks.STALE_SECONDS:
        return (
            f"kunci git {path} tertinggal dari proses git yang sudah mati (tidak dibuka proses mana pun, umur "
            f"{seconds:.0f} detik); bereskan dengan 'pengaduan periksa --perbaiki' lalu ulangi"
        )
    return (
        f"kunci git {path} dipakai proses git lain lebih dari {waited:g} detik; tunggu sebentar lalu ulangi, atau "
        "naikkan 'batas_kunci_detik' di pengaduan.yaml"
    )


@dataclass(frozen=True)
class Identity:
    name: str
    email: str

    def env(self) -> dict[str, str]:
        """The environment that makes git record this person as author and committer."""
        return {
            "GIT_AUTHOR_NAME": self.name,
            "GIT_AUTHOR_EMAIL": self.email,
            "GIT_COMMITTER_NAME": self.name,
            "GIT_COMMITTER_EMAIL": self.email,
        }


def _base_env() -> dict[str, str]:
    env = dict(os.environ)
    # Plumbing output must not depend on the user's locale, pager or prompts.
    env.update({"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat"})
    # The store is what is committed: `git replace` refs must not show other content in its place.
    env["GIT_NO_REPLACE_OBJECTS"] = "1"
    env.pop("GIT_INDEX_FILE", None)
    return env


class Git:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._env = _base_env()
        self._repo: gitpython.Repo | None = None
        # How long to wait for git's own lock files held by another git (the store's batas_kunci_detik).
        self.lock_seconds = 30.0

    # -- running ---------------------------------------------------------------------------
    def _run(
        self,
        *args: str,
        input: bytes | None = None,
        env: dict[str, str] | None = None,
        check: bool = True,
    ) -> bytes:
        """Run git; while another git holds one of its lock files, wait (bounded) and run again."""
        deadline = time.monotonic() + self.lock_seconds
        delay = locks.POLL_SECONDS
        while True:
            done = self._once(args, input, env)
            held = _GIT_LOCK.search(done.stderr) if done.returncode != 0 else None
            if held is None:
                break
            path = Path(held.group(1).decode("utf-8", "replace"))
            if time.monotonic() >= deadline or locks.is_stale(path, max(locks.STALE_SECONDS, self.lock_seconds)):
                # Never git's own advice ("remove the file manually"): that lock may belong to a live git.
                raise GitError(git_lock_message(path, self.lock_seconds))
            time.sleep(delay)
            delay = min(delay * 2, 0.25)
        if check and done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git {args[0]} gagal: {detail[-1] if detail else done.returncode}")
        return done.stdout

    def _once(self, args: Sequence[str], input: bytes | None, env: dict[str, str] | None) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(
                ["git", *args],
                cwd=self.root,
                input=input,
                capture_output=True,
                env={**self._env, **(env or {})},
            )
        except FileNotFoundError:
            raise GitError("program git tidak ditemukan; pasang git lalu ulangi") from None

    def _text(self, *args: str, **kwargs: object) -> str:
        return self._run(*args, **kwargs).decode("utf-8").strip()  # type: ignore[arg-type]

    # -- repository ------------------------------------------------------------------------
    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._run("init", "-q", "-b", BRANCH)
        # Large stores: index v4 and the untracked cache keep status fast; a split index makes
        # each commit rewrite a small delta instead of the whole index (~60 ms less at 100,000 cases).
        self._run("config", "feature.manyFiles", "true")
        self._run("config", "core.untrackedCache", "true")
        self._run("config", "core.splitIndex", "true")
        self.harden()

    def harden(self) -> None:
        """Have git fsync what it commits (objects, refs) and the index, so a power cut loses no step."""
        for key, value in FSYNC_CONFIG.items():
            self._run("config", key, value)

    def unhardened(self) -> list[str]:
        """The FSYNC_CONFIG keys this repository does not have set as wanted."""
        return [key for key, value in FSYNC_CONFIG.items() if self.config_value(key) != value]

    def exclude(self, names: Iterable[str]) -> None:
        """Have this repository ignore these top-level names (.git/info/exclude, never committed)."""
        names = list(names)
        if not names:
            return
        path = self.git_dir / "info" / "exclude"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write("# already in the folder before 'pengaduan init': not part of the store\n")
            handle.writelines(f"/{name}\n" for name in names)

    def is_repo(self) -> bool:
        return (self.root / ".git").is_dir()

    @property
    def git_dir(self) -> Path:
        return self.root / ".git"

    def head(self) -> str | None:
        out = self._run("rev-parse", "-q", "--verify", "HEAD^{commit}", check=False)
        return out.decode().strip() or None

    def dirty(self) -> list[str]:
        """Paths with uncommitted changes (staged, unstaged or untracked)."""
        # Untracked folders are named once, not file by file: listing every file under an
        # untracked folder costs a scan that would double the time of every transition.
        out = self._run("status", "--porcelain", "-z", "--untracked-files=normal")
        return [item[3:] for item in out.decode("utf-8", "replace").split("\0") if len(item) > 3]

    def config_value(self, key: str) -> str | None:
        out = self._run("config", "--get", key, check=False).decode().strip()
        return out or None

    # -- committing ------------------------------------------------------------------------
    def stage(self, paths: Iterable[str]) -> None:
        """Make the index match the working tree for these paths (added, changed or removed)."""
        present = [p for p in paths if (self.root / p).exists()]
        gone = [p for p in paths if not (self.root / p).exists()]
        if present:
            self._run("update-index", "--add", "--", *present)
        if gone:
            self._run("update-index", "--force-remove", "--", *gone)
        killpoint.here("index-updated")

    def set_index(self, entries: dict[str, tuple[str, str] | None]) -> None:
        """Set index entries outright: path -> (mode, blob id), or None to drop the path. One process."""
        if not entries:
            return
        zero = "0" * len(next((e[1] for e in entries.values() if e), "0" * 40))
        lines = [
            f"{mode} {blob}\t{path}" if entry else f"0 {zero}\t{path}"
            for path, entry in entries.items()
            for mode, blob in [entry or ("0", zero)]
        ]
        self._run("update-index", "-z", "--index-info", input=("\0".join(lines) + "\0").encode("utf-8"))

    def reset_hard(self, commit: str) -> None:
        """Index and work tree exactly as `commit` has them; a merge in progress is dropped (git reset --hard)."""
        self._run("reset", "-q", "--hard", commit)

    def untracked(self) -> list[str]:
        """Files in the work tree that git neither tracks nor ignores (a scan: recovery and periksa only)."""
        out = self._run("ls-files", "-z", "--others", "--exclude-standard")
        return [p for p in out.decode("utf-8", "replace").split("\0") if p]

    def merge_in_progress(self) -> bool:
        return (self.git_dir / "MERGE_HEAD").exists()

    def abort_merge(self) -> None:
        self._run("merge", "--abort")

    def fsck(self) -> tuple[bool, list[str]]:
        """`git fsck --strict`: (clean, its problem lines); dangling objects are not problems."""
        done = self._once(("fsck", "--strict", "--no-progress", "--no-dangling"), None, None)
        lines = (done.stdout + done.stderr).decode("utf-8", "replace").splitlines()
        return done.returncode == 0, [line for line in lines if line.strip()]

    def write_tree(self) -> str:
        """Write the index as a tree object; its id."""
        return self._text("write-tree")

    def commit_index(
        self,
        message: str,
        author: Identity,
        parent: str | None,
        sign: bool = False,
    ) -> str:
        """Write the index as a tree, commit it on `parent` and move the branch (compare-and-swap)."""
        tree = self.write_tree()
        killpoint.here("tree-written")
        args = ["commit-tree", tree, "-F", "-"]
        if parent:
            args += ["-p", parent]
        if sign:
            args.append("-S")
        who = author.env()
        try:
            commit = self._text(*args, input=message.encode("utf-8"), env=who)
        except GitError:
            if not sign:
                raise
            # Signing is required: an unsigned commit is never made in its place.
            key = self.config_value("user.signingkey") or "(belum diatur)"
            raise GitError(
                f"commit wajib ditandatangani (tanda_tangan_commit: true di pengaduan.yaml) tetapi git gagal "
                f"menandatangani dengan user.signingkey {key}; periksa kuncinya, atau atur: git -C {self.root} config "
                f"gpg.format ssh && git -C {self.root} config user.signingkey ~/.ssh/id_ed25519 (atau kunci OpenPGP)"
            ) from None
        killpoint.here("commit-made")
        old = parent or "0" * 40
        ref = f"refs/heads/{BRANCH}"
        killpoint.here("before-update-ref")
        try:
            self._run("update-ref", "-m", "pengaduan", ref, commit, old)
        except GitError as exc:
            if "kunci git" in exc.message:
                raise
            raise StoreError(
                "store berubah oleh proses lain di tengah pencatatan; tidak ada yang dicatat, ulangi perintahnya"
            ) from None
        killpoint.here("ref-updated")
        return commit

    # -- sharing through a remote -----------------------------------------------------------
    # Network operations go through GitPython's Remote API: its import (~60 ms) is nothing next
    # to a fetch, and it reports each pushed ref's outcome as flags instead of text to parse.
    def remotes(self) -> list[str]:
        return [remote.name for remote in self.repo().remotes]

    def fetch(self, remote: str) -> str | None:
        """Fetch the remote's branch; its commit id, or None when the remote has no branch yet."""
        from git.exc import GitCommandError

        try:
            self.repo().remote(remote).fetch()
        except GitCommandError as exc:
            raise GitError(f"git fetch {remote} gagal: {_last_line(exc.stderr)}") from None
        return self.commit_id(f"refs/remotes/{remote}/{BRANCH}")

    def count_commits(self, rev: str = "HEAD") -> int:
        """How many commits rev reaches."""
        return int(self._text("rev-list", "--count", rev))

    def count_between(self, base: str, tip: str) -> int:
        return int(self._text("rev-list", "--count", f"{base}..{tip}"))

    def merge(self, ref: str, message: str, author: Identity, sign: bool = False) -> list[str]:
        """Merge ref into the branch; on a conflict undo it and return the conflicting paths."""
        args = ["merge", "--no-edit", "-q", "-m", message] + (["-S"] if sign else []) + [ref]
        self._run(*args, env=author.env(), check=False)
        killpoint.here("merged")
        if not (self.git_dir / "MERGE_HEAD").exists():
            if not self.is_ancestor(ref, "HEAD"):
                raise GitError(f"git merge {ref} gagal; periksa 'git status' di store")
            return []
        unmerged = self._text("diff", "--name-only", "--diff-filter=U").split()
        self._run("merge", "--abort", check=False)
        return unmerged or ["(tidak diketahui)"]

    def push(self, remote: str) -> bool:
        """Push the branch; False when the remote moved on meanwhile (fetch and merge again)."""
        from git.exc import GitCommandError
        from git.remote import PushInfo

        try:
            results = self.repo().remote(remote).push(f"{BRANCH}:{BRANCH}")
        except GitCommandError as exc:
            raise GitError(f"git push {remote} gagal: {_last_line(exc.stderr)}") from None
        if any(info.flags & (PushInfo.REJECTED | PushInfo.REMOTE_REJECTED) for info in results):
            return False
        failed = [info for info in results if info.flags & (PushInfo.ERROR | PushInfo.REMOTE_FAILURE)]
        if failed or not results:
            detail = failed[0].summary.strip() if failed else "tidak ada ref yang terkirim"
            raise GitError(f"git push {remote} gagal: {detail}")
        return True

    # -- reading ---------------------------------------------------------------------------
    def ls_tree(self, rev: str, prefix: str) -> list[tuple[str, str]]:
        """(path, blob id) of every file under prefix at rev, in one process."""
        return [(path, blob) for _, path, blob in self.tree_entries(rev, prefix)]

    def ls_tree_modes(self, rev: str, prefix: str) -> list[tuple[str, str, str]]:
        """(path, mode, object id) of every entry under prefix at rev (symlinks and submodules too)."""
        return [(path, mode, blob) for mode, path, blob in self.tree_entries(rev, prefix)]

    def tree_entries(self, rev: str, prefix: str) -> list[tuple[str, str, str]]:
        """(mode, path, object id) of every entry under prefix at rev, in one process.

        The mode tells a regular file (100644, 100755) from a symlink (120000) or a submodule
        (160000). A path that is not UTF-8 keeps its bytes as surrogates (surrogateescape).
        """
        out = self._run("ls-tree", "-r", "-z", "--full-tree", rev, "--", prefix, check=False)
        rows = []
        for item in out.decode("utf-8", "surrogateescape").split("\0"):
            if not item:
                continue
            meta, path = item.split("\t", 1)
            mode, _, object_id = meta.split()[:3]
            rows.append((mode, path, object_id))
        return rows


    def ls_tree_sizes(self, rev: str, prefix: str) -> list[tuple[str, str, str, int]]:
        """(path, mode, object id, size in bytes; -1 for a submodule) of every entry under prefix at rev."""
        out = self._run("ls-tree", "-r", "-l", "-z", "--full-tree", rev, "--", prefix, check=False)
        rows = []
        for item in out.decode("utf-8", "replace").split("\0"):
            if not item:
                continue
            meta, path = item.split("\t", 1)
            mode, _kind, blob, size = meta.split()
            rows.append((path, mode, blob, int(size) if size.isdigit() else -1))
        return rows

    def names_in(self, rev: str, folder: str) -> list[str]:
        """Names of the entries of one folder at rev (not recursive)."""
        out = self._run("ls-tree", "-z", "--name-only", "--full-tree", rev, "--", folder.rstrip("/") + "/", check=False)
        return [p.rsplit("/", 1)[-1] for p in out.decode("utf-8", "replace").split("\0") if p]

    def read_committed(self, rev: str, paths: Sequence[str]) -> dict[str, bytes | None]:
        """The committed content of files at rev (None: not there), read from the object database.

        One `git cat-file --batch`: first the tree of each folder (its entries give each file's
        mode), then the blobs. A path the commit holds as anything but a regular file (a symlink,
        a submodule, a folder) raises NotRegularFile: no reader ever follows it.
        """
        folders = sorted({p.rpartition("/")[0] for p in paths})
        out: dict[str, bytes | None] = dict.fromkeys(paths)
        with _Batch(self) as batch:
            trees = {f: batch.get(f"{rev}:{f}" if f else f"{rev}^{{tree}}") for f in folders}
            blobs: dict[str, str] = {}
            for path in paths:
                folder, _, name = path.rpartition("/")
                tree = trees[folder]
                if not tree or tree[0] != "tree":
                    self._refuse_folder(batch, rev, path, folder)
                    continue
                entry = _tree_entry(tree[1], name.encode("utf-8"))
                if entry is None:
                    continue
                mode, blob = entry
                if mode not in layout.REGULAR_MODES:
                    kind = layout.MODE_NAMES.get(mode.zfill(6), "mode " + mode)
                    raise NotRegularFile(
                        f"berkas {path} bukan berkas biasa ({kind}) di commit; tidak dibaca. Periksa dengan 'pengaduan periksa'"
                    )
                blobs[path] = blob
            for path, blob in blobs.items():
                got = batch.get(blob)
                out[path] = got[1] if got else None
        return out

    def tree_listing(self, rev: str, paths: Sequence[str]) -> bytes:
        """`git ls-tree rev -- paths` as git prints it (the ids of those entries): a fingerprint of them."""
        return self._run("ls-tree", rev, "--", *paths, check=False)

    def read_blobs(self, ids: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        """Contents of many blobs through one `git cat-file --batch` process."""
        ids = list(ids)
        if not ids:
            return
        proc = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=self.root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=self._env,
        )
        assert proc.stdin is not None and proc.stdout is not None
        # Requests go in chunks, each read back before the next, so neither pipe can fill up.
        try:
            for start in range(0, len(ids), 256):
                chunk = ids[start : start + 256]
                proc.stdin.write("".join(f"{i}\n" for i in chunk).encode())
                proc.stdin.flush()
                for blob_id in chunk:
                    header = proc.stdout.readline().split()
                    if len(header) < 3 or header[1] == b"missing":
                        raise GitError(f"objek git {blob_id} tidak ditemukan")
                    size = int(header[2])
                    data = proc.stdout.read(size)
                    proc.stdout.read(1)
                    yield blob_id, data
        finally:
            proc.stdin.close()
            proc.wait()

    def _refuse_folder(self, batch: _Batch, rev: str, path: str, folder: str) -> None:
        """Raise NotRegularFile when a folder on the way to `path` is, in the commit, not a folder."""
        parts = folder.split("/")
        for depth in range(len(parts)):
            parent, name = "/".join(parts[:depth]), parts[depth]
            tree = batch.get(f"{rev}:{parent}" if parent else f"{rev}^{{tree}}")
            entry = _tree_entry(tree[1], name.encode("utf-8")) if tree and tree[0] == "tree" else None
            if entry is None:
                return  # simply not there
            if entry[0] not in ("40000", "040000"):
                kind = layout.MODE_NAMES.get(entry[0].zfill(6), "mode " + entry[0])
                raise NotRegularFile(
                    f"berkas {path} tidak dibaca: foldernya bukan folder biasa ({kind}) di commit; periksa "
                    f"'git -C {self.root} ls-tree -r HEAD -- {layout.CASES}' atau 'pengaduan periksa'"
                )

    def tree_blobs(self, rev: str, paths: Sequence[str]) -> dict[str, tuple[str, str] | None]:
        """path -> (mode, object id) at rev, or None where rev has no such path: one process."""
        out: dict[str, tuple[str, str] | None] = dict.fromkeys(paths)
        if not paths or rev is None:
            return out
        raw = self._run("ls-tree", "-z", "--full-tree", rev, "--", *paths, check=False)
        for item in raw.decode("utf-8", "replace").split("\0"):
            if item:
                meta, path = item.split("\t", 1)
                mode, _kind, blob = meta.split()
                if path in out:
                    out[path] = (mode, blob)
        return out

    def parents(self, commit: str) -> list[str]:
        out = self._run("rev-list", "--parents", "-n", "1", commit, "--", check=False).decode().split()
        return out[1:]

    def commit_id(self, rev: str) -> str | None:
        """The full id of the commit rev names, or None when it names none."""
        out = self._run("rev-parse", "-q", "--verify", "--end-of-options", f"{rev}^{{commit}}", check=False)
        return out.decode().strip() or None

    def is_ancestor(self, ancestor: str, commit: str) -> bool:
        """True when ancestor is reachable from commit (False too when ancestor no longer exists)."""
        done = subprocess.run(
            ["git", "merge-base", "--is-ancestor", ancestor, commit], cwd=self.root, capture_output=True, env=self._env
        )
        return done.returncode == 0

    def log(self, rev_range: str = "HEAD", paths: Sequence[str] = ()) -> list[LogEntry]:
        """Every commit of rev_range, parents before children, each with its raw changes: one process.

        A merge's changes are listed against its first parent (what the merge brought in); the
        options pin down everything a user's git config could change in this output.
        """
        out = self._run(
            "log", *_LOG_OPTIONS, "--raw", "--no-abbrev", "--no-renames", "--root", "--diff-merges=first-parent",
            f"--format={_LOG_FORMAT}", rev_range, "--", *paths,
        )  # fmt: skip
        return _parse_log(out)

    def merge_own_changes(self, rev_range: str = "HEAD") -> dict[str, list[str]]:
        """Paths each merge commit changed itself (differing from every parent): conflict resolutions."""
        out = self._run("log", *_LOG_OPTIONS, "--merges", "--raw", "-c", "--no-abbrev", f"--format={_LOG_MARK}%x00%H", rev_range)
        found: dict[str, list[str]] = {}
        tokens = out.split(b"\0")
        sha = ""
        index = 0
        while index < len(tokens):
            token = tokens[index].lstrip(b"\n")
            if token == _LOG_MARK_BYTES:
                sha = tokens[index + 1].decode()
                found.setdefault(sha, [])
                index += 2
                continue
            if token.startswith(b":"):
                found[sha].append(tokens[index + 1].decode("utf-8", "replace"))
                index += 2
                continue
            index += 1
        return found

    def signatures(self, commits: Sequence[str], allowed_signers: Path) -> dict[str, tuple[str, str, str]]:
        """(git's %G? letter, signing key fingerprint, primary key fingerprint) per commit, in one process.

        git verifies each signature itself (gpg, or ssh-keygen against the allowed-signers file
        given here); unsigned commits cost nothing.
        """
        if not commits:
            return {}
        out = self._run(
            "-c", f"gpg.ssh.allowedSignersFile={allowed_signers}", "log", *_LOG_OPTIONS, "--no-walk=unsorted", "--stdin",
            "--format=%H%x00%G?%x00%GF%x00%GP", input="\n".join(commits).encode() + b"\n",
        )  # fmt: skip
        tokens = out.decode("utf-8", "replace").split("\0")
        result: dict[str, tuple[str, str, str]] = {}
        for start in range(0, len(tokens) - 3, 4):
            sha, status, key, primary = (t.strip() for t in tokens[start : start + 4])
            result[sha] = (status, key, primary)
        return result

    def repo(self) -> gitpython.Repo:
        """GitPython's view of the store, for network operations (never on the hot path)."""
        if self._repo is None:
            import logging

            import git as gitpython

            # GitPython logs a push's refused refs as warnings on stderr, in English; push() reports
            # them to the caller, who retries or says so in Indonesian. Cron must not mail them.
            remote_log = logging.getLogger("git.remote")
            remote_log.propagate = False
            remote_log.addHandler(logging.NullHandler())
            self._repo = gitpython.Repo(self.root)
            self._repo.git.update_environment(**{k: self._env[k] for k in ("LC_ALL", "GIT_TERMINAL_PROMPT")})
        return self._repo


def blob_id(data: bytes, length: int = 40) -> str:
    """The id git gives a blob of these bytes (sha1, or sha256 in a repository of 64-digit ids)."""
    algo = hashlib.sha1 if length == 40 else hashlib.sha256
    return algo(b"blob %d\0" % len(data) + data).hexdigest()


class _Batch:
    """One `git cat-file --batch` process asked one object at a time: (type, bytes) or None."""

    def __init__(self, git: Git) -> None:
        self.git = git

    def __enter__(self) -> _Batch:
        self.proc = subprocess.Popen(
            ["git", "cat-file", "--batch"], cwd=self.git.root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=self.git._env
        )
        return self

    def get(self, name: str) -> tuple[str, bytes] | None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        if "\n" in name:
            return None
        self.proc.stdin.write(name.encode("utf-8") + b"\n")
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().split()
        if len(header) != 3:
            return None  # "<name> missing" / "ambiguous"
        data = self.proc.stdout.read(int(header[2]))
        self.proc.stdout.read(1)
        return header[1].decode(), data

    def __exit__(self, *exc: object) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def _tree_entry(tree: bytes, name: bytes, width: int = 20) -> tuple[str, str] | None:
    """(mode, object id) of `name` in a raw tree object (entries: "<mode> <name>\\0<binary id>")."""
    needle = b" " + name + b"\0"
    start = 0
    while True:
        at = tree.find(needle, start)
        if at < 0:
            return None
        for begin in (at - 6, at - 5):
            # An entry starts the tree or follows the previous entry's NUL and binary id.
            if begin >= 0 and tree[begin:at].isdigit() and (begin == 0 or (begin > width and tree[begin - width - 1] == 0)):
                end = at + len(needle)
                return tree[begin:at].decode(), tree[end : end + width].hex()
        start = at + 1


def _last_line(text: object) -> str:
    lines = str(text or "").strip().strip("'").splitlines()
    return lines[-1].strip() if lines else "tanpa keterangan"


_LOG_MARK = "%x1eC"
_LOG_MARK_BYTES = b"\x1eC"
# Record: mark, commit, parents, author name, email, author time, committer time, message (NUL-separated).
_LOG_FORMAT = f"{_LOG_MARK}%x00%H%x00%P%x00%an%x00%ae%x00%ct%x00%B"
# Output that must not depend on the user's git config (log.showSignature, color, encoding...).
_LOG_OPTIONS = ("--reverse", "--topo-order", "-z", "--no-color", "--no-show-signature", "--encoding=UTF-8")


@dataclass(frozen=True)
class RawChange:
    """One changed path of a commit, as `git log --raw` gives it (no rename detection)."""

    status: str  # A added, M modified, D deleted, T type changed
    path: str
    old_blob: str | None
    new_blob: str | None
    old_mode: str = "100644"  # 100644 file, 100755 executable, 120000 symlink, 160000 submodule, 000000 none
    new_mode: str = "100644"


@dataclass(frozen=True)
class LogEntry:
    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    commit_time: int
    message: str
    changes: tuple[RawChange, ...]


def _blob(sha: str) -> str | None:
    return None if sha.strip("0") == "" else sha


def _parse_log(out: bytes) -> list[LogEntry]:
    """Parse `git log -z --raw --format=_LOG_FORMAT`: a message cannot hold a NUL, so NUL-split tokens are safe."""
    tokens = out.split(b"\0")
    entries: list[LogEntry] = []
    index = 0
    while index < len(tokens):
        if tokens[index].lstrip(b"\n") != _LOG_MARK_BYTES:
            index += 1
            continue
        sha, parents, name, email, c_time, message = tokens[index + 1 : index + 7]
        index += 7
        changes = []
        while index < len(tokens) and tokens[index].lstrip(b"\n").startswith(b":"):
            old_mode, new_mode, old, new, status = tokens[index].lstrip(b"\n")[1:].decode().split(" ")[:5]
            path = tokens[index + 1].decode("utf-8", "replace")
            changes.append(RawChange(status[:1], path, _blob(old), _blob(new), old_mode, new_mode))
            index += 2
        entries.append(
            LogEntry(
                sha=sha.decode(),
                parents=tuple(parents.decode().split()),
                author_name=name.decode("utf-8", "replace"),
                author_email=email.decode("utf-8", "replace"),
                commit_time=int(c_time or 0),
                message=message.decode("utf-8", "replace"),
                changes=tuple(changes),
            )
        )
    return entries
