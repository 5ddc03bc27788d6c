"""The only module that talks to git.

The hot path (one transition = one commit) drives the git binary's plumbing directly:
update-index, write-tree, commit-tree and a compare-and-swap update-ref. That is a handful of
short processes whatever the store's size, where GitPython's pure-Python index would re-read
and rewrite the whole index (~2.7 s at 100,000 cases). GitPython is used where its import
(~60 ms) is affordable: history walks and config reading.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pengaduan.errors import GitError, StoreError

BRANCH = "main"


@dataclass(frozen=True)
class Identity:
    name: str
    email: str


def _base_env() -> dict[str, str]:
    env = dict(os.environ)
    # Plumbing output must not depend on the user's locale, pager or prompts.
    env.update({"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat"})
    env.pop("GIT_INDEX_FILE", None)
    return env


class Git:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._env = _base_env()

    # -- running ---------------------------------------------------------------------------
    def run(
        self,
        *args: str,
        input: bytes | None = None,
        env: dict[str, str] | None = None,
        check: bool = True,
    ) -> bytes:
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=self.root,
                input=input,
                capture_output=True,
                env={**self._env, **(env or {})},
            )
        except FileNotFoundError:
            raise GitError("program git tidak ditemukan; pasang git lalu ulangi") from None
        if check and done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git {args[0]} gagal: {detail[-1] if detail else done.returncode}")
        return done.stdout

    def text(self, *args: str, **kwargs: object) -> str:
        return self.run(*args, **kwargs).decode("utf-8").strip()  # type: ignore[arg-type]

    # -- repository ------------------------------------------------------------------------
    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.run("init", "-q", "-b", BRANCH)
        # Large stores: index v4 and the untracked cache keep status and commits fast.
        self.run("config", "feature.manyFiles", "true")
        self.run("config", "core.untrackedCache", "true")

    def is_repo(self) -> bool:
        return (self.root / ".git").is_dir()

    @property
    def git_dir(self) -> Path:
        return self.root / ".git"

    def head(self) -> str | None:
        out = self.run("rev-parse", "-q", "--verify", "HEAD^{commit}", check=False)
        return out.decode().strip() or None

    def dirty(self) -> list[str]:
        """Paths with uncommitted changes (staged, unstaged or untracked)."""
        out = self.run("status", "--porcelain", "-z", "--untracked-files=all")
        return [item[3:] for item in out.decode("utf-8", "replace").split("\0") if len(item) > 3]

    def config_value(self, key: str) -> str | None:
        out = self.run("config", "--get", key, check=False).decode().strip()
        return out or None

    # -- committing ------------------------------------------------------------------------
    def stage(self, paths: Iterable[str]) -> None:
        """Make the index match the working tree for these paths (added, changed or removed)."""
        present = [p for p in paths if (self.root / p).exists()]
        gone = [p for p in paths if not (self.root / p).exists()]
        if present:
            self.run("update-index", "--add", "--", *present)
        if gone:
            self.run("update-index", "--force-remove", "--", *gone)

    def unstage(self, paths: Iterable[str], head: str | None) -> None:
        """Put these index entries back as HEAD has them."""
        paths = list(paths)
        if head is None:
            self.run("update-index", "--force-remove", "--", *paths, check=False)
            return
        self.run("reset", "-q", head, "--", *paths, check=False)

    def commit_index(
        self,
        message: str,
        author: Identity,
        parent: str | None,
        sign: bool = False,
    ) -> str:
        """Write the index as a tree, commit it on `parent` and move the branch (compare-and-swap)."""
        tree = self.text("write-tree")
        args = ["commit-tree", tree, "-F", "-"]
        if parent:
            args += ["-p", parent]
        if sign:
            args.append("-S")
        who = {
            "GIT_AUTHOR_NAME": author.name,
            "GIT_AUTHOR_EMAIL": author.email,
            "GIT_COMMITTER_NAME": author.name,
            "GIT_COMMITTER_EMAIL": author.email,
        }
        commit = self.text(*args, input=message.encode("utf-8"), env=who)
        old = parent or "0" * 40
        ref = f"refs/heads/{BRANCH}"
        try:
            self.run("update-ref", "-m", "pengaduan", ref, commit, old)
        except GitError:
            raise StoreError(
                "store berubah oleh proses lain di tengah pencatatan; tidak ada yang dicatat, ulangi perintahnya"
            ) from None
        return commit

    # -- reading ---------------------------------------------------------------------------
    def ls_tree(self, rev: str, prefix: str) -> list[tuple[str, str]]:
        """(path, blob id) of every file under prefix at rev, in one process."""
        out = self.run("ls-tree", "-r", "-z", "--full-tree", rev, "--", prefix, check=False)
        rows = []
        for item in out.decode("utf-8").split("\0"):
            if not item:
                continue
            meta, path = item.split("\t", 1)
            rows.append((path, meta.split()[2]))
        return rows

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

    def show_file(self, rev: str, path: str) -> bytes | None:
        out = self.run("cat-file", "blob", f"{rev}:{path}", check=False)
        return out or None

    def repo(self):
        """GitPython's view of the store, for history walks (not used on the hot path)."""
        import git as gitpython

        return gitpython.Repo(self.root)


def global_email() -> str | None:
    """The user's git user.email, wherever git finds it (repo, global or system config)."""
    try:
        out = subprocess.run(["git", "config", "--get", "user.email"], capture_output=True, env=_base_env())
    except FileNotFoundError:
        return None
    return out.stdout.decode().strip() or None
