"""Benchmark S3 uploads: `S3Uploader` at concurrency 1 and 8 against boto3's own transfer
manager (what ``aws s3 cp`` uses), same files, same local S3-compatible server, same run.

    .venv/bin/python scripts/bench_s3.py [--quick]

The server is moto's (started on 127.0.0.1 by ``tests/support/s3.py``): a pure-Python store, so
the absolute MB/s are the server's more than the network's; the ratios compare clients on equal
terms. 1 GiB of COG-sized files (8 x 128 MiB); ``--quick`` sends 128 MiB (8 x 16 MiB).
`rows(quick)` returns ``(measure, result)`` pairs for ``scripts/bench``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["rows"]

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024


def _write_files(folder: Path, count: int, size: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    chunk = os.urandom(MIB)
    for index in range(count):
        with open(folder / f"scene_{index}.tif", "wb") as out:
            for _ in range(size // MIB):
                out.write(chunk)


def rows(quick: bool) -> list[tuple[str, str]]:
    """The benchmark's table rows: (measure, result)."""
    sys.path.insert(0, str(ROOT))
    from boto3.s3.transfer import TransferConfig as BotoTransferConfig
    from sentinelhub_client.s3 import S3Uploader, TransferConfig

    from tests.support.s3 import running_s3_server

    count, size = (8, 16 * MIB) if quick else (8, 128 * MIB)
    total_mb = count * size / 1e6
    results: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-s3-") as tmp:
        folder = Path(tmp) / "files"
        _write_files(folder, count, size)
        with running_s3_server(Path(tmp), min_part_size=5 * MIB) as server:
            client = server.client()
            bucket = server.new_bucket("bench")

            # The peer: boto3's transfer manager, file by file, 8 threads per file.
            boto = BotoTransferConfig(
                multipart_threshold=16 * MIB, multipart_chunksize=16 * MIB, max_concurrency=8
            )
            started = time.perf_counter()
            for path in sorted(folder.iterdir()):
                client.upload_file(str(path), bucket, f"peer/{path.name}", Config=boto)
            peer = total_mb / (time.perf_counter() - started)
            results.append(
                (
                    f"upload {total_mb:.0f} MB ({count} files), boto3 transfer manager (peer)",
                    f"{peer:.0f} MB/s",
                )
            )
            for concurrency in (1, 8):
                uploader = S3Uploader(
                    client=client,
                    config=TransferConfig(
                        multipart_threshold=16 * MIB,
                        part_size=16 * MIB,
                        max_concurrency=concurrency,
                    ),
                )
                started = time.perf_counter()
                report = uploader.upload_tile(folder, f"s3://{bucket}/ours{concurrency}")
                rate = total_mb / (time.perf_counter() - started)
                uploader.close()
                sent = len(report.uploaded)
                results.append(
                    (
                        f"upload {total_mb:.0f} MB, S3Uploader, concurrency {concurrency}",
                        f"{rate:.0f} MB/s: {rate / peer:.2f}x boto3's transfer manager; "
                        f"{sent} files sent",
                    )
                )
            uploader = S3Uploader(client=client, config=TransferConfig(max_concurrency=8))
            started = time.perf_counter()
            report = uploader.upload_tile(folder, f"s3://{bucket}/ours8")
            again = time.perf_counter() - started
            uploader.close()
            results.append(
                (
                    "upload again, same files (idempotent re-run)",
                    f"{again:.2f} s; {len(report.uploaded)} files sent, "
                    f"{len(report.skipped)} skipped",
                )
            )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="128 MiB instead of 1 GiB")
    args = parser.parse_args(argv)
    print("| measure | result |")
    print("|---|---|")
    for name, result in rows(args.quick):
        print(f"| {name} | {result} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
