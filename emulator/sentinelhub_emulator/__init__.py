"""sentinelhub_emulator: a local Sentinel Hub BYOC service over real HTTP.

Run it with ``sentinelhub-emulator --data-dir DIR`` or in-process::

    from sentinelhub_emulator import Emulator, FaultConfig

    with Emulator(tmp_path, planet_buckets=["planet"]) as emu:
        ...  # emu.base_url, emu.token_url, emu.client_id, emu.client_secret

It speaks the wire contract of Sentinel Hub's BYOC API v1 (under both ``/api/v1/byoc`` and
``/byoc/v1``), its OAuth client-credentials token endpoint and the Planet tile-file endpoints,
keeps its data in one SQLite file, ingests real COGs from bucket folders, and injects faults on
request.
"""

from .faults import FaultConfig
from .server import Emulator

__all__ = ["Emulator", "FaultConfig"]
