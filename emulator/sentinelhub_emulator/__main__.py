"""``sentinelhub-emulator``: run the local Sentinel Hub until interrupted (BYOC, Process, Async
Process and Batch, each service of `sentinelhub_emulator.services`; ``--help`` lists them).

Example::

    sentinelhub-emulator --data-dir ./emu --port 8000 --planet-bucket planet \\
        --bucket scenes=/data/scenes --fault-rate-429 0.1 --fault-retry-after-ms 500 \\
        --ingestion-workers 8 --batch-processes 4 --samples my-bucket

Buckets are folders: ``DATA_DIR/buckets/NAME`` unless ``--bucket NAME=PATH`` maps one elsewhere,
or ``--bucket NAME=s3://BUCKET[/PREFIX]`` puts it on ``--s3-endpoint URL`` (credentials from the
AWS environment variables or ``--s3-profile``).
``--samples BUCKET`` writes ready sample COGs into a bucket first and prints the tile paths to
register (``2024/05/tile_(BAND).tif`` and more).
``--collection-data sentinel-2-l2a=BUCKET/PREFIX`` serves a predefined collection type from a
bucket folder of scenes (``PREFIX/<tile>/<YYYY-MM-DDTHHMMSS>/<BAND>.tif``);
``--samples-s2l2a BUCKET`` writes a synthetic Sentinel-2 L2A scene set into
``BUCKET/sentinel-2-l2a`` and serves it as ``sentinel-2-l2a``.
Collections whose bucket is named by ``--planet-bucket`` count as Planet collections and serve
their tiles' files. On start the base URL, the token URL, the client credentials and the admin
token are printed.
"""

from __future__ import annotations

import argparse
import faulthandler
import logging
import signal
import tempfile
import textwrap
import threading
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Final, TypeVar

from sentinelhub_emulator.core import logredact
from sentinelhub_emulator.core.admin import ADMIN_PREFIX
from sentinelhub_emulator.core.auth import TOKEN_PATHS
from sentinelhub_emulator.core.buckets import (
    BucketUnavailableError,
    FolderBucket,
    S3Bucket,
    parse_s3_location,
)
from sentinelhub_emulator.core.faults import FaultConfig
from sentinelhub_emulator.core.ratelimit import policy_argument
from sentinelhub_emulator.core.service import Service
from sentinelhub_emulator.process.predefined import parse_collection_data
from sentinelhub_emulator.samples import S2Scene, SampleTile, write_s2l2a_samples, write_samples
from sentinelhub_emulator.server import Emulator
from sentinelhub_emulator.services import SERVICES

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "S2L2A_SAMPLES_PREFIX",
    "main",
    "parse_args",
    "write_bucket_s2l2a_samples",
    "write_bucket_samples",
]

#: Where the command listens unless told otherwise (loopback only: nothing else can reach it).
DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8000
#: Where ``--samples-s2l2a BUCKET`` writes its scenes in the bucket.
S2L2A_SAMPLES_PREFIX: Final = "sentinel-2-l2a"


def _bucket_mapping(text: str) -> tuple[str, Path | str]:
    name, sep, path = text.partition("=")
    if not sep or not name or not path:
        raise argparse.ArgumentTypeError(f"expected NAME=PATH or NAME=s3://BUCKET, got {text!r}")
    if path.startswith("s3://"):
        try:
            parse_s3_location(path)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return name, path
    return name, Path(path).expanduser()


def _collection_mapping(text: str) -> tuple[str, str]:
    try:
        api_id, bucket, prefix = parse_collection_data(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return api_id, f"{bucket}/{prefix}" if prefix else bucket


def _optional_int(text: str) -> int | None:
    if text.lower() in ("none", "off", ""):
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer or 'none', got {text!r}") from None


def _whole(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            bound = f"at least {minimum}" if minimum > 0 else f"{minimum} or more"
            raise argparse.ArgumentTypeError(f"must be {bound}, got {value}")
        return value

    return parse


def _description(services: Sequence[Service]) -> str:
    """What ``--help`` says first: every service served, where, and the defaults."""
    width = max(len(service.name) for service in services)
    lines = ["A local Sentinel Hub over real HTTP, with OAuth and fault injection. Services:", ""]
    for service in services:
        lines.append(f"  {service.name:<{width}}  {service.label}")
        paths = ", ".join(path for path in service.base_paths if path)
        if paths:
            lines.append(f"  {'':<{width}}  under {paths}")
    lines.append("")
    lines += textwrap.wrap(
        f"It listens on http://{DEFAULT_HOST}:{DEFAULT_PORT} by default (bind address "
        f"{DEFAULT_HOST}, port {DEFAULT_PORT}: see --host, --port). The token URL is "
        f"{TOKEN_PATHS[0]} (also {TOKEN_PATHS[1]}); the emulator's own endpoints live under "
        f"{ADMIN_PREFIX}.",
        width=88,
    )
    return "\n".join(lines)


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the description's lines (the service table) as written."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sentinelhub-emulator",
        description=_description(SERVICES),
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--data-dir", type=Path, required=True, help="where data is kept")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"interface (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port; 0 picks a free one")
    parser.add_argument(
        "--bucket",
        type=_bucket_mapping,
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="serve bucket NAME from folder PATH, or from s3://BUCKET[/PREFIX] on --s3-endpoint "
        "(repeatable)",
    )
    parser.add_argument(
        "--s3-endpoint",
        default=None,
        metavar="URL",
        help="S3-compatible endpoint of the s3:// buckets (default: AWS); credentials come from "
        "the AWS environment variables or --s3-profile",
    )
    parser.add_argument(
        "--s3-profile", default=None, metavar="NAME", help="AWS profile for s3:// buckets"
    )
    parser.add_argument(
        "--planet-bucket",
        action="append",
        default=[],
        metavar="NAME",
        help="collections in bucket NAME are Planet collections (repeatable)",
    )
    parser.add_argument("--token-ttl", type=float, default=3600.0, help="token lifetime, seconds")
    parser.add_argument("--client-id", default="emulator-client")
    parser.add_argument("--client-secret", default="emulator-secret")
    parser.add_argument("--admin-token", default=None, help="default: a random one")
    parser.add_argument(
        "--ingestion-delay", type=float, default=0.0, help="seconds before each tile state change"
    )
    parser.add_argument(
        "--ingestion-workers",
        type=_whole(1),
        default=4,
        metavar="N",
        help="tiles ingested at once (default 4)",
    )
    parser.add_argument(
        "--batch-processes",
        type=_whole(0),
        default=None,
        metavar="N",
        help="worker processes rendering batch tiles (v1 and v2); 0 or 1 renders them on "
        "threads of the emulator's process (default: $SH_EMULATOR_BATCH_PROCESSES, else the "
        "CPU count)",
    )
    parser.add_argument(
        "--samples",
        action="append",
        default=[],
        metavar="BUCKET",
        help="write ready sample COGs into bucket BUCKET and print the tile paths to register "
        "(repeatable)",
    )
    parser.add_argument(
        "--collection-data",
        type=_collection_mapping,
        action="append",
        default=[],
        metavar="ID=BUCKET/PREFIX",
        help="serve predefined collection ID (sentinel-2-l2a, sentinel-2-l1c, landsat-ot-l2, "
        "sentinel-1-grd, dem) from the scenes under PREFIX in bucket BUCKET, laid out "
        "<tile>/<YYYY-MM-DDTHHMMSS>/<BAND>.tif (repeatable)",
    )
    parser.add_argument(
        "--samples-s2l2a",
        default=None,
        metavar="BUCKET",
        help=f"write a synthetic Sentinel-2 L2A scene set into BUCKET/{S2L2A_SAMPLES_PREFIX} "
        "and serve it as sentinel-2-l2a",
    )
    parser.add_argument(
        "--rate-limit",
        type=policy_argument,
        action="append",
        default=[],
        metavar="KIND=AMOUNT/PERIOD",
        help="a rate-limit policy per account, as the service's: requests=600/min or pu=300/min "
        "(a token bucket of AMOUNT refilled over PERIOD; ',capacity=N' sets another size); "
        "429 with Retry-After in ms when empty (repeatable; see GET /_emulator/stats)",
    )
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
    parser.add_argument(
        "--open",
        action="store_true",
        help="open the dashboard (/_emulator/ui/) in the default browser once it listens",
    )
    faults = parser.add_argument_group("fault injection (see POST /_emulator/faults)")
    faults.add_argument("--fault-seed", type=int, default=0)
    faults.add_argument("--fault-rate-429", type=float, default=0.0)
    faults.add_argument(
        "--fault-retry-after-ms",
        type=_optional_int,
        default=1000,
        help="Retry-After of injected 429s in milliseconds; 'none' leaves the header out",
    )
    faults.add_argument("--fault-rate-5xx", type=float, default=0.0)
    faults.add_argument("--fault-status-5xx", type=int, default=503)
    faults.add_argument("--fault-latency-ms", type=float, default=0.0)
    faults.add_argument("--fault-drop-rate", type=float, default=0.0)
    faults.add_argument("--fault-truncate-rate", type=float, default=0.0)
    faults.add_argument("--fault-path-prefix", default="")
    faults.add_argument(
        "--fault-include-token-endpoint",
        action="store_true",
        help="let faults hit the token endpoint too",
    )
    faults.add_argument("--fault-max", type=_optional_int, default=None, help="cap on faults")
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line; the fault flags become ``args.faults``, a FaultConfig."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        args.faults = FaultConfig(
            seed=args.fault_seed,
            rate_429=args.fault_rate_429,
            retry_after_ms=args.fault_retry_after_ms,
            rate_5xx=args.fault_rate_5xx,
            status_5xx=args.fault_status_5xx,
            latency_ms=args.fault_latency_ms,
            drop_rate=args.fault_drop_rate,
            truncate_rate=args.fault_truncate_rate,
            path_prefix=args.fault_path_prefix,
            exclude_token_endpoint=not args.fault_include_token_endpoint,
            max_faults=args.fault_max,
        )
    except ValueError as exc:
        parser.error(str(exc))
    data = dict(args.collection_data)
    if len(data) != len(args.collection_data):
        parser.error("--collection-data: a collection is mapped twice")
    if args.samples_s2l2a is not None:
        samples = f"{args.samples_s2l2a}/{S2L2A_SAMPLES_PREFIX}"
        if data.setdefault("sentinel-2-l2a", samples) != samples:
            parser.error("--samples-s2l2a: sentinel-2-l2a is already mapped by --collection-data")
    args.collection_data = data
    return args


def write_bucket_samples(store: FolderBucket | S3Bucket) -> list[SampleTile]:
    """The sample COGs written into a bucket (a folder, or uploaded to S3)."""
    if isinstance(store, FolderBucket):
        return write_samples(store.root)
    with tempfile.TemporaryDirectory(prefix="emulator-samples-") as tmp:
        tiles = write_samples(Path(tmp))
        for path in sorted(Path(tmp).rglob("*")):
            if path.is_file():
                store.write(path.relative_to(tmp).as_posix(), path.read_bytes())
    return tiles


def write_bucket_s2l2a_samples(store: FolderBucket | S3Bucket) -> list[S2Scene]:
    """The synthetic Sentinel-2 L2A scenes written into a bucket under
    `S2L2A_SAMPLES_PREFIX` (a folder, or uploaded to S3)."""
    if isinstance(store, FolderBucket):
        return write_s2l2a_samples(store.root / S2L2A_SAMPLES_PREFIX)
    with tempfile.TemporaryDirectory(prefix="emulator-s2l2a-") as tmp:
        scenes = write_s2l2a_samples(Path(tmp))
        for path in sorted(Path(tmp).rglob("*")):
            if path.is_file():
                key = f"{S2L2A_SAMPLES_PREFIX}/{path.relative_to(tmp).as_posix()}"
                store.write(key, path.read_bytes())
    return scenes


_Written = TypeVar("_Written")


def _write_into(
    emulator: Emulator,
    bucket: str,
    option: str,
    write: Callable[[FolderBucket | S3Bucket], _Written],
) -> tuple[FolderBucket | S3Bucket, _Written]:
    """``write(bucket)`` for the command-line ``option``; a bad or unreachable bucket exits
    with a message naming the option."""
    store = emulator.settings.bucket(bucket)
    if store is None:
        raise SystemExit(f"{option}: {bucket!r} is not a valid bucket name")
    try:
        return store, write(store)
    except BucketUnavailableError as exc:
        raise SystemExit(f"{option}: {exc}") from None


def _write_s2l2a_samples(emulator: Emulator, bucket: str | None) -> None:
    if bucket is None:
        return
    store, scenes = _write_into(emulator, bucket, "--samples-s2l2a", write_bucket_s2l2a_samples)
    print(
        f"Sentinel-2 L2A sample scenes in bucket '{bucket}' ({store.describe()}), served as "
        "sentinel-2-l2a:",
        flush=True,
    )
    for scene in scenes:
        print(
            f"  {S2L2A_SAMPLES_PREFIX}/{scene.folder}  cloud cover {scene.cloud_coverage}%",
            flush=True,
        )


def _write_samples(emulator: Emulator, buckets: Sequence[str]) -> None:
    for bucket in buckets:
        store, tiles = _write_into(emulator, bucket, "--samples", write_bucket_samples)
        where = store.describe()
        print(f"Sample tiles in bucket '{bucket}' ({where}); register these paths:", flush=True)
        for tile in tiles:
            print(f"  {tile.path:<28} -> {tile.expect}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run until SIGINT or SIGTERM; the exit status."""
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Every record reaches this handler: AWS secrets (botocore's signing lines at debug level,
    # GDAL's options) are masked there, whatever logger wrote them.
    for handler in logging.getLogger().handlers:
        handler.addFilter(logredact.RedactingFilter())
    logredact.install()
    emulator = Emulator(
        args.data_dir,
        host=args.host,
        port=args.port,
        buckets=dict(args.bucket),
        planet_buckets=args.planet_bucket,
        s3_endpoint=args.s3_endpoint,
        s3_profile=args.s3_profile,
        token_ttl=args.token_ttl,
        client_id=args.client_id,
        client_secret=args.client_secret,
        faults=args.faults,
        ingestion_delay=args.ingestion_delay,
        ingestion_workers=args.ingestion_workers,
        batch_processes=args.batch_processes,
        admin_token=args.admin_token,
        access_log=args.log_level == "debug",
        collection_data=args.collection_data,
        rate_limits=args.rate_limit,
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    # ``kill -USR1 <pid>`` prints where every thread is to stderr (an emulator that seems stuck).
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    _write_samples(emulator, args.samples)
    _write_s2l2a_samples(emulator, args.samples_s2l2a)
    emulator.start()
    try:
        print(f"Sentinel Hub emulator at {emulator.base_url}", flush=True)
        print(f"  BYOC API:      {emulator.base_url}/api/v1/byoc (also /byoc/v1)", flush=True)
        print(f"  token URL:     {emulator.token_url}", flush=True)
        print(f"  client id:     {emulator.client_id}", flush=True)
        print(f"  client secret: {emulator.client_secret}", flush=True)
        print(f"  admin token:   {emulator.admin_token}", flush=True)
        print(f"  data:          {args.data_dir.resolve()}", flush=True)
        print(f"  dashboard:     {emulator.base_url}/_emulator/ui/", flush=True)
        if args.open:
            webbrowser.open(f"{emulator.base_url}/_emulator/ui/")
        stop.wait()
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
