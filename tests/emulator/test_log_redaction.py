"""The emulator's debug log never shows the AWS secrets it signs S3 requests with: botocore's
canonical-request, header and endpoint lines (``X-Amz-Security-Token``) and GDAL's options are
masked, whatever logger writes them."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sentinelhub_emulator.core import logredact

from tests.support.s3 import running_s3_server

SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLE-session-token-" + "Q" * 40
ASYNC = "/api/v1/async/process"


def test_redact_masks_named_values_and_registered_secrets() -> None:
    logredact.install(["a-registered-secret-value"])
    canonical = f"host:s3\nx-amz-security-token:{SESSION_TOKEN}\n"
    headers = f"{{'X-Amz-Security-Token': b'{SESSION_TOKEN}', 'Host': 's3'}}"
    query = f"https://s3/b/k?X-Amz-Security-Token={SESSION_TOKEN}&X-Amz-Date=1"
    gdal = "AWS_SECRET_ACCESS_KEY=abcdefghijklmnop AWS_SESSION_TOKEN=zyxwvutsrqponm"
    for text in (canonical, headers, query, gdal, "value a-registered-secret-value here"):
        clean = logredact.redact(text)
        assert SESSION_TOKEN not in clean
        assert "a-registered-secret-value" not in clean
        assert "abcdefghijklmnop" not in clean
        assert "zyxwvutsrqponm" not in clean
        assert "***" in clean
    assert logredact.redact("X-Amz-Date=1, Host: s3") == "X-Amz-Date=1, Host: s3"


def test_a_filtered_logger_record_is_rewritten(caplog: pytest.LogCaptureFixture) -> None:
    logredact.install()
    with caplog.at_level(logging.DEBUG, logger="botocore.auth"):
        logging.getLogger("botocore.auth").debug(
            "CanonicalRequest:\nx-amz-security-token:%s", "t0k3n-value-123"
        )
    assert "t0k3n-value-123" not in caplog.text
    assert "x-amz-security-token:***" in caplog.text


def test_the_debug_log_of_an_s3_delivery_shows_no_secret(tmp_path: Path) -> None:
    log = tmp_path / "emulator.log"
    with running_s3_server(tmp_path) as server:
        bucket = server.new_bucket("out")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(
            AWS_CONFIG_FILE=str(tmp_path / "no-aws-config"),
            AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-aws-credentials"),
            AWS_EC2_METADATA_DISABLED="true",
            AWS_ACCESS_KEY_ID=server.access_key_id,
            AWS_SECRET_ACCESS_KEY=server.secret_access_key,
            AWS_SESSION_TOKEN=SESSION_TOKEN,
            AWS_DEFAULT_REGION=server.region,
        )
        with log.open("w") as stderr:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [
                    sys.executable,
                    "-m",
                    "sentinelhub_emulator",
                    "--data-dir",
                    str(tmp_path / "emu"),
                    "--port",
                    "0",
                    "--log-level",
                    "debug",
                    "--bucket",
                    f"out=s3://{bucket}",
                    "--s3-endpoint",
                    server.endpoint_url,
                ],
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                env=env,
            )
            try:
                banner: dict[str, str] = {}
                assert process.stdout is not None
                for line in process.stdout:
                    if line.startswith("Sentinel Hub emulator at "):
                        banner["base_url"] = line.split(" at ", 1)[1].strip()
                    elif ":" in line and line.startswith("  "):
                        key, value = line.strip().split(":", 1)
                        banner[key] = value.strip()
                    if "data" in banner:
                        break
                token = httpx.post(
                    banner["token URL"],
                    data={
                        "grant_type": "client_credentials",
                        "client_id": banner["client id"],
                        "client_secret": banner["client secret"],
                    },
                ).json()["access_token"]
                body = {
                    "input": {
                        "bounds": {"bbox": [14.0, 46.0, 14.01, 46.01]},
                        "data": [{"type": "byoc-00000000-0000-0000-0000-000000000000"}],
                    },
                    "evalscript": "//VERSION=3\nfunction setup() { return {input: ['B1'], "
                    "output: {bands: 1}}; }\nfunction evaluatePixel(s) { return [s.B1]; }\n",
                    "output": {
                        "width": 8,
                        "height": 8,
                        "delivery": {"s3": {"url": "s3://out/results"}},
                    },
                }
                with httpx.Client(
                    base_url=banner["base_url"],
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=30,
                ) as client:
                    response = client.post(ASYNC, json=body)
                    assert response.status_code == 200, response.text
                    request_id = response.json()["id"]
                    deadline = time.monotonic() + 30
                    while client.get(f"{ASYNC}/{request_id}").status_code == 200:
                        assert time.monotonic() < deadline
                        time.sleep(0.05)
                keys = [
                    o["Key"] for o in server.client().list_objects_v2(Bucket=bucket)["Contents"]
                ]
                assert keys == [f"results/{request_id}/error.json"]  # written through botocore
            finally:
                process.send_signal(signal.SIGTERM)
                process.wait(15)
                assert process.stdout is not None
                process.stdout.close()
    text = log.read_text()
    assert "botocore" in text, "no botocore debug lines"
    assert "x-amz-security-token:***" in text.lower(), "no canonical request logged"
    assert SESSION_TOKEN not in text
    assert server.secret_access_key not in text
