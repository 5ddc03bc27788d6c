"""A test hook: die (SIGKILL, as `kill -9` would) at a named point of a command.

`PENGADUAN_UJI_MATI_DI=sinkron:ref` makes the process kill itself when it reaches the point
named `sinkron:ref` (several points may be given, comma-separated). The tests use it to show
that the next run finishes what an interrupted one started. Unset, it costs one dict lookup.
"""

from __future__ import annotations

import os
import signal

ENV = "PENGADUAN_UJI_MATI_DI"


def reached(point: str) -> None:
    wanted = os.environ.get(ENV)
    if wanted and point in wanted.split(","):
        os.kill(os.getpid(), signal.SIGKILL)
