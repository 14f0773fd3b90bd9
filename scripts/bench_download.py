#!/usr/bin/env python3
"""Benchmark tile file downloads: our client (one stream, N ranges, async N ranges), curl and a
plain httpx stream, all fetching the same file from a local emulator.

    .venv/bin/python scripts/bench_download.py --size-mb 1024 --ranges 4 --repeat 3

Each method runs in its own process, ``--repeat`` times, interleaved with the others so that a
change of load on the machine hits all of them alike; the best and the median run are shown.
The time is measured inside each process around the transfer only (curl: its own
``time_total``). The peak resident memory is polled from ``/proc/<pid>/status`` (``VmHWM``,
which ``exec`` resets; ``ru_maxrss`` of a child would count this process's memory, inherited
until ``exec``). Every result is checked against the source's SHA-256 unless ``--no-verify``.
The emulator runs in this process, which only waits while the children work.

Our client does more than the others: it preallocates the file, writes resume checkpoints (after
an ``fdatasync``) and fsyncs the file before its atomic rename, while curl and httpx leave their
output in the page cache. The "durable" column adds an fsync to theirs (timed after they exit)
for a like-for-like comparison.

Each row also gives the CPU seconds of the transfer (all threads of the child): on a loaded
machine the wall times scatter, the CPU a method spends on the same bytes much less.

Not a test: it needs a few GiB of disk and tens of seconds. ``--profile-dir`` writes a cProfile
of each Python child (its main thread only); ``--wrap`` runs each Python child under another
command, e.g. ``--wrap 'strace -c -f -o /tmp/strace-{method}.txt'`` to count its system calls.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

MiB = 1 << 20
METHODS = (
    "curl",
    "shc-single",
    "shc-ranges",
    "shc-async-ranges",
    "httpx-stream",
    "httpx-async-stream",
)
#: Peers run only when named in ``--methods``: the same N ranges fetched without our client (no
#: HEAD, no checks, no checkpoints, no fsync), to tell its cost from that of N ranges as such.
EXTRA_METHODS = ("curl-ranges", "httpx-ranges", "httpx-async-ranges")


# ----------------------------------------------------------------------------------- children


class _Clock:
    """Wall and CPU time (of every thread of this process) between `start` and `stop`."""

    def start(self) -> None:
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def stop(self) -> float:
        """The wall seconds; ``cpu`` keeps the CPU seconds."""
        self.cpu = time.process_time() - self._cpu
        return time.perf_counter() - self._wall


def _child(method: str, url: str, path: str, out: str, ranges: int, part_mb: int) -> None:
    """Run one download in this process and print ``{"seconds": ..., "cpu": ...}`` as JSON."""
    clock = _Clock()
    base_url, cid, tid = (
        os.environ["BENCH_BASE_URL"],
        os.environ["BENCH_CID"],
        os.environ["BENCH_TID"],
    )
    headers = {"Authorization": "Bearer " + os.environ["BENCH_TOKEN"]}
    if method in EXTRA_METHODS:
        seconds = _ranges_peer(method, url, out, headers, ranges, clock)
    elif method == "httpx-stream":
        import httpx

        with httpx.Client(headers=headers, timeout=60) as client:
            clock.start()
            with client.stream("GET", url) as response, open(out, "wb") as handle:
                response.raise_for_status()
                for chunk in response.iter_bytes():
                    handle.write(chunk)
            seconds = clock.stop()
    elif method == "httpx-async-stream":
        import anyio
        import httpx

        async def stream() -> float:
            async with httpx.AsyncClient(headers=headers, timeout=60) as client:
                clock.start()
                async with client.stream("GET", url) as response:
                    response.raise_for_status()
                    with open(out, "wb") as handle:  # noqa: ASYNC230 - the fastest baseline
                        async for chunk in response.aiter_bytes():
                            handle.write(chunk)
                return clock.stop()

        seconds = anyio.run(stream)
    elif method in ("shc-single", "shc-ranges"):
        import httpx
        from sentinelhub_client.byoc.files.sync import download_tile_file

        single = method == "shc-single"
        with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
            clock.start()
            download_tile_file(
                client,
                cid,
                tid,
                path,
                out,
                concurrency=1 if single else ranges,
                part_size=(1 << 62) if single else part_mb * MiB,
            )
            seconds = clock.stop()
    elif method == "shc-async-ranges":
        import anyio
        import httpx
        from sentinelhub_client.byoc.files.sync import adownload_tile_file

        async def main() -> float:
            async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60) as client:
                clock.start()
                await adownload_tile_file(
                    client, cid, tid, path, out, concurrency=ranges, part_size=part_mb * MiB
                )
                return clock.stop()

        seconds = anyio.run(main)
    else:
        raise SystemExit(f"unknown method {method}")
    report = {"seconds": seconds, "cpu": clock.cpu, "vm_hwm_kib": _vm_hwm_kib(os.getpid())}
    print(json.dumps(report))


def _ranges_peer(
    method: str, url: str, out: str, headers: dict[str, str], ranges: int, clock: _Clock
) -> float:
    """Fetch ``url`` as ``ranges`` equal byte ranges at once into ``out`` (written in place with
    ``pwritev``, 1 MiB at a time), by plain httpx threads or tasks, or by ``ranges`` curls."""
    import httpx

    size = int(httpx.head(url, headers=headers).headers["content-length"])
    bounds = [(size * i // ranges, size * (i + 1) // ranges) for i in range(ranges)]
    if method == "curl-ranges":
        curl = shutil.which("curl") or "curl"
        auth = next(iter(headers.items()))
        clock.start()
        argv = [curl, "-sS", "--fail", "-H", f"{auth[0]}: {auth[1]}", url]
        children = [
            subprocess.Popen([*argv, "-r", f"{start}-{stop - 1}", "-o", f"{out}.{index}"])
            for index, (start, stop) in enumerate(bounds)
        ]
        codes = [child.wait() for child in children]
        if any(codes):
            raise SystemExit("a curl failed")
        seconds = clock.stop()
        clock.cpu = _children_cpu()  # the curls' CPU (this process only waited)
        with open(out, "wb") as whole:
            for index in range(ranges):
                with open(f"{out}.{index}", "rb") as part:
                    shutil.copyfileobj(part, whole)
                os.unlink(f"{out}.{index}")
        return seconds
    fd = os.open(out, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    os.ftruncate(fd, size)
    try:
        if method == "httpx-ranges":
            import concurrent.futures

            with httpx.Client(headers=headers, timeout=60) as client:

                def fetch(span: tuple[int, int]) -> None:
                    pos, buffered, kept = span[0], 0, []
                    wanted = {"Range": f"bytes={span[0]}-{span[1] - 1}"}
                    with client.stream("GET", url, headers=wanted) as response:
                        for chunk in response.iter_raw():
                            kept.append(chunk)
                            buffered += len(chunk)
                            if buffered >= MiB:
                                pos += os.pwritev(fd, kept, pos)
                                kept, buffered = [], 0
                    if kept:
                        os.pwritev(fd, kept, pos)

                clock.start()
                with concurrent.futures.ThreadPoolExecutor(ranges) as pool:
                    list(pool.map(fetch, bounds))
                return clock.stop()
        import anyio
        import anyio.to_thread

        async def main() -> float:
            async with httpx.AsyncClient(headers=headers, timeout=60) as client:

                async def fetch(span: tuple[int, int]) -> None:
                    pos, buffered, kept = span[0], 0, []
                    wanted = {"Range": f"bytes={span[0]}-{span[1] - 1}"}
                    async with client.stream("GET", url, headers=wanted) as response:
                        async for chunk in response.aiter_raw():
                            kept.append(chunk)
                            buffered += len(chunk)
                            if buffered >= MiB:
                                pos += await anyio.to_thread.run_sync(os.pwritev, fd, kept, pos)
                                kept, buffered = [], 0
                    if kept:
                        await anyio.to_thread.run_sync(os.pwritev, fd, kept, pos)

                clock.start()
                async with anyio.create_task_group() as group:
                    for span in bounds:
                        group.start_soon(fetch, span)
                return clock.stop()

        return anyio.run(main)
    finally:
        os.close(fd)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# ------------------------------------------------------------------------------------ parent


@dataclass
class Result:
    method: str
    seconds: float | None  # best run
    peak_rss_mb: float | None
    cpu_seconds: float | None = None
    transfer_cpu: float | None = None  # CPU seconds of the transfer (all threads of the child)
    durable: float | None = None  # seconds until the data is on disk (fsync)
    median: float | None = None
    note: str = ""


def _vm_hwm_kib(pid: int) -> int:
    """The peak resident memory of a running process (``VmHWM``, reset by ``exec``), in KiB."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _run_and_wait(
    argv: list[str], env: dict[str, str], cpus: set[int] | None = None
) -> tuple[int, str, str, float, float]:
    """Run a child; (exit status, stdout, stderr, peak RSS in MB, CPU seconds).

    The peak comes from polling ``VmHWM`` (``ru_maxrss`` of a child would include the memory
    of this process, which it inherits until ``exec``); Python children also report their own.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pin = None if cpus is None else (lambda: os.sched_setaffinity(0, cpus))
        child = subprocess.Popen(argv, stdout=out, stderr=err, env=env, preexec_fn=pin)
        peak = 0
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _vm_hwm_kib(child.pid))
            time.sleep(0.01)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return child.returncode, out.read().decode(), err.read().decode(), peak / 1024, cpu


def _fsync_seconds(path: Path) -> float:
    started = time.perf_counter()
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return time.perf_counter() - started


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(8 * MiB):
            digest.update(block)
    return digest.hexdigest()


def _drop_cache_of(path: Path) -> None:
    """Evict a written output from the page cache so it does not crowd the next run."""
    if hasattr(os, "posix_fadvise"):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def _run_once(
    method: str,
    args: argparse.Namespace,
    workdir: Path,
    env: dict[str, str],
    curl: str | None,
    token: str,
    url: str,
    rel: str,
    size: int,
    expected: str,
) -> Result:
    """One download by ``method``, checked, timed and measured."""
    out = workdir / f"out-{method}.bin"
    if method == "curl":
        assert curl is not None
        argv = [
            curl, "-sS", "--fail", "-o", str(out), "-H", f"Authorization: Bearer {token}",
            "-w", "%{time_total}", url,
        ]  # fmt: skip
    else:
        argv = [
            *shlex.split((args.wrap or "").replace("{method}", method)),
            sys.executable, __file__, "--child", method, "--ranges", str(args.ranges),
            "--part-size-mb", str(args.part_size_mb), "--child-args", url, rel, str(out),
        ]  # fmt: skip
    print(f"running {method} ...", file=sys.stderr)
    code, stdout, stderr, peak, cpu = _run_and_wait(argv, env, args.client_cpus)
    if code != 0:
        out.unlink(missing_ok=True)
        return Result(method, None, peak, cpu, note=f"failed: {stderr.strip()[-200:]}")
    if method == "curl":
        seconds, transfer_cpu = float(stdout.strip()), cpu  # curl's start-up is negligible
    else:
        report = json.loads(stdout.strip().splitlines()[-1])
        seconds, transfer_cpu = float(report["seconds"]), float(report["cpu"])
        peak = max(peak, report["vm_hwm_kib"] / 1024)
    # Ours fsyncs before its rename; the others leave the data in the page cache.
    durable = seconds if method.startswith("shc-") else seconds + _fsync_seconds(out)
    note = ""
    if out.stat().st_size != size:
        note = f"WRONG SIZE {out.stat().st_size}"
    elif not args.no_verify and _sha256(out) != expected:
        note = "WRONG CONTENT"
    _drop_cache_of(out)
    out.unlink()
    return Result(method, seconds, peak, cpu, transfer_cpu, durable=durable, note=note)


def _make_source(target: Path, size: int) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    block = os.urandom(8 * MiB)
    with target.open("wb") as handle:
        left = size
        counter = 0
        while left:
            # Cheap, incompressible-enough content: a random block with a counter stamped in.
            piece = counter.to_bytes(8, "little") + block[8 : min(len(block), left)]
            piece = piece[:left]
            handle.write(piece)
            digest.update(piece)
            left -= len(piece)
            counter += 1
        handle.flush()
        os.fsync(handle.fileno())
    return digest.hexdigest()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="file size in MiB (1024)")
    parser.add_argument("--ranges", type=int, default=4, help="parallel ranges (4)")
    parser.add_argument("--part-size-mb", type=int, default=32, help="range size in MiB (32)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per method; best kept (1)")
    parser.add_argument(
        "--methods",
        default=",".join(METHODS),
        help=f"comma-separated, of {', '.join(METHODS + EXTRA_METHODS)} (the first {len(METHODS)})",
    )
    parser.add_argument("--workdir", type=Path, help="where to put the files (a temp folder)")
    parser.add_argument("--no-verify", action="store_true", help="skip the SHA-256 checks")
    parser.add_argument(
        "--profile-dir", type=Path, help="write a cProfile of each Python child here"
    )
    parser.add_argument(
        "--wrap",
        help="a command line put before each Python child, {method} replaced by its method "
        "(say, 'strace -c -f -o /tmp/strace-{method}.txt')",
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="run the emulator on the first CPU and the downloads on the others (less noise)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-args", nargs=3, help=argparse.SUPPRESS)
    return parser


def main() -> int:
    parser = _parser()
    args = parser.parse_args()
    if args.child:
        url, path, out = args.child_args
        profile_dir = os.environ.get("BENCH_PROFILE_DIR")
        if profile_dir:
            import cProfile

            cProfile.runctx(
                "_child(method, url, path, out, ranges, part_mb)",
                globals(),
                {
                    "method": args.child,
                    "url": url,
                    "path": path,
                    "out": out,
                    "ranges": args.ranges,
                    "part_mb": args.part_size_mb,
                },
                filename=str(Path(profile_dir) / f"{args.child}.pstats"),
            )
        else:
            _child(args.child, url, path, out, args.ranges, args.part_size_mb)
        return 0
    if args.pin and len(os.sched_getaffinity(0)) < 2:
        parser.error("--pin needs at least two CPUs")
    results = measure(args)
    print_report(args, results)
    return 0


def measure(args: argparse.Namespace) -> list[Result]:
    """Run every method of ``args.methods``; the best run of each."""
    import httpx
    from sentinelhub_emulator import Emulator

    args.client_cpus = None
    if args.pin:
        available = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {available[0]})  # threads started from now on inherit it
        args.client_cpus = set(available[1:])
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-download-"))
    owns_workdir = args.workdir is None
    size = args.size_mb * MiB
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = set(methods) - set(METHODS) - set(EXTRA_METHODS)
    if unknown:
        raise SystemExit(f"unknown methods: {', '.join(sorted(unknown))}")
    results: list[Result] = []
    try:
        tile_path = f"orders/{uuid.uuid4().hex}/scene"
        data_dir = workdir / "emulator"
        source = data_dir / "buckets" / "planet" / tile_path / "scene_analytic.tif"
        print(f"writing a {args.size_mb} MiB source file ...", file=sys.stderr)
        expected = _make_source(source, size)  # fsynced: no writeback during the runs
        with Emulator(data_dir, planet_buckets=["planet"]) as emu:
            token = httpx.post(
                emu.token_url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": emu.client_id,
                    "client_secret": emu.client_secret,
                },
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=emu.base_url + "/api/v1/byoc", headers=headers) as api:
                collection = api.post(
                    "/collections", json={"name": "bench", "s3Bucket": "planet"}
                ).json()["data"]["id"]
            [tile] = emu.store.create_tiles(
                collection, [(tile_path, None, None)], status="INGESTED"
            )
            rel = "scene_analytic.tif"
            url = f"{emu.base_url}/api/v1/byoc/collections/{collection}/tiles/{tile.id}/files/{rel}"
            env = {
                **os.environ,
                "BENCH_BASE_URL": emu.base_url,
                "BENCH_TOKEN": token,
                "BENCH_CID": collection,
                "BENCH_TID": str(tile.id),
            }
            if args.profile_dir:
                args.profile_dir.mkdir(parents=True, exist_ok=True)
                env["BENCH_PROFILE_DIR"] = str(args.profile_dir.resolve())
            curl = shutil.which("curl")
            runs: dict[str, list[Result]] = {method: [] for method in methods}
            for _round in range(args.repeat):  # interleaved, so load changes hit all alike
                for method in methods:
                    if method == "curl" and curl is None:
                        continue
                    runs[method].append(
                        _run_once(method, args, workdir, env, curl, token, url, rel, size, expected)
                    )
            for method in methods:
                if method == "curl" and curl is None:
                    results.append(Result(method, None, None, None, note="skipped: curl not found"))
                    continue
                good = [r for r in runs[method] if r.seconds is not None and not r.note]
                if not good:
                    results.append(runs[method][-1])
                    continue
                best = min(good, key=lambda r: r.seconds or 0.0)
                best.median = statistics.median(r.seconds or 0.0 for r in good)
                results.append(best)
    finally:
        if owns_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return results


def print_report(args: argparse.Namespace, results: list[Result]) -> None:
    size = args.size_mb * MiB
    curl = next((r for r in results if r.method == "curl" and r.seconds), None)
    print()
    print(
        f"file: {args.size_mb} MiB, ranges: {args.ranges} x {args.part_size_mb} MiB, "
        f"best of {args.repeat} (interleaved), python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs"
        + (f", clients pinned to CPUs {sorted(args.client_cpus)}" if args.client_cpus else "")
    )
    header = (
        f"{'method':<17} {'best s':>7} {'median s':>8} {'MB/s':>6} {'vs curl':>7} "
        f"{'durable s':>9} {'vs curl+fsync':>13} {'peak RSS MB':>11} {'CPU s':>6} "
        f"{'xfer CPU s':>10}  note"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        if r.seconds is None:
            print(f"{r.method:<17} {'-':>7}  {r.note}")
            continue
        ratio = f"{curl.seconds / r.seconds:.2f}x" if curl and curl.seconds else "-"
        durable_ratio = (
            f"{curl.durable / r.durable:.2f}x" if curl and curl.durable and r.durable else "-"
        )
        print(
            f"{r.method:<17} {r.seconds:>7.2f} {r.median or 0:>8.2f} "
            f"{size / 1e6 / r.seconds:>6.0f} {ratio:>7} {r.durable or 0:>9.2f} "
            f"{durable_ratio:>13} {r.peak_rss_mb or 0:>11.1f} {r.cpu_seconds or 0:>6.2f} "
            f"{r.transfer_cpu or 0:>10.2f}  {r.note}"
        )
    print(
        "\nbest/median s: transfer time measured inside each process; durable s: until the data "
        "is on disk\n(ours fsyncs before renaming; curl's and httpx's outputs get an fsync "
        "afterwards); CPU s: user+sys of\nthe whole process, start-up included; xfer CPU s: "
        "user+sys of all its threads during the\ntransfer (curl: its whole run); MB = 10^6 bytes."
    )


def rows(quick: bool) -> list[tuple[str, str]]:
    """The ``scripts/bench`` protocol: one (measure, result) per method, curl as the peer."""
    size_mb = 128 if quick else 1024
    args = _parser().parse_args(["--size-mb", str(size_mb), "--repeat", "1" if quick else "3"])
    results = measure(args)
    size = size_mb * MiB
    curl = next((r for r in results if r.method == "curl" and r.seconds), None)
    out: list[tuple[str, str]] = []
    for r in results:
        name = f"{size_mb} MiB Planet file download, {r.method}"
        if r.method.endswith("ranges"):
            name += f" ({args.ranges} ranges)"
        if r.seconds is None:
            out.append((name, r.note or "failed"))
            continue
        text = f"{size / 1e6 / r.seconds:,.0f} MB/s"
        if curl and curl.seconds and r is not curl:
            text += f": {curl.seconds / r.seconds:.2f}x curl's speed"
            if curl.durable and r.durable:
                text += f", {curl.durable / r.durable:.2f}x curl + fsync"
        if r.peak_rss_mb:
            text += f"; peak RSS {r.peak_rss_mb:.0f} MB"
        if r.note:
            text += f" ({r.note})"
        out.append((name, text))
    return out


if __name__ == "__main__":
    raise SystemExit(main())
