"""Batch Processing v2 in the emulator, under ``/api/v2/batch``.

``service.py`` registers it; ``routes.py`` answers the API; ``store.py`` keeps requests and
their tiles in the emulator's SQLite; ``scheduler.py`` runs the v2 state machine and the tiles;
``parsing.py`` reads a create body; ``statusdb.py`` writes the status database and the feature
manifest into the output bucket. Tiles are rendered and written by Batch v1's
``batch/processing.py`` on the grids of ``batch/grids.py``.
"""
