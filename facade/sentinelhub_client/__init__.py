"""sentinelhub_client: the SDK users import."""
