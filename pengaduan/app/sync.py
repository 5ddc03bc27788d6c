"""Sharing one store between several admins' machines through an ordinary git remote.

`sinkron` is: fetch -> verify every incoming commit with the audit's rules -> merge (never
rebase) -> push. What it guarantees:

- Nothing unverified is taken. Incoming commits are checked by the same rules as `audit`
  (SOP transitions, append-only history, trailers, roster and roles, configuration changed only
  by managers, signatures, merges that drop nothing). A failing commit is not merged; what came
  before it on the remote's branch is, and the refusal names commit, case and rule. This
  machine's own commits then wait: they cannot go out without sitting on top of the refused
  commit, so nothing is pushed until the remote is put right (the command exits 1 every run
  until then).
- Nothing is lost. A case advanced on both sides keeps the remote's version; the local steps
  that lost are parked in a konflik/ record inside the merge (`pengaduan konflik`). A history
  this clone already sent or audited must stay in HEAD: a local reset past it is refused, and a
  remote rewritten past it is merged back (and said so once).
- Nothing runs half. The branch moves through an intent file (Store.move_head): a run killed at
  any point is finished by the next. Network work is done outside the store lock, so admins
  keep recording while a slow server answers; two syncs of one clone wait for each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pengaduan.app.context import Desk
from pengaduan.app.history import (
    CASE_MEMO,
    History,
    Lru,
    read_history,
    rewrite_findings,
    run_audit,
    sync_mark_path,
    write_sync_mark,
)
from pengaduan.app.keys import KeySync, sync_keys
from pengaduan.core import audit, conflict, timeutil
from pengaduan.core.config import Staff
from pengaduan.errors import StoreError
from pengaduan.i18n import TRAILERS
from pengaduan.store import commits, killpoint, layout, yamlio
from pengaduan.store.git import BRANCH, Git
from pengaduan.store.lock import store_lock
from pengaduan.store.store import Store

PUSH_TRIES = 5
SYNC_LOCK = "sinkron.lock"
SCRATCH_INDEX = "sinkron.index"


@dataclass
class SyncResult:
    remote: str
    received: int = 0  # commits merged in from the remote
    sent: int = 0  # commits the remote did not have
    merged: bool = False  # a merge commit was made
    conflicts: list[str] = field(default_factory=list)  # conflict records parked by this run
    refused: list[audit.Finding] = field(default_factory=list)  # incoming commits not taken
    waiting: int = 0  # local commits not sent because of a refusal
    notes: list[str] = field(default_factory=list)  # said once: a recovered run, a rewritten remote, the remote's HEAD
    keys: KeySync | None = None  # what the key ref exchange did (app/keys.py)


REWRITE_MARK = "tulis-ulang.json"


def _refuse_rewritten(store, remote: str, theirs: str, head: str) -> None:
    """A remote whose history was rewritten elsewhere (`migrasi --tulis-ulang-riwayat`) is never
    merged with this clone's old history: that would bring the plain text back."""
    git = store.git
    if theirs == head or git.is_ancestor(theirs, head) or git.is_ancestor(head, theirs):
        return
    if git.rewrite_records(f"{head}..{theirs}", TRAILERS["kind"], commits.KIND_REWRITE):
        raise StoreError(
            f"riwayat store di {remote} sudah ditulis ulang (migrasi ke schema 2, teks polos dibuang); klon ini masih "
            "memegang riwayat lama dan tidak boleh digabung. Kirim dulu catatan yang belum terkirim ke admin, lalu klon "
            "ulang: pindahkan folder store ini dan jalankan 'git clone' lagi"
        )


def _send_rewrite(store, remote: str) -> bool:
    """After this machine rewrote the history: replace the remote's branch (once, with a lease on
    the commit the rewrite replaced), without fetching the old history back. True when sent now."""
    import json

    path = store.private_dir() / REWRITE_MARK
    try:
        mark = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return False
    except ValueError:
        raise StoreError(f"{path} rusak; periksa lalu hapus berkas itu") from None
    sent = set(mark.get("terkirim") or [])
    if remote in sent:
        return False
    git = store.git
    theirs = git.remote_branch(remote)
    head = git.head()
    if theirs not in {mark.get("dari"), head, None, *(mark.get("lama") or [])}:
        raise StoreError(
            f"{remote} mendapat commit baru di riwayat lama sesudah riwayat ditulis ulang di sini; tidak ada yang dikirim. "
            "Minta mesin lain berhenti dan mengirim catatannya ke admin, lalu ulangi"
        )
    if theirs != head and not git.force_push(remote, head or "", theirs or ""):
        raise StoreError(f"{remote} berubah selama riwayat baru dikirim; ulangi 'pengaduan sinkron'")
    mark["terkirim"] = sorted(sent | {remote})
    path.write_text(json.dumps(mark, ensure_ascii=False) + "\n", encoding="utf-8")
    return theirs != head


def remote_name(store: Store, remote: str | None) -> str:
    remotes = store.git.remotes()
    if remote is None:
        if not remotes:
            raise StoreError(
                "store belum punya remote; tambahkan dengan 'git -C STORE remote add origin URL' lalu ulangi"
            )
        return "origin" if "origin" in remotes else remotes[0]
    if remote not in remotes:
        raise StoreError(f"remote '{remote}' tidak ada; remote yang ada: {', '.join(remotes) or '(belum ada)'}")
    return remote


def sync(desk: Desk, actor: Staff | None, remote: str | None = None) -> SyncResult:
    store = desk.store
    result = SyncResult(remote_name(store, remote))
    name = result.remote
    busy = (
        f"sinkron lain sedang berjalan di mesin ini lebih dari {store.config.lock_seconds:g} detik; biarkan selesai, "
        "lalu ulangi bila perlu"
    )
    with store_lock(store.private_dir() / SYNC_LOCK, store.config.lock_seconds, busy):
        with store.locked():  # finishes or undoes what a killed run left (a transition's or a sinkron's)
            store.require_clean()
        result.notes.extend(store.recovered)
        _refuse_local_rewrite(store)
        for _ in range(PUSH_TRIES):
            if _send_rewrite(store, name):  # this machine rewrote the history (migrasi): replace the remote's
                result.sent += store.git.count_commits("HEAD")
            theirs = store.git.fetch(name)
            killpoint.here("sinkron:ambil")
            head = store.git.head()
            assert head is not None
            if theirs is not None:
                _refuse_rewritten(store, name, theirs, head)
            if theirs is None:
                if read_sync_mark(store, name):
                    result.notes.append(f"remote {name} tidak lagi punya cabang {BRANCH}; seluruh riwayat dikirim ulang")
            else:
                _note_remote_rewrite(store, name, theirs, result)
            if theirs is not None and not store.git.is_ancestor(theirs, head):
                if store.git.merge_base(head, theirs) is None:
                    raise StoreError(
                        f"remote {name} berisi riwayat lain yang tidak berbagi satu commit pun dengan store ini; bukan "
                        "store yang sama. Periksa URL-nya ('git -C STORE remote -v'); tidak ada yang diambil atau dikirim"
                    )
                history = read_history(store, tip=theirs, exclude=head)
                findings, parents = _check(history)
                killpoint.here("sinkron:periksa")
                take = theirs if not findings else _last_good(parents, theirs, findings)
                if take is not None:
                    _merge(desk, actor, name, take, result)
                if findings:
                    result.refused = findings
                    head = store.git.head() or head
                    result.waiting = store.git.count_between(theirs, head)
                    if take is not None:
                        write_sync_mark(store, take, name, _now(desk))
                    return result
            head = store.git.head()
            assert head is not None
            outgoing = store.git.count_between(theirs, head) if theirs else store.git.count_commits(head)
            if outgoing == 0:
                break
            if store.git.push(name, head):
                killpoint.here("sinkron:kirim")
                result.sent += outgoing
                if theirs is None:
                    _set_remote_head(store, name, result)
                break
        else:
            raise StoreError(
                f"remote {name} terus berubah selama sinkron (admin lain sedang mengirim; dicoba {PUSH_TRIES} kali); "
                "tidak ada yang hilang, ulangi 'pengaduan sinkron' sebentar lagi"
            )
        write_sync_mark(store, store.git.head() or head, name, _now(desk))
    desk.forget_config()  # the merge may have brought a new list of authorised machines
    result.keys = sync_keys(desk, name)
    return result


def _now(desk: Desk) -> str:
    return timeutil.to_text(timeutil.now(desk.tz))


def read_sync_mark(store: Store, remote: str) -> str | None:
    from pengaduan.app.history import read_mark

    mark = read_mark(sync_mark_path(store)) or {}
    return mark.get("commit") if mark.get("remote", remote) == remote else None


def _refuse_local_rewrite(store: Store) -> None:
    """A HEAD that lost what this clone already audited or sent is not synchronised (rule 8)."""
    findings = rewrite_findings(store, store.git.head())
    if findings:
        raise StoreError(
            f"sinkron ditolak (aturan 8): {findings[0].message}. Tidak ada yang diambil atau dikirim"
        )


def _note_remote_rewrite(store: Store, remote: str, theirs: str, result: SyncResult) -> None:
    sent = read_sync_mark(store, remote)
    said = any("ditulis ulang" in note for note in result.notes)
    if sent and not said and not store.git.is_ancestor(sent, theirs):
        result.notes.append(
            f"riwayat di remote {remote} ditulis ulang (push --force?): commit {sent[:12]} yang sudah dikirim mesin ini "
            "tidak ada lagi di sana. Tidak ada yang diambil dari penulisan ulang itu; riwayat mesin ini digabung dan "
            "dikirim lagi, jadi yang hilang di remote kembali. Periksa siapa yang menulis ulang"
        )


def _check(history: History) -> tuple[list[audit.Finding], dict[str, tuple[str, ...]]]:
    """The findings of the incoming commits, and each one's parents (in history order), in one pass."""
    memo: dict[int, object] = Lru(CASE_MEMO)
    findings: list[audit.Finding] = []
    parents: dict[str, tuple[str, ...]] = {}
    for commit in history.commits:
        findings.extend(audit.check_commit(commit, memo))
        parents[commit.sha] = commit.parents
    return findings, parents


def _last_good(parents: dict[str, tuple[str, ...]], theirs: str, findings: list[audit.Finding]) -> str | None:
    """The newest commit on the remote's first-parent line that neither fails nor builds on one that does."""
    bad = {f.commit for f in findings}
    tainted: dict[str, bool] = {}
    for sha, named in parents.items():  # parents before children
        tainted[sha] = sha in bad or any(tainted.get(p, False) for p in named)
    current: str | None = theirs
    while current is not None and current in parents:
        if not tainted[current]:
            return current
        current = parents[current][0] if parents[current] else None
    return None


def _merge(desk: Desk, actor: Staff | None, remote: str, take: str, result: SyncResult) -> None:
    """Bring verified commits in: fast-forward, or a merge commit; cases advanced on both sides park a conflict."""
    store = desk.store
    git = store.git
    with store.locked():
        store.require_clean()
        head = git.head()
        assert head is not None
        if git.is_ancestor(take, head):
            return
        result.received += git.count_between(head, take)
        if git.is_ancestor(head, take):
            store.move_head(head, take)
            return
        base = git.merge_base(head, take)
        assert base is not None
        tree, conflicted = git.merge_tree(head, take)
        ours = git.changed_paths(base, head, layout.CASES)
        theirs = git.changed_paths(base, take, layout.CASES)
        both = sorted(p for p in ours if p in theirs and ours[p] != theirs[p])
        others = [p for p in conflicted if p not in both]
        if others:
            raise StoreError(
                f"sinkron dibatalkan: {', '.join(others[:5])} diubah di sini dan di {remote} dengan cara yang tidak bisa "
                f"digabung otomatis; store tidak berubah. Samakan isinya dengan satu commit konfigurasi di salah satu "
                f"mesin (lihat 'git -C {store.root} diff HEAD {take[:12]} -- {others[0]}'), lalu ulangi"
            )
        files: dict[str, str] = {}
        parked: list[str] = []
        if both:
            blobs = {b for p in both for b in (ours[p], theirs[p]) if b}
            data = {blob: yamlio.load_text(raw, blob) for blob, raw in git.read_blobs(blobs)}
            for path in both:
                mine, other = ours[path], theirs[path]
                if mine is None or other is None:
                    raise StoreError(
                        f"sinkron dibatalkan: berkas kasus {path} dihapus di satu sisi dan diubah di sisi lain; store "
                        "tidak berubah. Berkas kasus tidak boleh dihapus: kembalikan dengan 'git checkout'"
                    )
                lost = conflict.lost_entries(data[other], data[mine])
                if not lost:
                    files[path] = other  # the remote carries on from this machine's version
                    continue
                if not conflict.lost_entries(data[mine], data[other]):
                    files[path] = mine  # this machine carries on from the remote's version
                    continue
                case_id = layout.case_id_of(path) or path
                conflict_id = conflict.new_id(case_id)
                record = conflict.make_record(case_id, data[mine], remote, head, take, _now(desk), lost)
                files[path] = other
                files[layout.conflict_path(conflict_id)] = git.write_blob(yamlio.dump(record).encode("utf-8"))
                parked.append(conflict_id)
        if files:
            tree = git.tree_with(tree, files, store.private_dir() / SCRATCH_INDEX)
        killpoint.here("sinkron:pohon")
        message = commits.sync_merge(remote, desk.sop.number)
        merge = git.commit_tree(tree, [head, take], message, store.identity_for(actor), sign=store.sign_commits)
        killpoint.here("sinkron:gabung")
        store.move_head(head, merge)
        result.merged = True
        result.conflicts.extend(parked)


def _set_remote_head(store: Store, remote: str, result: SyncResult) -> None:
    """After the first push to an empty remote: its HEAD must name our branch, so `git clone` works."""
    wanted = f"refs/heads/{BRANCH}"
    try:
        if store.git.remote_head(remote) == wanted:
            return
        if store.git.set_remote_head(remote) and store.git.remote_head(remote) == wanted:
            return
    except StoreError:
        pass
    url = store.git.remote_url(remote) or remote
    result.notes.append(
        f"HEAD remote {remote} tidak menunjuk ke cabang {BRANCH} dan tidak dapat diatur dari sini: 'git clone {url}' "
        f"biasa akan kosong. Pakai 'pengaduan klon {url}', atau jalankan di server: git --git-dir=REPO symbolic-ref "
        f"HEAD {wanted}"
    )


# -- a second machine ---------------------------------------------------------------------------------
@dataclass
class CloneResult:
    root: Path
    audit_summary: str
    findings: list[audit.Finding]
    needs: list[str]


def clone(url: str, root: Path) -> CloneResult:
    """Clone a store (its main branch, whatever the remote's HEAD says), audit it, say what this machine needs."""
    root = Path(root).resolve()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise StoreError(f"{root} sudah ada dan tidak kosong; pilih folder baru: pengaduan klon URL FOLDER")
    Git(root).clone(url)
    try:
        store = Store.open(root)
    except StoreError:
        raise StoreError(
            f"{url} tidak berisi store pengaduan (pengaduan.yaml tidak ada di cabang {BRANCH}); hasil klon di {root} "
            "boleh dihapus"
        ) from None
    desk = Desk(store)
    report = run_audit(desk)
    head = store.git.head()
    if head is not None and not report.findings:
        write_sync_mark(store, head, "origin", _now(desk))
    return CloneResult(root, report.summary, report.findings, machine_needs(desk))


def machine_needs(desk: Desk) -> list[str]:
    """What a machine must still set before it works with this store (empty when nothing)."""
    store = desk.store
    local = store.local()
    config = desk.config
    needs = []
    prefix = f"pengaduan --store {store.root}"
    email = store.git.config_value("user.email")
    if not (email and config.staff_by_email(email)):
        codes = ", ".join(f"{s.code} <{s.email}>" for s in config.staff if s.email) or "(daftar petugas masih kosong)"
        needs.append(
            f"siapa petugas di mesin ini: {prefix} lokal petugas.email EMAIL (email di daftar petugas: {codes}); "
            "atau --petugas KODE / PENGADUAN_PETUGAS pada tiap perintah"
        )
    if config.signing_required and not local.get("tanda_tangan.kunci"):
        needs.append(
            "store ini mewajibkan commit bertanda tangan: "
            f"{prefix} lokal tanda_tangan.format ssh && {prefix} lokal tanda_tangan.kunci ~/.ssh/id_ed25519 "
            "(kunci publiknya harus ada di daftar petugas: kunci_ssh)"
        )
    if not local.get("notifikasi.perintah"):
        needs.append(
            f"bila mesin ini mengirim pengingat (eskalasi --kirim): {prefix} lokal notifikasi.perintah 'PERINTAH'"
        )
    return needs
