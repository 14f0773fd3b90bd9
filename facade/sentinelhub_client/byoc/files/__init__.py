"""Files of Planet tiles: listing, sizes, range reads and resumable parallel downloads.

Tiles of collections made by a Planet subscription or order carry their files (the scene's
GeoTIFFs, metadata JSON, ...). `sentinelhub_client.byoc.files.sync` reads them, and
`sentinelhub_client.byoc.files.aio` holds its async twins (the same names with an ``a`` in front):

=========================  =====================================================================
function                   what it does
=========================  =====================================================================
`list_tile_files`          the tile's file paths (``/``-separated, relative to the tile)
`get_tile_file_size`       a file's size in bytes (``HEAD``)
`read_tile_file`           bytes ``start..end`` (inclusive, like HTTP) of a file, in memory
`iter_tile_file`           the same, streamed in chunks; a dropped connection is resumed
`download_tile_file`       one file to disk: streamed, parallel ranges, resumable, atomic
`download_tile`            every file of a tile (or some) into a folder, with one progress
=========================  =====================================================================

Downloads never hold a file in memory: bytes go to ``<destination>.part`` as they arrive, in
parallel byte ranges for large files, each range retried on its own. ``<destination>.part.json``
records which bytes are on disk and of which version of the file (its ETag), so a run after an
interruption (a crash, ``kill -9``, a full disk) fetches only what is missing, guarded by
``If-Range``. Answers that do not fit (a ``200`` to a range request, a ``Content-Range`` other
than the one asked for, a size or ETag change) make the download start over from zero once, then
raise `DownloadError`. The complete file is size-checked, fsynced and renamed into place.
Redirects are followed (by the transport): the ``Authorization`` header goes only to the origin
it was meant for, never to another host (a presigned storage URL, say).

How a download is planned:

- A ``HEAD`` gives the size and, usually, the strong ``ETag`` of the file.
- Bytes already on disk are known from the sidecar (its ETag, size and the byte ranges that were
  written). They are trusted only when the source, the size and the ETag still match and the
  ``.part`` file has the right size; otherwise the download starts over.
- The missing bytes are cut into segments of at most ``part_size`` bytes; a file that fits in one
  segment is fetched as one stream. Each ranged request carries ``If-Range: <etag>``.

The modules, one concern each; all but the two shells, `disk` and `threads` do no I/O:

- `entries`: the public functions written once for both shells: signatures, docstrings, the
  checks of the arguments (`entries.Shell` binds each to a shell's body);
- `options`: defaults and checks of the arguments, `Settings` of a download;
- `paths`: remote paths and their URLs, local paths, `Source` (which file);
- `calls`: the requests, and the reading of the headers and bodies of their answers;
- `reads`: the plan of a range read (`iter_tile_file`);
- `ranges`: byte sets and the segments still to fetch;
- `progress`: one progress callback fed by many connections;
- `state`: the resume sidecar, and whether a new attempt may trust it;
- `job`: one file's download shared by its connections, the checks of every answer, and
  `start_over` (what follows an untrustworthy answer);
- `tiles`: the bookkeeping of `download_tile`;
- `flow`: the download of one file, and of a tile's files, as steps: every decision and the
  order of the I/O, once;
- `disk`: the ``.part`` file, the sidecar writes, the final rename (blocking calls);
- `threads`: the sync shell's stop flag and workers (the first failure stops the others);
- `sync`, `aio`: the shells: requests through the transport, disk calls, threads or tasks;
- `core`: the names the core had before it was split, re-exported.
"""
