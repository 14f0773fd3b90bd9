"""The emulator's Batch Processing v1 service: requests split into grid tiles, rendered by the
Process engine, written into bucket folders.

Served under ``/api/v1/batch`` (all 18 operations of our spec, bearer token required):
requests (create, list, get, update, delete, analyse, start, cancel, restartpartial), their tiles,
the tiling grids and batch collections; emulator-only fault controls under
``/_emulator/batch/faults`` (admin token).

Modules: `grids` (the four tiling grids, MGRS naming, cells covering an area), `parsing`
(reading a request, every refusal a 400 naming the field), `store` (SQLite tables, `SCHEMA`),
`service` (state machine, bounded worker pool, faults, start/stop), `processing` (rendering a tile
in chunks with the engine, writing GeoTIFF / COG), `collections` (batch collections as the
engine's BYOC records), `routes`.

What it does:

- The contract's request states (CREATED, ANALYSING, ANALYSIS_DONE, PROCESSING, DONE, PARTIAL,
  FAILED, CANCELED) with ``userAction`` / ``userActionUpdated``; an action a state does not allow
  is a 400 ``COMMON_BAD_PAYLOAD`` naming the states that allow it.
- Analysis runs the evalscript through the engine on a few pixels (a broken evalscript fails the
  request with the engine's message), lists the tiles, checks existing output files, fills
  ``tileCount``, ``tileWidthPx``, ``tileHeightPx`` and ``valueEstimate``.
- Tiles move PENDING -> SCHEDULED -> QUEUED -> PROCESSING -> PROCESSED / FAILED; each is rendered
  at the grid resolution in its own CRS (buffers included) and written under
  ``defaultTilePath`` / ``bucketName`` with the placeholders ``<requestId>``, ``<tileName>``,
  ``<tileId>``, ``<outputId>``, ``<format>`` (default layout
  ``<requestId>/<tileName>/<outputId>.tif``), per-output ``tilePath`` overrides, ``overwrite``,
  ``skipExisting``, ``cogOutput`` and ``cogParameters``; keys never leave their bucket folder.
- ``createCollection`` / ``collectionId`` make the outputs a batch collection.
- Data survives restarts; a request caught ANALYSING or PROCESSING resumes.

What it does not do (its own choices, where the docs are silent or it cannot):

- No billing and no PU reservation: ``valueEstimate`` and tile ``cost`` follow the emulator's
  reading of the PU rules (``max(0.01, w*h/512^2) * bands/3``, doubled for float output; buffers
  not counted; no batch discount, no 100 PU minimum).
- Grid definitions are its own reading of the docs: grid 1 matches real tiles; the anchoring of
  grids 0 and 2 (five 20 040 m cells, or one 100 080 m cell, from each MGRS square's north-west
  corner) is a documented guess; UTM zones have no Norway / Svalbard exceptions; squares that
  straddle a latitude band are named after the band of their centre. Only grids 0-3 exist.
- Tiles are rendered whole; the request's geometry selects tiles but does not mask pixels.
- At most `service.MAX_TILES` tiles per request and `parsing.MAX_TILE_PIXELS` pixels per tile
  (the WGS84 grid can be analysed but not processed); larger requests get a clear 400.
- No Zarr output, no multipart (evalscript as a separate part) create, no auto-deletion of stale
  requests, no per-tile retries on a stuck tile.
"""
