"""Worker processes of the emulator's pools (Batch tiles, BYOC ingestion).

`WorkerContext` is a ``spawn`` multiprocessing context whose processes do not run the program's
main script again. ``spawn`` normally re-imports the parent's ``__main__`` in each child, so a
script that starts an emulator without an ``if __name__ == "__main__":`` guard would start
another one in every worker. A worker needs none of it (its tasks name functions of this
package), so the main module is hidden while a child's start-up data is gathered; one lock,
shared by every pool, keeps two spawns from swapping it at once::

    pool = ProcessPoolExecutor(max_workers=2, mp_context=WorkerContext())
"""

from __future__ import annotations

import sys
import threading
import types
from multiprocessing.context import SpawnContext, SpawnProcess
from multiprocessing.process import BaseProcess
from typing import Any

__all__ = ["WorkerContext"]

_MAIN_LOCK = threading.Lock()


class _WorkerProcess(SpawnProcess):
    """A spawned worker that does not run the program's main script again."""

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
