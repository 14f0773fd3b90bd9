"""``shc emulator`` starts the same service as ``sentinelhub-emulator`` and stops on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.integration


def test_shc_emulator_serves_until_terminated(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "sentinelhub_client", "emulator"]
    command += ["--data-dir", str(tmp_path), "--port", "0", "--client-id", "cli-client"]
    with subprocess.Popen(  # noqa: S603 - our own interpreter and module
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        _check_serving(process)
    assert process.returncode == 0


def _check_serving(process: subprocess.Popen[str]) -> None:
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Sentinel Hub emulator at http://127.0.0.1:"), first
        base_url = first.split(" at ")[1].strip()
        lines = [process.stdout.readline() for _ in range(6)]
        assert any("client id:     cli-client" in line for line in lines)
        assert httpx.get(f"{base_url}/_emulator/health", timeout=10).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def test_sigusr1_prints_every_threads_stack_and_the_emulator_keeps_serving(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "sentinelhub_emulator", "--data-dir", str(tmp_path)]
    command += ["--port", "0"]
    with subprocess.Popen(  # noqa: S603 - our own interpreter and module
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Sentinel Hub emulator at http://127.0.0.1:"), first
        base_url = first.split(" at ")[1].strip()
        process.send_signal(signal.SIGUSR1)
        try:
            # Still serving after the dump.
            assert httpx.get(f"{base_url}/_emulator/health", timeout=10).status_code == 200
        finally:
            process.send_signal(signal.SIGTERM)
            _, errors = process.communicate(timeout=30)
    assert process.returncode == 0
    # faulthandler's dump: the HTTP server's thread and the main thread waiting for a signal.
    assert "Current thread" in errors or "Thread 0x" in errors, errors
    assert "in _serve" in errors or "in run" in errors, errors
    assert "in main" in errors, errors
