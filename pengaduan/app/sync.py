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
from pengaduan.store import commits, layout

PUSH_TRIES = 3


@dataclass(frozen=True)
class SyncResult:
    remote: str
    received: int  # commits merged in from the remote
    sent: int  # commits the remote did not have
    merged: bool  # a merge commit was made
    keys: KeySync | None = None  # what the key ref exchange did (app/keys.py)


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
            theirs = store.git.fetch(remote)
            head = store.git.head()
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
