"""An emulator whose buckets live on a moto S3 server (a subprocess on loopback), with the
server's test credentials in the environment and nothing from the user's own AWS setup."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from sentinelhub_emulator import Emulator

from tests.support.emulator import fetch_token
from tests.support.s3 import S3Server, running_s3_server


@dataclass
class S3World:
    server: S3Server
    emulator: Emulator
    token: str
    data: str  # bucket (same name in the emulator and on the server)
    out: str  # bucket for deliveries and batch outputs
    planet: str  # Planet bucket
    fenced: str  # emulator bucket mapped to s3://<data>/fenced
    env: dict[str, str]

    def client(self, prefix: str = "") -> httpx.Client:
        return httpx.Client(
            base_url=self.emulator.base_url + prefix,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=60,
        )


@pytest.fixture(scope="package")
def s3_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3World]:
    root = tmp_path_factory.mktemp("s3-emulator")
    with pytest.MonkeyPatch.context() as patch, running_s3_server(root) as server:
        for key in list(os.environ):
            if key.startswith("AWS_"):
                patch.delenv(key)
        env = {
            "AWS_CONFIG_FILE": str(root / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(root / "no-aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ACCESS_KEY_ID": server.access_key_id,
            "AWS_SECRET_ACCESS_KEY": server.secret_access_key,
            "AWS_DEFAULT_REGION": server.region,
        }
        for key, value in env.items():
            patch.setenv(key, value)
        data, out, planet = server.new_bucket("data"), server.new_bucket("out"), server.new_bucket()
        fenced = "fenced"
        buckets = {
            data: f"s3://{data}",
            out: f"s3://{out}",
            planet: f"s3://{planet}",
            fenced: f"s3://{data}/fenced",
        }
        with Emulator(
            root / "emu",
            buckets=buckets,
            s3_endpoint=server.endpoint_url,
            planet_buckets=[planet],
        ) as emu:
            yield S3World(server, emu, fetch_token(emu), data, out, planet, fenced, env)
