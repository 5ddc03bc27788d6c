"""Machines and their keys: who may hold the cases' data keys, and how keys travel between them.

Design (README "Kunci"):
- Each machine has an X25519 key pair in `.git/pengaduan/kunci/` (never pushed; private key
  0600). The authorised machines' names and PUBLIC keys are in pengaduan.yaml (`mesin`), changed
  only by a manager's configuration commit (`kunci init`, `izinkan`, `cabut`) -- so who was
  allowed to read, and since when, is in the audited history.
- Each case's data key travels wrapped to each authorised machine's public key, as one file
  `kasus/YYYY/MM/<ID>/<mesin>` of the key ref `refs/pengaduan/kunci` on the same remote as the
  store. Erased cases leave a `hapus/<ID>` marker (an ID and a date) and lose their files.
- The key ref is REPLACED, never appended to: every change is a fresh root commit (no parent),
  pushed with a compare-and-swap lease. What a new version leaves out -- an erased case's
  wraps, a revoked machine's -- is reachable from nothing and goes at the next `gc` (this
  machine runs it at once on its own copy). Clones of the store do not fetch it (it is not a
  branch); its objects live in a small bare repository of their own under
  `.git/pengaduan/kunci/ref.git`, never in the store's object database.
- `sinkron` (after the store itself): fetch the key ref; destroy the keys of every erased case
  it names; unwrap this machine's wraps of keys it lacks; wrap every key it holds for every
  authorised machine that lacks one; add what it has waiting (new cases' wraps, erasures); drop
  revoked machines' wraps; push the new version; on a lost race, start again.
"""

from __future__ import annotations

import base64
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from pengaduan.app.context import Desk
from pengaduan.app.privacy import Keys, forget_derived
from pengaduan.core import sealed, timeutil
from pengaduan.core.config import Machine, Staff, check_machine_name, parse_public_key
from pengaduan.errors import ConfigError, InputError, PermissionDenied, StoreError
from pengaduan.store import layout
from pengaduan.store.git import Git

KEY_REF = "refs/pengaduan/kunci"
TRACKING_REF = "refs/pengaduan/jauh/kunci"
CASES_DIR = "kasus"
ERASED_DIR = "hapus"
TRIES = 4
ENV_PHRASE = "PENGADUAN_FRASA"
BACKUP_VERSION = 1


def wrap_path(case_id: str, machine: str) -> str:
    return f"{CASES_DIR}/20{case_id[:2]}/{case_id[2:4]}/{case_id}/{machine}"


def _parse_path(path: str) -> tuple[str, str, str] | None:
    """('kasus', case id, machine) or ('hapus', case id, '') for a key-ref path, else None."""
    parts = path.split("/")
    if len(parts) == 5 and parts[0] == CASES_DIR:
        return CASES_DIR, parts[3], parts[4]
    if len(parts) == 2 and parts[0] == ERASED_DIR:
        return ERASED_DIR, parts[1], ""
    return None


# -- this machine and the authorised ones --------------------------------------------------------
def _default_name() -> str:
    raw = socket.gethostname().split(".")[0].lower()
    name = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in raw).strip("-._") or "mesin"
    return name[:63]


def ensure_identity(keys: Keys, name: str | None) -> tuple[str, bytes, bytes]:
    """This machine's (name, private, public), made on first use."""
    found = keys.identity()
    if found is not None:
        if name and name != found[0]:
            raise InputError(f"mesin ini sudah bernama '{found[0]}'; tidak dapat diganti menjadi '{name}'")
        return found
    chosen = check_machine_name(name or _default_name())
    private, public = sealed.new_machine_key()
    keys.store.set_identity(chosen, private, public)
    return chosen, private, public


def _require_manager(desk: Desk, actor: Staff, what: str) -> None:
    if not desk.sop.manages(actor.roles):
        raise PermissionDenied(
            f"petugas '{actor.code}' ({', '.join(actor.roles)}) tidak boleh {what}; yang boleh: {', '.join(desk.sop.managers)}"
        )


@dataclass(frozen=True)
class MachineInfo:
    name: str
    fingerprint: str
    public_key: str
    authorised: bool


def describe(keys: Keys) -> MachineInfo | None:
    me = keys.identity()
    if me is None:
        return None
    name, _, public = me
    return MachineInfo(name, sealed.fingerprint(public), base64.b64encode(public).decode(), keys.authorised())


def init(desk: Desk, actor: Staff, name: str | None = None) -> tuple[MachineInfo, int]:
    """The first machine: give it a key pair and name it the store's first authorised machine
    (one configuration commit). Returns it and how many keys it now wraps for itself."""
    _require_manager(desk, actor, "menyiapkan kunci mesin")
    keys = Keys(desk)
    machines = desk.config.machines
    me = keys.identity()
    if machines and (me is None or desk.config.machine(me[0]) is None):
        names = ", ".join(m.name for m in machines)
        raise StoreError(
            f"store ini sudah punya mesin berwenang ({names}); mesin ini minta izin dengan 'pengaduan kunci minta', "
            "lalu admin di mesin berwenang menjalankan 'pengaduan kunci izinkan'"
        )
    name_, _, public = ensure_identity(keys, name)
    if not machines:
        entry = Machine(name_, base64.b64encode(public).decode(), actor.code, timeutil.to_text(desk.recording_now()))
        desk.store.save_config(desk.config.with_machines([entry]), f"Kunci: mesin {name_} berwenang (kunci init)", actor)
        desk.forget_config()
    wrapped = rewrap_for(keys, desk.config.machine(name_))
    info = describe(keys)
    assert info is not None
    return info, wrapped


def request(desk: Desk, name: str | None = None) -> MachineInfo:
    """A new machine: its key pair (made once) and what an admin needs to let it in."""
    keys = Keys(desk)
    ensure_identity(keys, name)
    info = describe(keys)
    assert info is not None
    return info


def rewrap_for(keys: Keys, machine: Machine | None) -> int:
    """Wrap every key this machine holds for one machine (queued for the key ref)."""
    if machine is None:
        return 0
    public = base64.b64decode(machine.public_key)
    held = keys.store.load_all()
    keys.store.add_pending((cid, machine.name, sealed.wrap(key, cid, machine.name, public)) for cid, key in held.items())
    return len(held)


def authorise(desk: Desk, actor: Staff, name: str, public_key: str) -> tuple[Machine, int]:
    """Let a machine in (an admin, on an authorised machine): one configuration commit, and every
    key held here wrapped for it, to reach it at the next `sinkron`."""
    _require_manager(desk, actor, "mengizinkan mesin")
    keys = Keys(desk)
    name = check_machine_name(name)
    try:
        public = parse_public_key(public_key, "--kunci-publik")
    except ConfigError as exc:
        raise InputError(exc.message) from None
    if not desk.config.machines or not keys.authorised():
        raise StoreError(
            "mesin ini bukan mesin berwenang (tidak memegang kunci kasus); jalankan 'pengaduan kunci izinkan' di mesin "
            "berwenang (atau 'pengaduan kunci init' di mesin pertama)"
        )
    existing = desk.config.machine(name)
    if existing is not None:
        if existing.public_key == public:
            raise InputError(f"mesin '{name}' sudah berwenang")
        raise InputError(f"nama mesin '{name}' sudah dipakai dengan kunci lain; cabut dulu ('pengaduan kunci cabut {name}')")
    entry = Machine(name, public, actor.code, timeutil.to_text(desk.recording_now()))
    machines = [*desk.config.machines, entry]
    desk.store.save_config(desk.config.with_machines(machines), f"Kunci: mesin {name} diizinkan", actor)
    desk.forget_config()
    return entry, rewrap_for(keys, entry)


def revoke(desk: Desk, actor: Staff, name: str) -> Machine:
    """Remove a machine: no key made from now on is wrapped for it, and its wraps leave the key ref."""
    _require_manager(desk, actor, "mencabut mesin")
    found = desk.config.machine(name)
    if found is None:
        known = ", ".join(m.name for m in desk.config.machines) or "(belum ada)"
        raise InputError(f"mesin '{name}' tidak ada di daftar mesin berwenang ({known})")
    if len(desk.config.machines) == 1:
        raise InputError(
            f"'{name}' satu-satunya mesin berwenang; izinkan mesin lain dulu, kalau tidak kunci baru tak terbaca siapa pun"
        )
    machines = [m for m in desk.config.machines if m.name != name]
    desk.store.save_config(desk.config.with_machines(machines), f"Kunci: mesin {name} dicabut", actor)
    desk.forget_config()
    Keys(desk).store.drop_pending_for(name)
    return found


# -- backups -------------------------------------------------------------------------------------
def export(desk: Desk, target: Path, phrase: str) -> int:
    """This machine's key pair and every case key it holds, locked with a passphrase (scrypt)."""
    if len(phrase) < 10:
        raise InputError("frasa sandi terlalu pendek; pakai paling sedikit 10 karakter (beberapa kata lebih baik)")
    if target.exists():
        raise InputError(f"{target} sudah ada; tidak ditimpa. Pilih nama berkas lain")
    keys = Keys(desk)
    me = keys.identity()
    held = keys.store.load_all()
    data = {
        "versi": BACKUP_VERSION,
        "mesin": {"nama": me[0], "kunci_privat": base64.b64encode(me[1]).decode()} if me else None,
        "kunci": {cid: base64.b64encode(key).decode() for cid, key in sorted(held.items())},
        "hapus": sorted(keys.store.erased_ids()),
    }
    blob = sealed.lock_with_phrase(json.dumps(data, sort_keys=True).encode(), phrase)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(blob)
        handle.flush()
        os.fsync(handle.fileno())
    return len(held)


@dataclass(frozen=True)
class Imported:
    keys: int
    skipped_erased: int
    identity: str  # restored, kept (this machine already had one), none


def import_backup(desk: Desk, source: Path, phrase: str) -> Imported:
    """Restore a backup: the case keys (never those of cases erased since), and this machine's key
    pair when it has none."""
    try:
        blob = source.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{source} tidak ada") from None
    if len(blob) > 256 * 1024 * 1024:
        raise InputError(f"{source} terlalu besar untuk cadangan kunci")
    try:
        data = json.loads(sealed.unlock_with_phrase(blob, phrase))
        version = data["versi"]
        cases = {str(k): base64.b64decode(v) for k, v in data["kunci"].items()}
        erased = {str(i) for i in data.get("hapus") or []}
    except sealed.SealError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError):
        raise InputError(f"{source}: isi cadangan kunci tidak dikenal") from None
    if version != BACKUP_VERSION or any(len(k) != sealed.KEY_BYTES for k in cases.values()):
        raise InputError(f"{source}: versi atau isi cadangan kunci tidak dikenal")
    keys = Keys(desk)
    identity = "tidak ada"
    machine = data.get("mesin")
    if isinstance(machine, dict):
        if keys.identity() is None:
            private = base64.b64decode(machine["kunci_privat"])
            keys.store.set_identity(check_machine_name(str(machine["nama"])), private, sealed.public_of(private))
            identity = "dipulihkan"
        else:
            identity = "tetap (mesin ini sudah punya kunci sendiri)"
    # Cases erased since the backup was made: their keys never come back.
    wanted = set(cases)
    now_erased = {c.id for c in desk.store.load_all(select=lambda path, _blob: layout.case_id_of(path) in wanted)
                  if c.erasure is not None}  # fmt: skip
    gone = erased | now_erased | set(keys.store.erased_ids())
    if erased - set(keys.store.erased_ids()):
        keys.store.destroy(sorted(erased - set(keys.store.erased_ids())), timeutil.to_text(desk.recording_now()))
    kept = {cid: key for cid, key in cases.items() if cid not in gone}
    added = keys.store.put_many(kept) if keys.authorised() or identity == "dipulihkan" else 0
    return Imported(added, len(cases) - len(kept), identity)


# -- the key ref through sinkron ---------------------------------------------------------------------
@dataclass
class KeySync:
    received: int = 0  # keys unwrapped here
    destroyed: int = 0  # keys destroyed here because the case was erased elsewhere
    sent: int = 0  # wraps and erasure markers added to the key ref
    removed: int = 0  # files the new key ref leaves out (erased cases, revoked machines)
    skipped: str = ""  # why nothing was done


def key_repo(keys: Keys) -> Git:
    repo = Git(keys.store.repo_path)
    if not (keys.store.repo_path / "HEAD").exists():
        keys.store.folder.mkdir(parents=True, exist_ok=True)
        repo.init_bare()
    return repo


def _remote_url(desk: Desk, remote: str) -> str:
    url = desk.store.git.remote_url(remote)
    if url is None:
        raise StoreError(f"remote '{remote}' tidak punya url")
    local = Path(url) if "://" not in url and not url.startswith(("git@", "ssh:")) and ":" not in url.split("/")[0] else None
    if local is not None and not local.is_absolute():
        url = str((desk.store.root / local).resolve())
    return url


def sync_keys(desk: Desk, remote: str) -> KeySync:
    """Exchange keys with the other machines through the key ref of `remote` (see the module doc)."""
    keys = Keys(desk)
    result = KeySync()
    if not desk.config.machines and not keys.store.erased_ids():
        result.skipped = "belum ada mesin berwenang ('pengaduan kunci init')"
        return result
    url = _remote_url(desk, remote)
    repo = key_repo(keys)
    with desk.store.locked():
        for _ in range(TRIES):
            theirs = repo.fetch_ref(url, KEY_REF, TRACKING_REF)
            outcome = _one_round(desk, keys, repo, url, theirs, result)
            if outcome:
                repo.prune_now()
                return result
    raise StoreError(f"kunci di {remote} terus berubah selama sinkron; ulangi 'pengaduan sinkron' sebentar lagi")


def _one_round(desk: Desk, keys: Keys, repo: Git, url: str, theirs: str | None, result: KeySync) -> bool:
    store = keys.store
    tree = dict(repo.ls_tree_all(theirs)) if theirs else {}
    wraps: dict[tuple[str, str], str] = {}  # (case, machine) -> blob id
    marked: set[str] = set()
    for path, blob in tree.items():
        parsed = _parse_path(path)
        if parsed is None:
            continue
        kind, case_id, machine = parsed
        if kind == CASES_DIR:
            wraps[(case_id, machine)] = blob
        else:
            marked.add(case_id)
    # 1. Erasures recorded anywhere: the key goes here too, for good.
    known = store.erased_ids()
    held = store.ids()
    fresh_erasures = sorted(marked - set(known))
    if fresh_erasures:
        result.destroyed += len(set(fresh_erasures) & held)
        store.destroy(fresh_erasures, timeutil.to_text(desk.recording_now()))
        forget_derived(desk, fresh_erasures)
        held -= set(fresh_erasures)
        known = store.erased_ids()
    # 2. This machine's own wraps of keys it does not have yet.
    me = keys.identity()
    authorised = keys.authorised()
    if me is not None and authorised and desk.config.machines:
        name, private, _ = me
        missing = {
            blob: cid for (cid, machine), blob in wraps.items() if machine == name and cid not in held and cid not in known
        }
        got: dict[str, bytes] = {}
        for blob, data in repo.read_blobs(list(missing)):
            try:
                got[missing[blob]] = sealed.unwrap(data, missing[blob], name, private)
            except sealed.SealError:
                continue  # not for this key pair (an old one): another machine re-wraps it
        if got:
            result.received += store.put_many(got)
            held |= set(got)
    # 3. Every key held here, for every authorised machine that lacks it -- also keys a machine
    # kept before any machine was named (it received cases then), so they reach the authorised ones.
    machines = {m.name: m for m in desk.config.machines}
    pending = {(cid, m): blob for cid, m, blob in store.pending()}
    if machines:
        all_keys = store.load_all()
        extra = []
        for cid, key in all_keys.items():
            for m_name, entry in machines.items():
                if (cid, m_name) not in wraps and (cid, m_name) not in pending:
                    extra.append((cid, m_name, sealed.wrap(key, cid, m_name, base64.b64decode(entry.public_key))))
        if extra:
            store.add_pending(extra)
            pending.update({(cid, m): wrapped for cid, m, wrapped in extra})
    # 4. The new version: what waits here, minus erased cases and revoked machines.
    adds: list[tuple[str, bytes]] = []
    done: list[tuple[str, str]] = []
    for (cid, m_name), wrapped in sorted(pending.items()):
        if cid in known or m_name not in machines:
            done.append((cid, m_name))
            continue
        if (cid, m_name) in wraps:
            done.append((cid, m_name))  # another machine put it there already
            continue
        adds.append((wrap_path(cid, m_name), wrapped))
        done.append((cid, m_name))
    adds += [(f"{ERASED_DIR}/{cid}", f"{when}\n".encode()) for cid, when in sorted(known.items()) if cid not in marked and when]
    removes = [wrap_path(cid, m) for (cid, m) in wraps if cid in known or (machines and m not in machines)]
    if not adds and not removes:
        store.clear_pending(done)
        repo.set_ref(KEY_REF, theirs)
        return True
    message = f"Kunci kasus pengaduan ({len(wraps) + len(adds) - len(removes)} berkas); versi baru tanpa induk\n"
    new = repo.write_root_commit(tree_of(repo, theirs), adds, removes, message, KEY_REF)
    if not repo.push_ref(url, new, KEY_REF, theirs):
        return False
    repo.set_ref(TRACKING_REF, new)  # nothing here keeps the version it replaced
    store.clear_pending(done)
    result.sent += len(adds)
    result.removed += len(removes)
    return True


def tree_of(repo: Git, commit: str | None) -> str | None:
    return f"{commit}^{{tree}}" if commit else None


def status(desk: Desk) -> dict[str, object]:
    keys = Keys(desk)
    info = describe(keys)
    return {
        "mesin": info.name if info else None,
        "sidik_jari": info.fingerprint if info else None,
        "berwenang": keys.authorised(),
        "kunci_kasus": len(keys.store.ids()),
        "menunggu_dikirim": len(keys.store.pending()),
        "dihapus": len(keys.store.erased_ids()),
        "mesin_berwenang": [m.name for m in desk.config.machines],
    }

