"""`pengaduan migrasi`: a schema-1 store (personal data in plain text) becomes schema 2.

The migration is one commit (`Jenis: migrasi`) that seals every case file as it stands; the
audit checks that nothing but the sealing changed (and, where this machine holds the keys, that
every sealed value opens to the plain value it replaced). From that commit on the files hold
only ciphertext -- but every commit BEFORE it still holds the plain text, in every clone and on
the remote. `--tulis-ulang-riwayat` rewrites the whole history with git-filter-repo so every
version of every case file is sealed the same way (the sealing is deterministic, so unchanged
values stay unchanged and the audit holds), records the rewrite in a commit (`Jenis: tulis-ulang`)
the audit and `sinkron` recognise, and moves this machine's audit mark to the new history.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

from pengaduan.app.context import Desk
from pengaduan.app.privacy import Keys
from pengaduan.core import sealed, secrecy
from pengaduan.core.case import Case
from pengaduan.core.config import Staff
from pengaduan.errors import InputError, PengaduanError, PermissionDenied, StoreError
from pengaduan.store import commits, layout, yamlio

ENV_KEYS = "PENGADUAN_MIGRASI_KUNCI"


def migrated(case: Case, key: bytes, sensitive: tuple[str, ...]) -> Case:
    """A schema-1 case as schema 2: every personal value sealed with the case's key (deterministic)."""
    upgraded = replace(
        case, schema=2, public_key=sealed.case_public_key(key), confidential=case.category in sensitive
    )
    return secrecy.seal_new(None, upgraded, secrecy.Sealer(case.id, key, None))


@dataclass(frozen=True)
class Migration:
    cases: int
    commit: str | None
    rewritten: bool = False
    old_head: str | None = None


def _require_manager(desk: Desk, actor: Staff) -> None:
    if not desk.sop.manages(actor.roles):
        roles = ", ".join(actor.roles)
        allowed = ", ".join(desk.sop.managers)
        raise PermissionDenied(f"petugas '{actor.code}' ({roles}) tidak boleh memigrasi store; yang boleh: {allowed}")


def _key_for(keys: Keys, case_id: str) -> bytes:
    key = keys.store.get(case_id)
    if key is None:
        key = sealed.new_key()
        if keys.authorised():
            keys.store.put(case_id, key)
        keys.store.add_pending(keys.wraps(case_id, key))
    return key


def migrate(desk: Desk, actor: Staff) -> Migration:
    """Seal every schema-1 case file at HEAD in one commit."""
    _require_manager(desk, actor)
    store = desk.store
    keys = Keys(desk)
    old = [c for c in store.load_all() if c.schema < 2]
    if not old:
        return Migration(0, None)
    made: list[str] = []
    try:
        with store.transaction(commits.migration(len(old), desk.sop.number), actor) as txn:
            for case in old:
                had = keys.store.get(case.id) is not None
                key = _key_for(keys, case.id)
                if not had:
                    made.append(case.id)
                txn.write_yaml(layout.case_path(case.id), migrated(case, key, desk.config.sensitive).to_dict())
    except BaseException:
        for case_id in made:
            keys.store.discard(case_id)
        raise
    _forget_plain_cache(desk)
    return Migration(len(old), txn.commit)


def _forget_plain_cache(desk: Desk) -> None:
    from pengaduan.store.cache import BlobCache

    cache = BlobCache(desk.store.private_dir() / "cache.sqlite")
    try:
        cache.forget_schema1()
    finally:
        cache.close()


# -- rewriting the history -------------------------------------------------------------------------
_CALLBACK = "from pengaduan.app.migrate import rewrite_blob\nblob.data = rewrite_blob(blob.data)\n"
_KEYS: dict[str, bytes] = {}
_SENSITIVE: list[str] = []


def rewrite_blob(data: bytes) -> bytes:
    """filter-repo's blob callback: a schema-1 case file becomes its schema-2 version; anything
    else is left as it is. Keys and settings come from the file ENV_KEYS names."""
    if not data.startswith(b"schema: 1\n") or b"\nriwayat:" not in data:
        return data
    if not _KEYS:
        settings = json.loads(Path(os.environ[ENV_KEYS]).read_text("utf-8"))
        _KEYS.update({k: base64.b64decode(v) for k, v in settings["kunci"].items()})
        _SENSITIVE.extend(settings["sensitif"])
    try:
        case = Case.from_dict(yamlio.load_text(data, "kasus"), "kasus")
    except PengaduanError:
        return data
    key = _KEYS.get(case.id)
    if case.schema != 1 or key is None:
        return data
    return yamlio.dump(migrated(case, key, tuple(_SENSITIVE)).to_dict()).encode("utf-8")


def rewrite_history(desk: Desk, actor: Staff) -> Migration:
    """Migrate, then rewrite every commit so no version of any case file holds plain text."""
    _require_manager(desk, actor)
    done = migrate(desk, actor)
    store = desk.store
    git = store.git
    keys = Keys(desk)
    old_head = git.head()
    if old_head is None:
        raise StoreError("store belum punya commit")
    with store.locked():
        store.require_clean()
        ids = sorted({i for i in (layout.case_id_of(p) for p in git.paths_in_history(layout.CASES)) if i is not None})
        for case_id in ids:
            _key_for(keys, case_id)  # cases whose file was deleted in the history too
        held = keys.store.load_all()
        missing = [i for i in ids if i not in held]
        if missing:
            raise StoreError(
                f"mesin ini tidak memegang kunci {len(missing)} kasus (mis. {missing[0]}); tulis ulang riwayat di mesin berwenang"
            )
        settings = {"kunci": {i: base64.b64encode(held[i]).decode() for i in ids}, "sensitif": list(desk.config.sensitive)}
        secret = keys.store.folder / "migrasi.json"
        fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(settings, handle)
        remotes = {name: git.remote_url(name) for name in git.remotes()}
        try:
            git.filter_repo_blobs(_CALLBACK, {ENV_KEYS: str(secret)})
        finally:
            secret.unlink(missing_ok=True)
        for name, url in remotes.items():  # filter-repo drops them so nothing is pushed by accident
            if url and name not in git.remotes():
                git.add_remote(name, url)
        new_head = git.head()
        message = commits.rewrite_record(old_head, desk.sop.number)
        record = git.commit_index(message, store.identity_for(actor), parent=new_head, sign=store.sign_commits)
    _forget_plain_cache(desk)
    _mark_audited(desk, record)
    if remotes:  # the next `sinkron` replaces each remote's branch (see app/sync.py)
        from pengaduan.app.sync import REWRITE_MARK

        # Every commit the rewrite replaced (filter-repo's map): the remote may be at any of them.
        replaced = _replaced_commits(git.git_dir / "filter-repo" / "commit-map") | {old_head}
        mark = {"dari": old_head, "ke": record, "lama": sorted(replaced), "terkirim": []}
        yamlio.write_atomic(store.private_dir() / REWRITE_MARK, (json.dumps(mark) + "\n").encode())
    return Migration(done.cases, record, rewritten=True, old_head=old_head)


def _replaced_commits(path: Path) -> set[str]:
    try:
        lines = path.read_text("utf-8").splitlines()[1:]  # header: "old new"
    except FileNotFoundError:
        return set()
    return {line.split()[0] for line in lines if line.split()}


def _mark_audited(desk: Desk, head: str) -> None:
    """The rewrite is deliberate and recorded: this machine's audit mark moves to the new history."""
    from pengaduan.app.history import mark_path, read_mark, sync_mark_path, write_sync_mark

    mark = {"commit": head, "waktu": desk.now().isoformat(timespec="seconds"), "catatan": "riwayat ditulis ulang (migrasi)"}
    yamlio.write_atomic(mark_path(desk.store), (json.dumps(mark, ensure_ascii=False, indent=2) + "\n").encode())
    synced = read_mark(sync_mark_path(desk.store))
    if synced:  # what this clone sent lies in the old history: the next sinkron sends the new one
        write_sync_mark(desk.store, head, str(synced.get("remote") or "origin"), mark["waktu"])


def unmigrated(desk: Desk) -> int:
    return sum(1 for c in desk.store.load_all() if c.schema < 2)


def require_choice(rewrite: bool, confirmed: bool) -> None:
    if rewrite and not confirmed:
        raise InputError(
            "--tulis-ulang-riwayat menulis ulang SELURUH riwayat; ulangi dengan --ya bila sudah dibaca peringatannya"
        )
