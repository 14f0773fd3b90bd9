"""The s3 package's surface: lazy behind the extra, sync and async twins, bad options."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest
from sentinelhub_client import SentinelHubValidationError
from sentinelhub_client.s3 import AsyncS3Uploader, S3Uploader

from tests.support.s3 import S3Server


def test_importing_the_package_does_not_import_boto3_or_the_s3_module() -> None:
    code = (
        "import sys, sentinelhub_client\n"
        "print(sorted(m for m in sys.modules"
        " if m.split('.')[0] in ('boto3', 'botocore') or m == 'sentinelhub_client.s3'))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_importing_the_s3_package_does_not_import_boto3_until_an_uploader_is_made() -> None:
    code = (
        "import sys\n"
        "import sentinelhub_client.s3 as s3\n"
        "print('boto3' in sys.modules)\n"
        "s3.S3Uploader(endpoint_url='http://127.0.0.1:9', access_key_id='a',"
        " secret_access_key='b', region='us-east-1')\n"
        "print('boto3' in sys.modules)\n"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "True"]


def _public(cls: type) -> dict[str, object]:
    return {
        name: member
        for name in dir(cls)
        if not name.startswith("_") and callable(member := getattr(cls, name))
    }


def _shape(function: object) -> list[tuple[str, object, object]]:
    signature = inspect.signature(function)  # type: ignore[arg-type]
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


def test_the_async_uploader_is_the_twin_of_the_sync_one() -> None:
    sync, aio = _public(S3Uploader), _public(AsyncS3Uploader)
    assert set(sync) == set(aio) == {"check", "close", "upload_tile"}
    for name in sync:
        assert _shape(sync[name]) == _shape(aio[name]), name
        assert inspect.iscoroutinefunction(aio[name]), name
        assert inspect.getdoc(aio[name]) == inspect.getdoc(sync[name]), name
    assert _shape(vars(S3Uploader)["__init__"]) == _shape(vars(AsyncS3Uploader)["__init__"])


def test_half_a_key_pair_is_refused(aws_env: S3Server) -> None:
    with pytest.raises(SentinelHubValidationError) as caught:
        S3Uploader(endpoint_url=aws_env.endpoint_url, access_key_id="AKIAONLYHALF")
    assert caught.value.field == "secret_access_key"


def test_a_client_comes_alone(aws_env: S3Server) -> None:
    client = aws_env.client()
    with pytest.raises(SentinelHubValidationError) as caught:
        S3Uploader(client=client, endpoint_url=aws_env.endpoint_url)
    assert caught.value.field == "client"
    uploader = S3Uploader(client=client)
    assert uploader.endpoint_url == aws_env.endpoint_url
    assert "default chain" in repr(uploader)


@pytest.mark.anyio
async def test_the_async_uploader_repr_and_context(aws_env: S3Server, s3_bucket: str) -> None:
    async with AsyncS3Uploader(endpoint_url=aws_env.endpoint_url, profile=None) as uploader:
        assert repr(uploader).startswith("AsyncS3Uploader(endpoint_url=")
        await uploader.check(f"s3://{s3_bucket}/x")


def test_config_must_be_a_transfer_config(aws_env: S3Server) -> None:
    with pytest.raises(SentinelHubValidationError) as caught:
        S3Uploader(endpoint_url=aws_env.endpoint_url, config={"part_size": 1})  # type: ignore[arg-type]
    assert caught.value.field == "config"
