"""sentinelhub_emulator: a local Sentinel Hub BYOC service."""
