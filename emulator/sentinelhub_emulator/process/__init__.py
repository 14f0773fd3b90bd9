"""The emulator's Process and Async Process service: evalscript V3 over BYOC collections.

Modules: `routes` (HTTP), `engine` (`render`, shared with Batch), `request` (checking bodies),
`script` and `jslib` (the evalscript in V8 through mini-racer), `raster` (tiles onto the request
grid with rasterio), `encode` (sample types and formats), `jobs` (async requests and delivery),
`service` (start / stop and limits per emulator).

What it supports
================

- ``POST /api/v1/process`` (also ``/process/v1``), JSON or ``multipart/form-data`` bodies
  (parts ``request`` and ``evalscript``), the ``Accept`` header, the ``x-processingunits-spent``
  header. ``POST /api/v1/async/process`` (also ``/async/v1/process``) and
  ``GET .../{requestId}``; delivery to ``s3://<bucket>/<key>`` in the emulator's bucket folders.
- Evalscript V3 in V8 with a time limit and a heap limit per request (`service` lists the
  settings); typed arrays are capped at the same size. ``setup`` (input as band names or objects
  with ``bands``, ``units`` (DN for BYOC; a predefined collection's own units),
  ``metadata: ["bounds"]``, ``datasource``, ``mosaicking``; output as one object or a list
  with ``id``, ``bands``, ``sampleType``, ``nodataValue``;
  ``mosaicking`` SIMPLE, ORBIT or TILE), ``preProcessScenes`` (TILE and ORBIT, one input),
  ``updateOutput``, ``evaluatePixel`` (array or object keyed by output id; booleans count as 0/1)
  and ``updateOutputMetadata`` with the ``userdata`` response. Globals: ``Mosaicking``,
  ``SampleType``, ``JAVA_DOUBLE_MAX_VAL``, ``index``, ``inverse``, ``int2rgb``, ``rgb2int``,
  ``normalizeRGB``, ``combine``, ``valueInterpolate``, ``colorBlend``, ``ColorRampVisualizer``,
  ``ColorMapVisualizer``.
- Inputs ``byoc-<collectionId>`` (and ``batch-<collectionId>``, the outputs of batch requests
  made with ``createCollection``) of the caller's account, several with ``id`` for data fusion;
  ``dataFilter.timeRange`` (inclusive) and ``mosaickingOrder`` (mostRecent, leastRecent);
  ``processing.upsampling`` / ``downsampling`` (NEAREST, BILINEAR, BICUBIC).
- Reads use the coarsest internal overview still at least as fine as the output.
- Bounds: ``bbox`` and/or ``geometry`` (Polygon, MultiPolygon) in CRS84 or any EPSG CRS;
  ``width`` / ``height`` (one of them alone keeps the bbox's aspect ratio) or ``resx`` / ``resy``.
- Outputs: TIFF (any band count and sample type, georeferenced), PNG (1-4 bands of UINT8/AUTO,
  or 1 band of UINT16), JPEG (1 or 3 bands of UINT8/AUTO, ``quality``), ``userdata`` JSON, and a
  tar of ``<identifier>.<ext>`` members (``.tif``, ``.png``, ``.jpg``, ``.json``).

Choices where the service's behaviour is not documented
=======================================================

- Grid: the image spans the bbox edge to edge; each pixel samples its centre. With
  ``resx`` / ``resy`` the pixels have exactly that size from the bbox's top-left corner and the
  image has ``round(extent / res)`` of them. A geometry alone spans its envelope; a pixel is
  inside the geometry (and a tile's cover) when its centre is.
- Mosaicking order ties (equal sensing times) go to the tile created later, in both orders.
  Tiles without a sensing time are used only when the request gives no time range, and count as
  older than every sensed tile. ORBIT groups tiles by UTC day of their sensing time.
- ``dataMask`` is 1 where the pixel is inside the request geometry, inside the cover geometry of
  the tile that SIMPLE mosaicking picks for it (the first in order whose cover holds it; no
  fall-through), and every requested band of that tile has a value that is neither ``noData``
  nor NaN. Band values of no-data pixels are 0. Resampled values are not rounded to the band's
  type.
- Sample types round half up (``Math.round``) and clamp; NaN becomes 0; AUTO is
  ``round(v * 255)`` clamped to 0..255. ``evaluatePixel`` must return exactly ``bands`` values.
- Data fusion: ``samples.<id>`` is an array also under SIMPLE mosaicking (one element, whatever
  its ``dataMask``); ``scenes.<id>.scenes`` lists that input's tiles or orbits. Setup inputs
  without ``datasource`` bind to the request's inputs by position; inputs without ``id`` are
  keyed ``"0"``, ``"1"``, ...
- ``inputMetadata`` is ``{serviceVersion: "emulator", normalizationFactor: 1}``. Tile objects
  in ``scenes`` carry ``date``, ``shId`` (the tile's sequence number), ``tileId``, ``dataPath``
  and, with ``metadata: ["bounds"]``, ``dataGeometry`` and ``dataEnvelope``.
- Processing units follow the documented formula: area (min 0.01) x input bands / 3 x format
  (2 for FLOAT32 TIFF, 1.4 for octet-stream) x samples (scenes after ``preProcessScenes`` for
  TILE / ORBIT) x number of inputs when fusing, at least 0.005.
- Async: at most ``SH_EMULATOR_ASYNC_MAX_RUNNING`` requests run at once (429 with
  ``Retry-After`` in milliseconds beyond); ``<OUTPUT>`` is ``<identifier>.<ext>``; a failure
  writes ``error.json`` (the error envelope) where the outputs would go. Requests are kept in
  the emulator's database until they end, so a restart (even ``kill -9``) resumes them (see
  `sentinelhub_emulator.process.jobs`); an id answers 404 only once its outputs or its
  ``error.json`` are written. No copy of the request is written into the bucket.

Not supported (a 400 naming the field, never a guess)
=====================================================

Collections other than ``byoc-<id>``, ``batch-<id>`` and the predefined types served with
``--collection-data`` (`collection_data`, `predefined`); data filter members other than
``timeRange`` / ``mosaickingOrder`` (and, for predefined types, those emulated from scene
metadata); processing options other than up/downsampling; units other than DN (BYOC) or the
collection's own; evalscripts V1/V2; ``setup().processing``;
``preProcessScenes`` with several inputs; ``multipart/mixed`` answers; Google Cloud Storage
delivery or references. Documented helpers not implemented (calling one answers a 400
``RENDERER_EXCEPTION`` saying so): ``valueMap``, ``ColorGradientVisualizer``,
``HighlightCompressVisualizer``, ``decodeS3OLCIQualityFlags``, ``decodeL8C2Qa`` and the colour
tables (``blueRed``, ``redTemperature``, ``greenWhite``, ``oceanColor``). The collection's
resolution limit (``maxMetersPerPixel``) is not enforced.
"""
