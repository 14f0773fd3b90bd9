"""The emulator's Statistical API: statistics and histograms of evalscript outputs over time.

Modules: `routes` (HTTP), `request` (checking the body), `intervals` (ISO 8601 durations and the
split of the time range), `runner` (one Process evaluation per interval, through
`sentinelhub_emulator.process.engine.evaluate`), `compute` (the numbers, in numpy), `service`.
What is computed, the choices where the service's documentation is silent and what is refused
are described in ``docs/emulator/statistical.md``.
"""
