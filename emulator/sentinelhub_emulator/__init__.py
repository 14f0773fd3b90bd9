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
- A null member of a request body counts as absent, at any depth (sentinelhub-py sends ``null``
  for every unset field); read-only members sent back (``id``, ``accountId``, ``userId``,
  ``created``, ``status``, computed ``additionalData``) are ignored.

Limits (no input gets a 5xx; each of these is a 4xx in the API's error envelope, the token
endpoint answering in OAuth's ``{"error", "error_description"}`` shape):

- request bodies: at most 1 MiB (``MAX_BODY_BYTES``; 413), JSON nested at most 32 arrays or
  objects deep (``MAX_JSON_DEPTH``; 400), text without lone surrogates such as ``\\ud800`` (400);
- tile paths: at most 1,024 characters (``MAX_PATH_CHARS``) and 255 UTF-8 bytes per folder or
  file name (``MAX_NAME_BYTES``); 400 naming ``path``;
- ``search``: at most 32 words over all its ``|`` groups (``MAX_SEARCH_WORDS``) and 4,096
  characters; 400 naming ``search``;
- Planet file paths: a name above 255 bytes or a path above 4,096 bytes names no file (404);
- a request h11 cannot parse (a raw NUL in the target, say) is a 400 in the API envelope.

It needs the ``emulator`` extra (``pip install "sentinelhub-client[emulator]"``); without it,
importing this package raises an `ImportError` that says so (see `sentinelhub_emulator._extras`).
"""

from sentinelhub_emulator._extras import require_emulator_extra

require_emulator_extra()  # before any import of starlette, rasterio, V8: one clear error

from sentinelhub_emulator.core.faults import FaultConfig  # noqa: E402
from sentinelhub_emulator.server import Emulator  # noqa: E402

__all__ = ["Emulator", "FaultConfig"]
