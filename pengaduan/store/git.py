"""The only module that talks to git.

The hot path (one transition = one commit) drives the git binary's plumbing directly:
update-index, write-tree, commit-tree and a compare-and-swap update-ref. That is a handful of
short processes whatever the store's size, where GitPython's pure-Python index would re-read
and rewrite the whole index (~2.7 s at 100,000 cases). Network operations run the git
binary too, with a time limit, their failures said in Indonesian (net_problem).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pengaduan.errors import GitError, StoreError
from pengaduan.store import killpoint, layout
from pengaduan.store import lock as locks

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
        self.maintenance: subprocess.Popen | None = None  # the last background `gc --auto`, if any
        # (rev, path) -> (mode, object id) or None (not there), as read_committed last found them.
        self.seen: dict[tuple[str, str], tuple[str, str] | None] = {}
        # How long to wait for git's own lock files held by another git (the store's batas_kunci_detik).
        self.lock_seconds = 30.0
        # The one `cat-file --batch` this object reads through (started on first use, see _reader).
        self._batch: _Batch | None = None

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

    def _reader(self) -> _Batch:
        """The `git cat-file --batch` process this object asks for HEAD, trees and files: one for
        the whole command instead of one per question (each a git start-up, a few ms)."""
        if self._batch is None:
            self._batch = _Batch(self.root, self._env)
            weakref.finalize(self, self._batch.close)
        return self._batch

    def close(self) -> None:
        """End the reading process now (it also ends with this object, or with the interpreter)."""
        if self._batch is not None:
            self._batch.close()

    def _ok(self, *args: str) -> bool:
        """Run git; True when it exits 0 (for questions whose answer is the exit code)."""
        done = subprocess.run(["git", *args], cwd=self.root, capture_output=True, env=self._env)
        return done.returncode == 0

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

    def adopt_empty(self) -> None:
        """Make an existing, empty repository the store's: its first commit goes on BRANCH, with
        the settings `init` gives a new one."""
        self._run("symbolic-ref", "HEAD", f"refs/heads/{BRANCH}")
        self._run("config", "feature.manyFiles", "true")
        self._run("config", "core.untrackedCache", "true")
        self._run("config", "core.splitIndex", "true")

    def any_commit(self) -> bool:
        """Whether the repository has any commit on any ref."""
        return bool(self._run("rev-list", "-n", "1", "--all", check=False).strip())

    def index_entries(self) -> int:
        return len(self._run("ls-files", "--cached", "-z").split(b"\0")) - 1

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
        """The commit HEAD names (None: no commit yet), read as `rev-parse --verify HEAD^{commit}` would."""
        found = self._reader().lookup("HEAD^{commit}")
        return found[0] if found is not None and found[1] == "commit" else None

    def dirty(self) -> list[str]:
        """Paths with uncommitted changes (staged, unstaged or untracked)."""
        # Untracked folders are named once, not file by file: listing every file under an
        # untracked folder costs a scan that would double the time of every transition.
        out = self._run("status", "--porcelain", "-z", "--untracked-files=normal")
        return [item[3:] for item in out.decode("utf-8", "replace").split("\0") if len(item) > 3]

    def config_value(self, key: str, local: bool = False) -> str | None:
        """A git config value (the store's own, else the user's and the system's; only the store's with local)."""
        out = self._run("config", *(["--local"] if local else []), "--get", key, check=False).decode().strip()
        return out or None

    def set_config(self, key: str, value: str) -> None:
        """Set a value in the store's own git config (.git/config: this machine only, never pushed)."""
        self._run("config", "--local", key, value)

    def unset_config(self, key: str) -> None:
        self._run("config", "--local", "--unset-all", key, check=False)

    # -- committing ------------------------------------------------------------------------
    def stage(self, paths: Iterable[str]) -> None:
        """Make the index match the working tree for these paths (added, changed or removed)."""
        paths = list(paths)
        present = [p for p in paths if (self.root / p).exists()]
        gone = [p for p in paths if not (self.root / p).exists()]
        for flag, chosen in (("--add", present), ("--force-remove", gone)):
            if len(chosen) > 500:  # a migration's whole store: the paths go on stdin, not the command line
                self._run("update-index", flag, "-z", "--stdin", input="".join(f"{p}\0" for p in chosen).encode())
            elif chosen:
                self._run("update-index", flag, "--", *chosen)
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

    def index_matches_head(self) -> bool:
        """True when git's index holds exactly HEAD's tree: nothing staged that HEAD lacks.

        Reads the index and HEAD's trees, never the work tree (`git status` lstats every file:
        ~140 ms at 100,000 cases; this ~19 ms).
        """
        return self._ok("diff-index", "--cached", "--quiet", "HEAD", "--")

    def staged_paths(self) -> list[str]:
        """Paths whose entry in git's index differs from HEAD's."""
        out = self._run("diff-index", "--cached", "--name-only", "-z", "HEAD", "--")
        return [p for p in out.decode("utf-8", "replace").split("\0") if p]

    def index_stamp(self) -> str | None:
        """The checksum git ends its index file with (None: no index): the same stamp, the same index.

        With a split index the file names its shared part by id, so the stamp covers both.
        """
        try:
            with open(self.git_dir / "index", "rb") as handle:
                handle.seek(-20, os.SEEK_END)  # sha1 (a sha256 repository's last 20 bytes serve as well)
                return handle.read(20).hex()
        except OSError:
            return None

    def commit_files(
        self, parent: str, files: dict[str, tuple[str, bytes] | None], message: str, author: Identity
    ) -> str:
        """One commit on `parent`: its tree with these paths set ((mode, bytes)) or removed (None),
        and the branch moved to it if it still names `parent` (compare-and-swap). One process.

        `git fast-import` writes the blobs, the trees along their paths, the commit (into one small
        pack, never as loose objects) and the ref: the whole tree is never rewritten from an index,
        so the cost does not grow with the number of cases. It updates the branch only when the new
        commit contains the branch's tip at that moment, which for a new commit on `parent` means
        the tip is still `parent`; otherwise it exits non-zero and nothing moves.
        """
        when = f"{int(time.time())} {time.strftime('%z')}"
        name, email = (_ident(part) for part in (author.name, author.email))
        who = f"{name} <{email}> {when}".encode()
        body = message.encode("utf-8")
        parts = [
            b"commit refs/heads/" + BRANCH.encode() + b"\nmark :1\n",
            b"author " + who + b"\ncommitter " + who + b"\n",
            b"data %d\n" % len(body), body, b"\nfrom " + parent.encode() + b"\n",
        ]
        for path, entry in files.items():
            target = _fast_import_path(path)
            if entry is None:
                parts.append(b"D " + target + b"\n")
            else:
                mode, data = entry
                parts += [b"M " + mode.encode() + b" inline " + target + b"\n", b"data %d\n" % len(data), data, b"\n"]
        parts.append(b"\nget-mark :1\ndone\n")
        killpoint.here("before-update-ref")
        try:
            out = self._run("fast-import", "--quiet", "--done", input=b"".join(parts), env=_ONE_PACK)
        except GitError as exc:
            refused = "not updating" in exc.message or "does not contain" in exc.message
            if "kunci git" in exc.message or not refused:
                raise
            raise StoreError(
                "store berubah oleh proses lain di tengah pencatatan; tidak ada yang dicatat, ulangi perintahnya"
            ) from None
        killpoint.here("ref-updated")
        return out.decode().strip().splitlines()[-1]

    def maintain_in_background(self) -> None:
        """Start git's own packing (`git gc --auto`) in a process of its own and do not wait for it.

        Plumbing never triggers git's auto-gc; the tool calls this after it released the store
        lock. It does nothing unless loose objects or packs are over git's thresholds (gc.auto,
        gc.autoPackLimit), and git's gc.pid keeps two from running at once.
        """
        try:
            self.maintenance = subprocess.Popen(
                ["git", "-c", "gc.autoDetach=false", "gc", "--auto", "--quiet"],
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=self._env,
                start_new_session=True,
            )
        except OSError:
            self.maintenance = None  # packing is an optimisation; the next write tries again

    def loose_objects(self) -> tuple[int, int]:
        """(loose objects, packs) as `git count-objects -v` counts them."""
        found = dict(
            line.split(": ", 1) for line in self._text("count-objects", "-v").splitlines() if ": " in line
        )
        return int(found.get("count", 0)), int(found.get("packs", 0))

    def changed_entries(self, base: str, tip: str, paths: Sequence[str]) -> list[tuple[str, str, str | None]] | None:
        """(path, mode at tip, blob at tip or None when gone) of every file under `paths` that
        differs between two commits; None when `base` is no longer a commit here (one process)."""
        done = self._once(("diff-tree", "-r", "-z", "--no-renames", base, tip, "--", *paths), None, None)
        if done.returncode != 0:
            return None
        tokens = done.stdout.split(b"\0")
        found = []
        for index in range(0, len(tokens) - 1, 2):
            meta = tokens[index].lstrip(b"\n").decode()
            if not meta.startswith(":"):
                continue
            fields = meta[1:].split(" ")
            found.append((tokens[index + 1].decode("utf-8", "surrogateescape"), fields[1], _blob(fields[3])))
        return found

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

    # -- sharing through a remote -----------------------------------------------------------
    # Network operations run the git binary with a bounded time; what the remote or the network
    # says is turned into one Indonesian line (net_problem), never echoed raw.
    def _net(self, remote: str, what: str, *args: str, ok_when: Callable[[str], bool] | None = None) -> str:
        """Run a network git command; stdout, or GitError naming what went wrong in Indonesian."""
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=self.root,
                capture_output=True,
                stdin=subprocess.DEVNULL,
                env=self._env,
                timeout=NET_SECONDS,
            )
        except FileNotFoundError:
            raise GitError("program git tidak ditemukan; pasang git lalu ulangi") from None
        except subprocess.TimeoutExpired:
            raise GitError(
                f"remote {remote} tidak menjawab dalam {NET_SECONDS} detik ({what}); periksa jaringan lalu ulangi"
            ) from None
        err = done.stderr.decode("utf-8", "replace")
        if done.returncode != 0 and not (ok_when and ok_when(err)):
            raise GitError(net_problem(remote, what, err))
        return done.stdout.decode("utf-8", "replace")

    def remotes(self) -> list[str]:
        return self._text("remote").split()

    def remote_url(self, remote: str) -> str | None:
        return self.config_value(f"remote.{remote}.url")

    def fetch(self, remote: str) -> str | None:
        """Fetch the remote's branch; its commit id, or None when the remote has no branch yet.

        The remote-tracking ref is forced to what the remote has (a rewrite there must be seen,
        not hidden); incoming objects are checked by git (fetch.fsckObjects).
        """
        tracking = f"refs/remotes/{remote}/{BRANCH}"
        missing = "couldn't find remote ref"
        self._net(
            remote, "mengambil",
            "-c", "fetch.fsckObjects=true", "fetch", "-q", "--no-tags", "--no-recurse-submodules", "--no-write-fetch-head",
            remote, f"+refs/heads/{BRANCH}:{tracking}",
            ok_when=lambda err: missing in err,
        )  # fmt: skip
        return self.commit_id(tracking)

    def push(self, remote: str, commit: str) -> bool:
        """Push commit as the remote's branch; False when the remote moved on meanwhile (fetch and merge again)."""
        out = self._net(
            remote, "mengirim", "push", "--porcelain", "--no-recurse-submodules", remote, f"{commit}:refs/heads/{BRANCH}",
            ok_when=lambda err: "[rejected]" in err or "failed to push" in err,
        )  # fmt: skip
        for line in out.splitlines():
            parts = line.split("\t")
            if len(parts) < 3 or not parts[1].endswith(f"refs/heads/{BRANCH}"):
                continue
            flag, summary = parts[0], parts[2]
            if flag != "!":
                return True
            if any(race in summary for race in ("failed to update ref", "cannot lock ref", "incorrect old value")):
                return False  # another push updated the branch at the same moment: fetch and merge again
            if "remote rejected" in summary:
                raise GitError(f"remote {remote} menolak push: {_clean(summary.split(']', 1)[-1]) or 'tanpa alasan dari server'}")
            return False  # rejected: non-fast-forward / fetch first
        raise GitError(f"push ke {remote} tidak melaporkan hasilnya; jalankan 'pengaduan sinkron' lagi")

    def remote_head(self, remote: str) -> str | None:
        """The branch the remote's HEAD names ('refs/heads/...'), or None when it names none."""
        out = self._net(remote, "membaca HEAD", "ls-remote", "--symref", remote, "HEAD")
        for line in out.splitlines():
            if line.startswith("ref: ") and line.endswith("\tHEAD"):
                return line[5:].split("\t")[0]
        return None

    def set_remote_head(self, remote: str) -> bool:
        """Point a remote's HEAD at the store's branch (so a plain `git clone` checks it out).

        Possible for a remote on this machine (a path or file://) and over ssh (git run there);
        False when the transport offers no way (git daemon, http).
        """
        url = self.remote_url(remote) or ""
        target = f"refs/heads/{BRANCH}"
        local = url[7:] if url.startswith("file://") else (url if url.startswith("/") or url.startswith(".") else None)
        if local is not None:
            folder = (self.root / local).resolve() if not local.startswith("/") else Path(local)
            done = subprocess.run(
                ["git", f"--git-dir={folder}", "symbolic-ref", "HEAD", target], capture_output=True, env=self._env
            )
            return done.returncode == 0
        ssh = _ssh_target(url)
        if ssh is None:
            return False
        host, port, path = ssh
        command = os.environ.get("GIT_SSH_COMMAND") or self.config_value("core.sshCommand") or "ssh"
        remote_cmd = f"git --git-dir={shlex.quote(path)} symbolic-ref HEAD {target}"
        line = f"{command} {'-p ' + port if port else ''} {shlex.quote(host)} {shlex.quote(remote_cmd)}"
        try:
            done = subprocess.run(
                line, shell=True, capture_output=True, stdin=subprocess.DEVNULL, env=self._env, timeout=NET_SECONDS
            )
        except subprocess.TimeoutExpired:
            return False
        return done.returncode == 0

    def clone(self, url: str) -> None:
        """Clone the store's branch of url into this root (whatever the remote's HEAD names)."""
        self.root.parent.mkdir(parents=True, exist_ok=True)
        try:
            done = subprocess.run(
                ["git", "-c", "fetch.fsckObjects=true", "clone", "-q", "--branch", BRANCH, "--origin", "origin",
                 "--no-recurse-submodules", "--", url, str(self.root)],
                capture_output=True, stdin=subprocess.DEVNULL, env=self._env, timeout=NET_SECONDS,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise GitError(f"remote {url} tidak menjawab dalam {NET_SECONDS} detik; periksa jaringan lalu ulangi") from None
        err = done.stderr.decode("utf-8", "replace")
        if done.returncode != 0:
            if f"Remote branch {BRANCH} not found" in err:
                raise GitError(
                    f"remote {url} tidak punya cabang {BRANCH}: belum ada store di sana (jalankan dulu 'pengaduan sinkron' "
                    "di mesin yang punya store), atau itu bukan store pengaduan"
                )
            raise GitError(net_problem(url, "mengambil", err))
        self._run("config", "feature.manyFiles", "true")
        self._run("config", "core.untrackedCache", "true")
        self._run("config", "core.splitIndex", "true")
        self.harden()  # a clone records steps too: as durable as the store `init` made

    def count_commits(self, rev: str = "HEAD") -> int:
        """How many commits rev reaches."""
        return int(self._text("rev-list", "--count", rev))

    def count_between(self, base: str, tip: str) -> int:
        return int(self._text("rev-list", "--count", f"{base}..{tip}"))

    def merge_base(self, a: str, b: str) -> str | None:
        out = self._run("merge-base", a, b, check=False).decode().strip()
        return out or None

    def first_parents(self, tip: str, stop: str) -> list[str]:
        """tip, its first parent, and so on, as long as they are not reachable from stop."""
        return self._text("rev-list", "--first-parent", tip, "--not", stop).split()

    def merge_tree(self, ours: str, theirs: str) -> tuple[str, list[str]]:
        """(tree of the merge, paths git could not merge) without touching the index or the files."""
        out = self._run("merge-tree", "--write-tree", "--name-only", "-z", "--no-messages", ours, theirs, check=False)
        tokens = out.decode("utf-8", "replace").split("\0")
        if not tokens or len(tokens[0]) < 40:
            raise GitError(f"git merge-tree gagal menggabungkan {ours[:12]} dan {theirs[:12]}")
        return tokens[0], sorted({t for t in tokens[1:] if t})

    def changed_paths(self, base: str, tip: str, prefix: str) -> dict[str, str | None]:
        """Paths under prefix that differ between two commits, with their blob at tip (None: gone)."""
        out = self._run("diff-tree", "-r", "-z", "--no-renames", base, tip, "--", prefix)
        tokens = out.split(b"\0")
        found: dict[str, str | None] = {}
        for index in range(0, len(tokens) - 1, 2):
            meta = tokens[index].lstrip(b"\n").decode()
            if not meta.startswith(":"):
                continue
            found[tokens[index + 1].decode("utf-8", "replace")] = _blob(meta.split(" ")[3])
        return found

    def write_blob(self, data: bytes) -> str:
        return self._text("hash-object", "-w", "--stdin", input=data)

    def tree_with(self, tree: str, files: dict[str, str], scratch: Path) -> str:
        """A tree: `tree` with these paths set to these blobs, built in a scratch index (not the store's)."""
        env = {"GIT_INDEX_FILE": str(scratch)}
        try:
            self._run("read-tree", tree, env=env)
            lines = "".join(f"100644 {blob}\t{path}\n" for path, blob in files.items())
            self._run("update-index", "--index-info", input=lines.encode("utf-8"), env=env)
            return self._text("write-tree", env=env)
        finally:
            scratch.unlink(missing_ok=True)

    def commit_tree(self, tree: str, parents: Sequence[str], message: str, author: Identity, sign: bool = False) -> str:
        args = ["commit-tree", tree, "-F", "-"]
        for parent in parents:
            args += ["-p", parent]
        if sign:
            args.append("-S")
        try:
            return self._text(*args, input=message.encode("utf-8"), env=author.env())
        except GitError:
            if not sign:
                raise
            key = self.config_value("user.signingkey") or "(belum diatur)"
            raise GitError(
                f"commit gabungan wajib ditandatangani (tanda_tangan_commit: true) tetapi git gagal menandatangani dengan "
                f"user.signingkey {key}; periksa kuncinya, atau atur dengan 'pengaduan lokal tanda_tangan.kunci BERKAS'"
            ) from None

    def move_branch(self, new: str, old: str) -> None:
        """Move the branch from old to new (compare-and-swap)."""
        try:
            self._run("update-ref", "-m", "pengaduan sinkron", f"refs/heads/{BRANCH}", new, old)
        except GitError:
            raise StoreError("store berubah oleh proses lain di tengah sinkron; tidak ada yang berubah, ulangi") from None

    def checkout_tree(self, old: str, new: str) -> bool:
        """Make the index and the files go from commit old to commit new (only what differs); False if git refused."""
        return self._ok("read-tree", "-m", "-u", old, new)

    def reset_files(self, commit: str) -> None:
        """Make the index and the tracked files exactly commit's (after an interrupted sync)."""
        self._run("reset", "-q", "--hard", commit)

    def keep_ref(self, name: str, commit: str) -> None:
        """A ref under refs/pengaduan/ keeps a commit (and all it reaches) from git's garbage collection."""
        self._run("update-ref", f"refs/pengaduan/{name}", commit)

    def merge_parent_diffs(self, merges: Sequence[tuple[str, tuple[str, ...]]]) -> list[tuple[str, str, list[RawChange]]]:
        """For each merge and each of its parents, the raw changes from that parent to the merge: one process."""
        pairs = [(sha, parent) for sha, parents in merges for parent in parents]
        if not pairs:
            return []
        out = self._run(
            "diff-tree", "--stdin", "-r", "-z", "--no-renames", "--always", f"--format={_LOG_MARK}%H",
            input="".join(f"{sha} {parent}\n" for sha, parent in pairs).encode(),
        )  # fmt: skip
        tokens = out.split(b"\0")
        blocks: list[list[RawChange]] = []
        index = 0
        while index < len(tokens):
            token = tokens[index].lstrip(b"\n")
            if token.startswith(_LOG_MARK_BYTES):
                blocks.append([])
                index += 1
                continue
            if token.startswith(b":") and blocks:
                old_mode, new_mode, old, new, status = token[1:].decode().split(" ")[:5]
                path = tokens[index + 1].decode("utf-8", "replace")
                blocks[-1].append(RawChange(status[:1], path, _blob(old), _blob(new), old_mode, new_mode))
                index += 2
                continue
            index += 1
        if len(blocks) != len(pairs):
            raise GitError("git diff-tree tidak memberi satu hasil per induk commit gabungan")
        return [(sha, parent, changes) for (sha, parent), changes in zip(pairs, blocks, strict=True)]

    # -- the shared key ref (a small bare repository of its own, see app/keys.py) ------------------
    def init_bare(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._run("init", "-q", "--bare")
        self._run("config", "core.logAllRefUpdates", "false")  # no reflog keeps an old key tree alive


    def fetch_ref(self, url: str, ref: str, into: str) -> str | None:
        """Fetch one ref of a remote into a local ref (replacing it); its commit, or None when the
        remote has no such ref."""
        done = subprocess.run(
            ["git", "fetch", "-q", "--no-tags", "--no-write-fetch-head", url, f"+{ref}:{into}"],
            cwd=self.root, capture_output=True, env=self._env,
        )  # fmt: skip
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace")
            if "couldn't find remote ref" in detail:
                self._run("update-ref", "-d", into, check=False)
                return None
            raise GitError(f"git fetch {ref} gagal: {_last_line(detail)}")
        return self.commit_id(into)

    def ls_tree_all(self, rev: str) -> list[tuple[str, str]]:
        """(path, blob id) of every file of a commit's tree."""
        out = self._run("ls-tree", "-r", "-z", "--full-tree", rev)
        rows = []
        for item in out.decode("utf-8").split("\0"):
            if item:
                meta, path = item.split("\t", 1)
                rows.append((path, meta.split()[2]))
        return rows

    def write_root_commit(
        self, base: str | None, adds: Sequence[tuple[str, bytes]], removes: Sequence[str], message: str, ref: str
    ) -> str:
        """A new commit WITHOUT parent whose tree is base's tree with files added and removed, on
        `ref` (replaced): one `git fast-import`, whatever the tree's size. Nothing links it to the
        commits before it, so what it leaves out becomes unreachable."""
        chunks: list[bytes] = []
        for mark, (_, data) in enumerate(adds, 1):
            chunks.append(f"blob\nmark :{mark}\ndata {len(data)}\n".encode() + data + b"\n")
        body = message.encode("utf-8")
        chunks.append(f"reset {ref}\ncommit {ref}\n".encode())
        chunks.append(b"committer pengaduan <pengaduan@localhost> 0 +0000\n")
        chunks.append(f"data {len(body)}\n".encode() + body + b"\n")
        if base is not None:
            for line in self._run("ls-tree", "-z", base).split(b"\0"):
                if line:
                    meta, name = line.split(b"\t", 1)
                    mode, _, sha = meta.decode().split()
                    chunks.append(f"M {mode} {sha} ".encode() + name + b"\n")
        for path in removes:
            chunks.append(f"D {path}\n".encode())
        for mark, (path, _) in enumerate(adds, 1):
            chunks.append(f"M 100644 :{mark} {path}\n".encode())
        chunks.append(b"\n")
        self._run("fast-import", "--quiet", "--force", input=b"".join(chunks))
        commit = self.commit_id(ref)
        assert commit is not None
        return commit

    def set_ref(self, ref: str, commit: str | None) -> None:
        if commit is None:
            self._run("update-ref", "-d", ref, check=False)
        else:
            self._run("update-ref", ref, commit)

    def push_ref(self, url: str, commit: str, ref: str, expect: str | None) -> bool:
        """Replace a remote's ref with `commit` if it still is `expect` (None: absent); False when it moved."""
        lease = f"--force-with-lease={ref}:{expect or ''}"
        done = subprocess.run(
            ["git", "push", "-q", "--no-verify", lease, url, f"{commit}:{ref}"], cwd=self.root, capture_output=True, env=self._env
        )
        if done.returncode == 0:
            return True
        detail = done.stderr.decode("utf-8", "replace")
        if "stale info" in detail or "rejected" in detail or "fetch first" in detail:
            return False
        raise GitError(f"git push {ref} gagal: {_last_line(detail)}")

    def prune_now(self) -> None:
        """Drop every unreachable object at once (old key trees): `git gc --prune=now`."""
        self._run("-c", "gc.reflogExpire=now", "-c", "gc.reflogExpireUnreachable=now", "gc", "-q", "--prune=now")

    def paths_in_history(self, prefix: str) -> set[str]:
        """Every path under prefix that any commit of HEAD's history touched."""
        out = self._run("log", "--format=", "--name-only", "--no-renames", "-z", "HEAD", "--", prefix)
        return {p.strip("\n") for p in out.decode("utf-8", "replace").split("\0") if p.strip("\n")}

    def filter_repo_blobs(self, callback_body: str, env: dict[str, str] | None = None) -> None:
        """Rewrite every commit of the repository with git-filter-repo, each blob through
        `callback_body` (Python, the body of filter-repo's blob callback). Destructive by design:
        only `pengaduan migrasi --tulis-ulang-riwayat` calls it, after its warning."""
        import shutil
        import sys

        tool = shutil.which("git-filter-repo")
        command = [tool] if tool else [sys.executable, "-m", "git_filter_repo"]
        try:
            done = subprocess.run(
                [*command, "--force", "--quiet", "--blob-callback", callback_body],
                cwd=self.root, capture_output=True, env={**self._env, **(env or {})},
            )  # fmt: skip
        except FileNotFoundError:
            done = None
        if done is None or (done.returncode != 0 and b"No module named" in done.stderr):
            raise GitError("git-filter-repo tidak terpasang; pasang dengan 'python3 -m pip install git-filter-repo'")
        if done.returncode != 0:
            raise GitError(f"git-filter-repo gagal: {_last_line(done.stderr.decode('utf-8', 'replace'))}")

    def remote_branch(self, remote: str) -> str | None:
        """The commit the remote's branch is at, asked without fetching anything (`git ls-remote`)."""
        out = self._run("ls-remote", remote, f"refs/heads/{BRANCH}").decode().split()
        return out[0] if out else None

    def add_remote(self, name: str, url: str) -> None:
        self._run("remote", "add", name, url)

    def force_push(self, remote: str, commit: str, expect: str) -> bool:
        """Replace the remote's branch with `commit` if it still is `expect`; False when it moved."""
        lease = f"--force-with-lease=refs/heads/{BRANCH}:{expect}"
        done = subprocess.run(["git", "push", "-q", lease, remote, f"{commit}:refs/heads/{BRANCH}"], cwd=self.root,
                              capture_output=True, env=self._env)  # fmt: skip
        if done.returncode == 0:
            return True
        detail = done.stderr.decode("utf-8", "replace")
        if "stale info" in detail or "rejected" in detail:
            return False
        raise GitError(f"git push {remote} gagal: {_last_line(detail)}")

    def rewrite_records(self, rev_range: str, token: str, value: str) -> list[tuple[str, str]]:
        """(commit, message) of commits in rev_range whose message has the trailer `token: value`."""
        out = self._run("log", "-z", "--format=%H%x00%B", f"--grep=^{token}: {value}$", rev_range, "--", check=False)
        tokens = out.decode("utf-8", "replace").split("\0")
        return [(tokens[i].strip(), tokens[i + 1]) for i in range(0, len(tokens) - 1, 2) if tokens[i].strip()]

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
        batch = self._reader()
        trees = {f: batch.get(f"{rev}:{f}" if f else f"{rev}^{{tree}}") for f in folders}
        blobs: dict[str, str] = {}
        for path in paths:
            folder, _, name = path.rpartition("/")
            tree = trees[folder]
            if not tree or tree[0] != "tree":
                self._refuse_folder(batch, rev, path, folder)
                continue
            entry = _tree_entry(tree[1], name.encode("utf-8"))
            self.seen[(rev, path)] = entry
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
    def read_committed_entry(self, rev: str, path: str) -> tuple[str, str] | None:
        """(mode, object id) of a regular file at rev, or None: one batch read, like read_committed."""
        self.read_committed(rev, [path])
        return self.seen.get((rev, path))

    def file_at(self, rev: str, path: str, limit: int) -> tuple[bytes | None, int]:
        """(bytes, size) of one committed file at rev; (None, size) when it is over `limit` bytes
        (not read), (None, -1) when rev has no such regular file."""
        out = self._run("ls-tree", "-l", "-z", "--full-tree", rev, "--", path, check=False)
        entry = out.split(b"\0", 1)[0].decode("utf-8", "replace")
        meta, _, name = entry.partition("\t")
        fields = meta.split()
        if name != path or len(fields) != 4 or fields[1] != "blob" or fields[0] not in ("100644", "100755"):
            return None, -1
        size = int(fields[3])
        if size > limit:
            return None, size
        return self._run("cat-file", "blob", fields[2]), size

    def tree_listing(self, rev: str, paths: Sequence[str]) -> bytes:
        """`git ls-tree rev -- paths` as git prints it (the ids of those entries): a fingerprint of them."""
        return self._run("ls-tree", rev, "--", *paths, check=False)

    def read_blobs(self, ids: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        """Contents of many blobs through one `git cat-file --batch` process (git's caches bounded:
        it reads every case file). A reader that stops early ends the process (the batch's close)."""
        ids = list(ids)
        if not ids:
            return
        with self.object_reader() as batch:
            for blob_id, found in batch.iter_many(ids):
                if found is None:
                    raise GitError(f"objek git {blob_id} tidak ditemukan")
                yield blob_id, found[2]

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
        batch = self._reader()  # each folder's tree once, as `ls-tree rev -- paths` would list them
        trees: dict[str, bytes | None] = {}
        for path in paths:
            folder, _, name = path.rpartition("/")
            if folder not in trees:
                got = batch.get(f"{rev}:{folder}" if folder else f"{rev}^{{tree}}")
                trees[folder] = got[1] if got is not None and got[0] == "tree" else None
            tree = trees[folder]
            entry = _tree_entry(tree, name.encode("utf-8")) if tree is not None and name else None
            if entry is not None:
                out[path] = (entry[0].zfill(6), entry[1])  # ls-tree's "040000", not the tree's "40000"
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
        return self._ok("merge-base", "--is-ancestor", ancestor, commit)

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

    def stream_log(self, revs: Sequence[str], paths: Sequence[str], allowed_signers: Path | None) -> Iterator[LogEntry]:
        """`log` of revs (parents before children), read as git writes it, each commit with git's
        verdict on its signature when `allowed_signers` is given (verified against it).

        One long-running process; a commit is parsed and handed on as soon as the next one
        starts, so what is held here is one record, never the whole history. git itself holds
        the commits it sorts: give it a segment (see `segments`), not 441,000 commits.
        """
        signing = ("-c", f"gpg.ssh.allowedSignersFile={allowed_signers}") if allowed_signers else ()
        layout_format = _LOG_FORMAT_SIGNED if allowed_signers else _LOG_FORMAT
        args = (
            *_BOUNDED, *signing, "log", *_LOG_OPTIONS, "--raw", "--no-abbrev", "--no-renames", "--root",
            "--diff-merges=first-parent", f"--format={layout_format}", *revs, "--", *paths,
        )  # fmt: skip
        with _Stream(self, args) as stream:
            yield from _parse_log_tokens(stream.tokens(b"\0"), signed=allowed_signers is not None)

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
            result[sha] = (status or "N", key, primary)
        return result

    def walk(self, revs: Sequence[str]) -> Iterator[tuple[str, tuple[str, ...], bool]]:
        """(commit, parents, is boundary) of revs in `stream_log`'s order, streamed: the shape of
        the history without its content. A boundary commit is a parent outside revs."""
        args = (*_BOUNDED, "rev-list", "--reverse", "--topo-order", "--parents", "--boundary", *revs, "--")
        with _Stream(self, args) as stream:
            for line in stream.tokens(b"\n"):
                fields = line.decode().split()
                if fields:
                    boundary = fields[0].startswith("-")
                    yield fields[0].lstrip("-"), tuple(fields[1:]), boundary

    def segments(self, tip: str, exclude: Sequence[str], size: int) -> list[list[str]]:
        """The history of tip without what `exclude` reaches, cut into consecutive rev lists of about
        `size` first-parent commits each, oldest first: each segment holds the commits its tip
        reaches and the previous segment's tip does not. git holds every commit it sorts for
        `log --reverse` (and never frees one), so a long history is read a segment at a time.
        One process per segment, each walking `size` commits."""
        negatives = [f"^{rev}" for rev in exclude]
        tips = [tip]
        while True:
            args = ("rev-list", "--first-parent", f"--skip={size}", "--max-count=1", tips[-1], *negatives, "--")
            out = self._run(*_BOUNDED, *args)
            earlier = out.decode().strip()
            if not earlier:
                break
            tips.append(earlier)
        tips.reverse()
        return [[sha, *([f"^{tips[i - 1]}"] if i else []), *negatives] for i, sha in enumerate(tips)]

    def versions(self, revs: Sequence[str], path: str) -> Iterator[str]:
        """The commits of revs that give `path` a content none of their parents has (all branches
        followed, --full-history): every version of the file in revs is at one of them."""
        args = (*_BOUNDED, "log", "-z", "--no-color", "--no-show-signature", "--full-history", "--format=%H", *revs, "--", path)
        with _Stream(self, args) as stream:
            for token in stream.tokens(b"\0"):
                sha = token.strip().decode()
                if sha:
                    yield sha

    def object_reader(self) -> _Batch:
        """One long-running `git cat-file --batch` to ask many objects through (a context manager)."""
        return _Batch(self.root, self._env, _BOUNDED)


NET_SECONDS = 300

# What git (or ssh, or the server) says, matched case-insensitively, and what the desk reads instead.
_NET_PROBLEMS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("could not resolve host", "name or service not known", "nodename nor servname", "temporary failure in name resolution"),
     "nama server remote {remote} tidak dikenal; periksa alamatnya ('git -C STORE remote -v') dan jaringan"),
    (("connection refused", "unable to connect", "connection timed out", "no route to host", "network is unreachable",
      "connection reset", "connection closed", "operation timed out", "broken pipe"),
     "server remote {remote} tidak dapat dihubungi ({what}); periksa jaringan dan apakah servernya menyala, lalu ulangi"),
    (("permission denied", "authentication failed", "host key verification failed", "could not read username",
      "could not read password", "access denied", "returned error: 403", "returned error: 401"),
     "autentikasi ke remote {remote} ditolak ({what}); periksa kunci SSH atau kata sandi dan hak akses ke repositorinya"),
    (("does not appear to be a git repository", "not found", "no such file or directory", "not exported",
      "not a git repository"),
     "repositori remote {remote} tidak ditemukan di alamatnya; periksa URL-nya dengan 'git -C STORE remote -v'"),
    (("service not enabled", "receive-pack"),
     "remote {remote} tidak mengizinkan push; minta pengelola server mengaktifkannya"),
)  # fmt: skip


def net_problem(remote: str, what: str, stderr: str) -> str:
    """One Indonesian line for a failed network git command (the server's own words only bounded and cleaned)."""
    lowered = stderr.lower()
    for needles, message in _NET_PROBLEMS:
        if any(n in lowered for n in needles):
            return message.format(remote=remote, what=what)
    lines = [line for line in (_clean(x) for x in stderr.splitlines()) if line]
    detail = f" (pesan git: {lines[-1]})" if lines else ""
    return f"{what} ke/dari remote {remote} gagal{detail}; periksa 'git -C STORE remote -v' lalu ulangi"


def _last_line(text: object) -> str:
    """The last line of a git error output, cleaned for a one-line message."""
    lines = [line for line in (_clean(x) for x in str(text or "").strip().splitlines()) if line]
    return lines[-1] if lines else "tanpa keterangan"


def _clean(text: str, limit: int = 160) -> str:
    """Text from git or a server, safe to print on one line: printable characters only, bounded."""
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = " ".join(text.split())
    for prefix in ("fatal: ", "error: ", "remote: "):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
    return text[:limit] + ("…" if len(text) > limit else "")


def _ssh_target(url: str) -> tuple[str, str, str] | None:
    """(user@host, port, path) of an ssh remote URL (ssh://... or scp-like user@host:path), else None."""
    if url.startswith("ssh://"):
        rest = url[6:]
        hostpart, _, path = rest.partition("/")
        host, _, port = hostpart.rpartition(":") if hostpart.count(":") == 1 and "]" not in hostpart else (hostpart, "", "")
        return (host or hostpart), port, "/" + path
    if "://" not in url and ":" in url and not url.startswith("/"):
        host, _, path = url.partition(":")
        return host, "", path
    return None
# fast-import unpacks imports of under 100 objects into loose files by default: one small pack
# per commit instead, which `gc --auto` folds together at gc.autoPackLimit (50) packs.
# zlib level 1 for that pack: a transition rewrites its month folder's tree (10,000 entries,
# ~470 KB), which level 1 deflates in ~6 ms where git's default (6) takes ~20 ms, for 2 % more
# bytes (295 against 289 KB; a case file 415 against 404 bytes).
_ONE_PACK = {
    "GIT_CONFIG_COUNT": "2",
    "GIT_CONFIG_KEY_0": "fastimport.unpackLimit",
    "GIT_CONFIG_VALUE_0": "0",
    "GIT_CONFIG_KEY_1": "pack.compression",
    "GIT_CONFIG_VALUE_1": "1",
}


def _ident(text: str) -> str:
    """A name or e-mail for a commit's author line: without the characters git itself drops there."""
    return "".join(ch for ch in text if ch not in "<>\n\0").strip()


def _fast_import_path(path: str) -> bytes:
    """A path as fast-import reads it: C-style quoted when it could be misread."""
    raw = path.encode("utf-8", "surrogateescape")
    if not raw.startswith(b'"') and b"\n" not in raw:
        return raw
    return b'"' + raw.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"\n", b"\\n") + b'"'


def blob_id(data: bytes, length: int = 40) -> str:
    """The id git gives a blob of these bytes (sha1, or sha256 in a repository of 64-digit ids)."""
    import hashlib  # here, not at import: only a write needs it (~2 ms of start-up)

    algo = hashlib.sha1 if length == 40 else hashlib.sha256
    return algo(b"blob %d\0" % len(data) + data).hexdigest()


class _Batch:
    """One `git cat-file --batch` process asked one object at a time: (type, bytes) or None.

    It resolves every name when asked (refs are read afresh, packs written since it started are
    found), so one process serves a whole command, before and under the store lock (`Git._reader`).
    It holds the repository's path and environment, never the Git object (a finalizer closes it).
    """

    def __init__(self, root: Path, env: dict[str, str], options: Sequence[str] = ()) -> None:
        self.root, self.env = root, env
        self.options = tuple(options)  # `-c` settings for this process (see _BOUNDED)
        self.proc: subprocess.Popen | None = None

    def start(self) -> _Batch:
        try:
            self.proc = subprocess.Popen(
                ["git", *self.options, "cat-file", "--batch"], cwd=self.root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, env=self.env,
            )  # fmt: skip
        except FileNotFoundError:
            raise GitError("program git tidak ditemukan; pasang git lalu ulangi") from None
        return self

    def __enter__(self) -> _Batch:
        return self.start()

    def lookup(self, name: str) -> tuple[str, str, bytes] | None:
        """(object id, type, bytes) of what `name` names, or None (missing, ambiguous, no repository)."""
        if "\n" in name:
            return None
        line = b""
        for attempt in range(2):
            if self.proc is None:
                self.start()
            assert self.proc is not None and self.proc.stdin is not None and self.proc.stdout is not None
            try:
                self.proc.stdin.write(name.encode("utf-8") + b"\n")
                self.proc.stdin.flush()
                line = self.proc.stdout.readline()
            except (BrokenPipeError, ValueError):
                line = b""
            if line:
                break
            # The process ended (started before the repository existed, or killed): once more afresh.
            self.close()
            if attempt:
                return None
        header = line.split()
        if len(header) != 3:
            return None  # "<name> missing" / "ambiguous"
        assert self.proc is not None and self.proc.stdout is not None
        data = self.proc.stdout.read(int(header[2]))
        self.proc.stdout.read(1)
        return header[0].decode(), header[1].decode(), data

    def get(self, name: str) -> tuple[str, bytes] | None:
        found = self.lookup(name)
        return None if found is None else (found[1], found[2])

    def close(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            _end_batch(proc)

    def get_many(self, names: Sequence[str]) -> list[tuple[str, str, bytes] | None]:
        """(object id, type, bytes) per name, None where git has none (see iter_many)."""
        return [found for _name, found in self.iter_many(names)]

    def iter_many(self, names: Sequence[str]) -> Iterator[tuple[str, tuple[str, str, bytes] | None]]:
        """(name, (object id, type, bytes) or None) in order: asked 256 at a time, each chunk read
        back before the next is sent, so neither pipe can fill up; at most a chunk held."""
        if self.proc is None:
            self.start()
        assert self.proc is not None and self.proc.stdin is not None and self.proc.stdout is not None
        for start in range(0, len(names), 256):
            chunk = names[start : start + 256]
            asked = [name for name in chunk if "\n" not in name]
            self.proc.stdin.write("".join(f"{name}\n" for name in asked).encode("utf-8"))
            self.proc.stdin.flush()
            answers = {}
            for name in asked:
                header = self.proc.stdout.readline().split()
                if len(header) != 3:
                    continue  # "<name> missing" / "ambiguous"
                data = self.proc.stdout.read(int(header[2]))
                self.proc.stdout.read(1)
                answers[name] = (header[0].decode(), header[1].decode(), data)
            for name in chunk:
                yield name, answers.get(name)

    def __exit__(self, *exc: object) -> None:
        self.close()


def _end_batch(proc: subprocess.Popen) -> None:
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            try:
                stream.close()
            except OSError:
                pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


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


# A long read's git keeps bounded what it may: its cache of delta bases (96 MB by default) and
# the pack windows it maps (all of a pack, by default), measured on a 441,000-commit store as
# fast as the defaults.
_BOUNDED = ("-c", "core.deltaBaseCacheLimit=16m", "-c", "core.packedGitLimit=32m", "-c", "core.packedGitWindowSize=4m")
# One token of a streamed git output (a commit message, a path) longer than this is refused.
STREAM_TOKEN_LIMIT = 64 * 1024 * 1024
_STREAM_CHUNK = 1 << 16


class _Stream:
    """A long-running git process whose output is read as it comes, in bounded chunks."""

    def __init__(self, git: Git, args: Sequence[str]) -> None:
        self.git, self.args = git, list(args)

    def __enter__(self) -> _Stream:
        import tempfile  # here, not at import: only a long read needs it (start-up)

        self.errors = tempfile.TemporaryFile()
        try:
            self.proc = subprocess.Popen(
                ["git", *self.args], cwd=self.git.root, stdout=subprocess.PIPE, stderr=self.errors, env=self.git._env
            )
        except FileNotFoundError:
            self.errors.close()
            raise GitError("program git tidak ditemukan; pasang git lalu ulangi") from None
        return self

    def tokens(self, separator: bytes) -> Iterator[bytes]:
        """The output split at `separator`, one token at a time; then git's verdict (GitError on failure)."""
        assert self.proc.stdout is not None
        pending = b""
        while True:
            chunk = self.proc.stdout.read(_STREAM_CHUNK)
            if not chunk:
                break
            pieces = (pending + chunk).split(separator)
            pending = pieces.pop()
            if len(pending) > STREAM_TOKEN_LIMIT:
                limit = STREAM_TOKEN_LIMIT >> 20
                raise GitError(f"keluaran git {self.args[0]} memuat satu rekaman lebih dari {limit} MB; tidak dibaca")
            yield from pieces
        if pending:
            yield pending
        if self.proc.wait() != 0:
            self.errors.seek(0)
            detail = self.errors.read(1 << 16).decode("utf-8", "replace").strip().splitlines()
            name = next((a for a in self.args if not a.startswith("-") and "=" not in a), self.args[0])
            raise GitError(f"git {name} gagal: {_clean(detail[-1]) if detail else self.proc.returncode}")

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:  # the reader stopped early: this process is ours to end
            self.proc.kill()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.proc.wait()
        self.errors.close()


_LOG_MARK = "%x1eC"
_LOG_MARK_BYTES = b"\x1eC"
# Record: mark, commit, parents, author name, email, author time, committer time, message (NUL-separated).
_LOG_FORMAT = f"{_LOG_MARK}%x00%H%x00%P%x00%an%x00%ae%x00%ct%x00%B"
# The same, with git's signature verdict (%G?, signing key, primary key) before the message.
_LOG_FORMAT_SIGNED = f"{_LOG_MARK}%x00%H%x00%P%x00%an%x00%ae%x00%ct%x00%G?%x00%GF%x00%GP%x00%B"
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
    signature: tuple[str, str, str] = ("N", "", "")  # (%G?, key, primary key) when the log asked git for it


def _blob(sha: str) -> str | None:
    return None if sha.strip("0") == "" else sha


def _parse_log(out: bytes) -> list[LogEntry]:
    """Parse `git log -z --raw --format=_LOG_FORMAT`: a message cannot hold a NUL, so NUL-split tokens are safe."""
    return list(_parse_log_tokens(iter(out.split(b"\0"))))


def _parse_log_tokens(tokens: Iterator[bytes], signed: bool = False) -> Iterator[LogEntry]:
    """LogEntry records from the NUL-separated tokens of `git log -z --raw`, one as soon as it is complete."""
    width = 9 if signed else 6
    token = next(tokens, None)
    while token is not None:
        if token.lstrip(b"\n") != _LOG_MARK_BYTES:
            token = next(tokens, None)
            continue
        fields = [next(tokens, b"") for _ in range(width)]
        sha, parents, name, email, c_time = fields[:5]
        message = fields[-1]
        verdict, key, primary = (f.decode("utf-8", "replace").strip() for f in fields[5:8]) if signed else ("N", "", "")
        changes = []
        token = next(tokens, None)
        while token is not None and token.lstrip(b"\n").startswith(b":"):
            old_mode, new_mode, old, new, status = token.lstrip(b"\n")[1:].decode().split(" ")[:5]
            path = next(tokens, b"").decode("utf-8", "replace")
            changes.append(RawChange(status[:1], path, _blob(old), _blob(new), old_mode, new_mode))
            token = next(tokens, None)
        yield LogEntry(
            sha=sha.decode(),
            parents=tuple(parents.decode().split()),
            author_name=name.decode("utf-8", "replace"),
            author_email=email.decode("utf-8", "replace"),
            commit_time=int(c_time or 0),
            message=message.decode("utf-8", "replace"),
            changes=tuple(changes),
            signature=(verdict or "N", key, primary),
        )
