"""Tile file downloads: the names of the I/O-free core, for imports from before it was split.

The core lives in one module per concern (see the package's docstring): `options`, `paths`,
`calls`, `reads`, `ranges`, `progress`, `state`, `job`, `tiles`; `flow` runs a download as steps.
This module re-exports what it used to define; new code imports from those modules.
"""

from __future__ import annotations

from sentinelhub_client.byoc.files.calls import (
    IDENTITY,
    RemoteFile,
    content_length,
    head_call,
    listing_call,
    parse_content_range,
    parse_listing,
    parse_listing_response,
    range_call,
    remote_file_from_head,
    remote_file_of,
    segment_call,
    strong_etag,
    unsatisfied_size,
)
from sentinelhub_client.byoc.files.job import Anomaly, AnomalyKind, FileJob, anomaly_error
from sentinelhub_client.byoc.files.options import (
    DEFAULT_BYOC_BASE_PATH,
    DEFAULT_CHUNK_SIZE,
    DEFAULT_CONCURRENCY,
    DEFAULT_PART_SIZE,
    retry_policy,
    validate_byte_range,
    validate_options,
)
from sentinelhub_client.byoc.files.paths import (
    PART_SUFFIX,
    SIDECAR_SUFFIX,
    Source,
    file_note,
    file_url,
    files_url,
    listing_note,
    local_target,
    part_path,
    sidecar_path,
    tile_targets,
    validate_remote_path,
)
from sentinelhub_client.byoc.files.progress import ProgressAggregator, ProgressCallback
from sentinelhub_client.byoc.files.ranges import ByteRanges, Segment, plan_segments
from sentinelhub_client.byoc.files.reads import RangeRead
from sentinelhub_client.byoc.files.state import (
    CHECKPOINT_INTERVAL,
    DURABLE_INTERVAL,
    SIDECAR_FORMAT,
    UNKNOWN_BOOT_DURABLE_INTERVAL,
    Checkpoint,
    ResumePoint,
    resume_point,
    sidecar_payload,
)
from sentinelhub_client.byoc.files.tiles import tile_failure

__all__ = [
    "CHECKPOINT_INTERVAL",
    "DEFAULT_BYOC_BASE_PATH",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_PART_SIZE",
    "DURABLE_INTERVAL",
    "IDENTITY",
    "PART_SUFFIX",
    "SIDECAR_FORMAT",
    "SIDECAR_SUFFIX",
    "UNKNOWN_BOOT_DURABLE_INTERVAL",
    "Anomaly",
    "AnomalyKind",
    "ByteRanges",
    "Checkpoint",
    "FileJob",
    "ProgressAggregator",
    "ProgressCallback",
    "RangeRead",
    "RemoteFile",
    "ResumePoint",
    "Segment",
    "Source",
    "anomaly_error",
    "content_length",
    "file_note",
    "file_url",
    "files_url",
    "head_call",
    "listing_call",
    "listing_note",
    "local_target",
    "parse_content_range",
    "parse_listing",
    "parse_listing_response",
    "part_path",
    "plan_segments",
    "range_call",
    "remote_file_from_head",
    "remote_file_of",
    "resume_point",
    "retry_policy",
    "segment_call",
    "sidecar_path",
    "sidecar_payload",
    "strong_etag",
    "tile_failure",
    "tile_targets",
    "unsatisfied_size",
    "validate_byte_range",
    "validate_options",
    "validate_remote_path",
]
