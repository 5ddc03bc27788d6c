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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pengaduan.errors import GitError, StoreError

if TYPE_CHECKING:
    import git as gitpython  # imported late at run time (see Git.repo)

BRANCH = "main"


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

    # -- running ---------------------------------------------------------------------------
    def _run(
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

    def unstage(self, paths: Iterable[str], head: str | None) -> None:
        """Put these index entries back as HEAD has them."""
        paths = list(paths)
        if head is None:
            self._run("update-index", "--force-remove", "--", *paths, check=False)
            return
        self._run("reset", "-q", head, "--", *paths, check=False)

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
        self.move_branch(commit, parent)
        return commit

    def move_branch(self, new: str, old: str | None) -> None:
        """Move the branch to `new` only if it is still at `old` (compare-and-swap)."""
        try:
            self._run("update-ref", "-m", "pengaduan", f"refs/heads/{BRANCH}", new, old or "0" * 40)
        except GitError:
            raise StoreError(
                "store berubah oleh proses lain di tengah pencatatan; tidak ada yang dicatat, ulangi perintahnya"
            ) from None

    # -- bulk commits ----------------------------------------------------------------------
    def fast_import(self, stream: Iterable[bytes], marks: Path) -> dict[str, str]:
        """Feed a `git fast-import` stream (its commits on a ref the stream names); mark -> object id.

        Objects go into one pack; refs change only at the stream's end, and only the ref the
        stream writes: the caller moves the branch itself.
        """
        import tempfile

        with tempfile.TemporaryFile() as errors:
            try:
                proc = subprocess.Popen(
                    ["git", "fast-import", "--quiet", "--done", f"--export-marks={marks}"],
                    cwd=self.root,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=errors,
                    env=self._env,
                )
            except FileNotFoundError:
                raise GitError("program git tidak ditemukan; pasang git lalu ulangi") from None
            assert proc.stdin is not None
            try:
                for chunk in stream:
                    proc.stdin.write(chunk)
                proc.stdin.write(b"done\n")
                proc.stdin.close()
            except BrokenPipeError:
                pass
            except BaseException:
                proc.kill()
                proc.wait()
                raise
            code = proc.wait()
            if code != 0:
                errors.seek(0)
                lines = errors.read().decode("utf-8", "replace").strip().splitlines()
                raise GitError(f"git fast-import gagal: {lines[0] if lines else code}")
        found: dict[str, str] = {}
        for line in marks.read_text(encoding="ascii").splitlines():
            mark, _, object_id = line.partition(" ")
            found[mark] = object_id
        return found

    def delete_ref(self, ref: str) -> None:
        self._run("update-ref", "-d", ref, check=False)

    def checkout_change(self, old: str, new: str) -> None:
        """Make the index and the work tree go from commit `old` to commit `new` (only the paths
        that differ are written): after commits made without the index, e.g. by fast-import."""
        self._run("read-tree", "-m", "-u", old, new)

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

    def grep_paths(self, rev: str, text: str, prefix: str) -> list[str]:
        """Paths under prefix whose content at rev holds `text` (a fixed string, not a pattern)."""
        out = self._run("grep", "-l", "-z", "-F", "-e", text, rev, "--", prefix, check=False)
        found = []
        for item in out.decode("utf-8", "surrogateescape").split("\0"):
            if item:
                found.append(item.split(":", 1)[1] if item.startswith(f"{rev}:") else item)
        return found

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
