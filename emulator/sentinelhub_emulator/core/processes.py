"""Worker processes of the emulator's pools (Batch tiles, BYOC ingestion).

`WorkerContext` is a ``spawn`` multiprocessing context whose processes do not run the program's
main script again. ``spawn`` normally re-imports the parent's ``__main__`` in each child, so a
script that starts an emulator without an ``if __name__ == "__main__":`` guard would start
another one in every worker. A worker needs none of it (its tasks name functions of this
package), so the main module is hidden while a child's start-up data is gathered; one lock,
shared by every pool, keeps two spawns from swapping it at once. A worker also ends by itself
when the process that started it is gone (see `PARENT_CHECK_S`)::

    pool = ProcessPoolExecutor(max_workers=2, mp_context=WorkerContext())
"""

from __future__ import annotations

import os
import sys
import threading
import time
import types
from multiprocessing.context import SpawnContext, SpawnProcess
from multiprocessing.process import BaseProcess
from typing import Any

__all__ = ["PARENT_CHECK_S", "WorkerContext"]

_MAIN_LOCK = threading.Lock()


#: Seconds between a worker's checks that the process that started it is still alive.
PARENT_CHECK_S = 0.5


def _exit_with_parent(parent_pid: int) -> None:
    """End this worker as soon as the process that started it is gone (killed with
    ``kill -9``, for instance): its pool cannot tell it to stop any more, and it would wait
    for tasks forever, holding its memory. A parent that ends is replaced as this process's
    parent (by init or a subreaper), which ``os.getppid`` shows."""
    while True:
        if os.getppid() != parent_pid:
            os._exit(0)
        time.sleep(PARENT_CHECK_S)


class _WorkerProcess(SpawnProcess):
    """A spawned worker that does not run the program's main script again, and that ends
    when its parent process is gone."""

    def run(self) -> None:
        parent = self._parent_pid  # type: ignore[attr-defined]  # set by BaseProcess
        threading.Thread(
            target=_exit_with_parent,
            args=(parent,),
            name="sentinelhub-emulator-parent-check",
            daemon=True,
        ).start()
        super().run()

    @staticmethod
    def _Popen(process_obj: BaseProcess) -> Any:
        with _MAIN_LOCK:
            main = sys.modules["__main__"]
            sys.modules["__main__"] = types.ModuleType("__main__")
            try:
                return SpawnProcess._Popen(process_obj)
            finally:
                sys.modules["__main__"] = main


class WorkerContext(SpawnContext):
    """The multiprocessing context of the emulator's worker pools (see the module)."""

    Process = _WorkerProcess
