"""sentinelhub_emulator: a local Sentinel Hub BYOC service over real HTTP.

Run it with ``sentinelhub-emulator --data-dir DIR`` or in-process::

    from sentinelhub_emulator import Emulator, FaultConfig

    with Emulator(tmp_path, planet_buckets=["planet"]) as emu:
        ...  # emu.base_url, emu.token_url, emu.client_id, emu.client_secret

It speaks the wire contract of Sentinel Hub's BYOC API v1 (under both ``/api/v1/byoc`` and
``/byoc/v1``), its OAuth client-credentials token endpoint (Keycloak's path and the legacy
``/oauth/token``) and the Planet tile-file endpoints, keeps its data in one SQLite file
(``DIR/emulator.sqlite3``), ingests real COGs from bucket folders (``DIR/buckets/NAME`` or any
folder mapped with ``--bucket NAME=PATH``), and injects faults on request.

Where the reference leaves a choice, the emulator decides as follows:

- A collection belongs to the account of the client that created it. Clients of another account
  get 403 ``COMMON_INSUFFICIENT_PERMISSIONS`` on it and do not see it in lists.
- Breaking an update rule of PUT collection (bucket change with tiles, added bands, changed
  bitDepth / bandIndex / source, changed sampleFormat, removing every band of a collection with
  tiles, noData on both collection and band) is a 400 ``COMMON_BAD_PAYLOAD`` naming the parameter.
- PUT tile with another ``coverGeometry`` (or none, where one was given before) re-ingests the
  tile, since the stored cover (in the tile's CRS) and the collection's extent derive from it.
  Sending back the geometry a GET returned changes nothing; a FAILED tile just stores the new
  cover for its next re-ingestion.
- Re-ingestion is accepted for INGESTED and FAILED tiles; a tile still on its way is a 400.
- ``requiresMetadataUpdate`` is true while a tile of the collection waits for ingestion.
- A collection is a Planet collection when its ``s3Bucket`` is one of ``planet_buckets``
  (``--planet-bucket NAME``); only those serve tile files, from the tile's path as a folder.
- Tokens are HMAC-signed JWTs whose key lives in the database, so they survive a restart;
  ``expires_in`` is the lifetime rounded up to whole seconds.
- Emulator-only endpoints live under ``/_emulator`` (see `admin`).
"""

from sentinelhub_emulator.core.faults import FaultConfig
from sentinelhub_emulator.server import Emulator

__all__ = ["Emulator", "FaultConfig"]
