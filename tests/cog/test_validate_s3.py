"""`validate_cog` on ``s3://BUCKET/KEY`` URLs (the s3 extra), against moto's S3 server: the same
verdicts as for the local files, a missing object is FileNotFoundError."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sentinelhub_client.cog import validate_cog

from tests.cog.corpus import write_cog
from tests.support.s3 import S3Server, running_s3_server


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    with running_s3_server(tmp_path_factory.mktemp("moto")) as server:
        yield server


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, s3: S3Server) -> S3Server:
    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3.secret_access_key)
    monkeypatch.setenv("AWS_DEFAULT_REGION", s3.region)
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3.endpoint_url)
    return s3


def test_s3_urls_get_the_verdicts_of_local_files(aws: S3Server, tmp_path: Path) -> None:
    good = write_cog(tmp_path / "good.tif")
    bad = write_cog(tmp_path / "bad.tif", blocksize=128)
    bucket = aws.new_bucket()
    client = aws.client()
    for path in (good, bad):
        client.upload_file(str(path), bucket, f"tiles/{path.name}")

    ok = validate_cog(f"s3://{bucket}/tiles/good.tif")
    assert ok.is_valid, ok.errors
    assert ok.facts is not None
    assert ok.facts.crs_epsg == validate_cog(good).facts.crs_epsg  # type: ignore[union-attr]

    broken = validate_cog(f"s3://{bucket}/tiles/bad.tif", s3_endpoint=aws.endpoint_url)
    assert [f.rule for f in broken.errors] == [f.rule for f in validate_cog(bad).errors]
    assert "128x128" in broken.errors[0].message

    with pytest.raises(FileNotFoundError, match="no such object"):
        validate_cog(f"s3://{bucket}/tiles/missing.tif")
