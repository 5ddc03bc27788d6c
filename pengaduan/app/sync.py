"""Sharing one store between several admins' machines through an ordinary git remote.

`sinkron` fetches, merges what others recorded, and pushes what this machine recorded, under
the store lock. History is never rewritten (no rebase): the audit's rule that history only
grows holds on every clone. Each case is its own file, so two admins' work merges cleanly
unless both changed the same case; then nothing is merged and the message names the cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from pengaduan.app.context import Desk
from pengaduan.app.keys import KeySync, sync_keys
from pengaduan.core.config import Staff
from pengaduan.errors import StoreError
from pengaduan.i18n import TRAILERS
from pengaduan.store import commits, layout

PUSH_TRIES = 3


@dataclass(frozen=True)
class SyncResult:
    remote: str
    received: int  # commits merged in from the remote
    sent: int  # commits the remote did not have
    merged: bool  # a merge commit was made
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


def sync(desk: Desk, actor: Staff | None, remote: str | None = None) -> SyncResult:
    store = desk.store
    remotes = store.git.remotes()
    if remote is None:
        if not remotes:
            raise StoreError(
                "store belum punya remote; tambahkan dengan 'git -C STORE remote add origin URL' lalu ulangi"
            )
        remote = "origin" if "origin" in remotes else remotes[0]
    elif remote not in remotes:
        raise StoreError(f"remote '{remote}' tidak ada; remote yang ada: {', '.join(remotes) or '(belum ada)'}")
    received = sent = 0
    merged = False
    with store.locked():
        store.require_clean()
        for _ in range(PUSH_TRIES):
            if _send_rewrite(store, remote):
                sent = store.git.count_commits("HEAD")
            theirs = store.git.fetch(remote)
            head = store.git.head()
            if theirs is not None and head is not None:
                _refuse_rewritten(store, remote, theirs, head)
            if theirs is not None and head is not None and theirs != head:
                incoming = store.git.count_between(head, theirs)
                if incoming:
                    message = commits.sync_merge(remote, store.sop.number)
                    conflicts = store.git.merge(theirs, message, store.identity_for(actor), sign=store.sign_commits)
                    if conflicts:
                        cases = [layout.case_id_of(p) or p for p in conflicts]
                        raise StoreError(
                            f"sinkron dibatalkan: {', '.join(cases)} diubah di sini dan di {remote}; store tidak "
                            "berubah. Bandingkan dengan 'pengaduan riwayat ID' di kedua mesin, lalu selesaikan dengan git"
                        )
                    received += incoming
                    merged = merged or store.git.count_between(theirs, store.git.head() or "") > 0
            outgoing = store.git.count_between(theirs, "HEAD") if theirs else None
            if outgoing == 0:
                break
            if store.git.push(remote):
                sent = outgoing if outgoing is not None else store.git.count_commits("HEAD")
                break
        else:
            raise StoreError(f"{remote} terus berubah selama sinkron; ulangi 'pengaduan sinkron' sebentar lagi")
    desk.forget_config()  # the merge may have brought a new list of authorised machines
    return SyncResult(remote, received, sent, merged, sync_keys(desk, remote))
