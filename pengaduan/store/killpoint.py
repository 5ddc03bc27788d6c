"""TEST HOOK ONLY: kill this process with SIGKILL at a named point of a transition.

The crash tests set PENGADUAN_UJI_MATI_DI=<point> (or <point>#N for the N-th time the point is
reached) on a subprocess; nothing else ever sets it. Unset, `here()` costs one dict lookup.
"""

from __future__ import annotations

import os
import signal

ENV = "PENGADUAN_UJI_MATI_DI"
_seen: dict[str, int] = {}


def here(point: str) -> None:
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    name, _, nth = wanted.partition("#")
    if name != point:
        return
    _seen[point] = _seen.get(point, 0) + 1
    if _seen[point] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
