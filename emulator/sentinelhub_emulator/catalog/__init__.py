"""The Catalog API: STAC API 1.0 item search over the caller's BYOC collections.

Served under ``/api/v1/catalog/1.0.0`` (what sentinelhub-py and most users call) and
``/catalog/v1`` (the provider's published form). Nothing is stored here: every answer is read
from BYOC's store (`sentinelhub_emulator.byoc.store.Store`), one STAC Item per INGESTED tile.

- `stac`: the documents (landing page, conformance, collections, items, queryables) and their
  links;
- `search`: the search parameters (POST body or GET query), their checks (a 400 naming the
  parameter) and the matching, paging, ``fields`` and ``distinct`` rules;
- `routes`: the HTTP handlers; `service`: the registration record.
"""
