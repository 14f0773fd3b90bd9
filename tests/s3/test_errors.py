"""What goes wrong before a byte is sent: no credentials, refused credentials, no bucket, no
permission; each a typed error that says what to do, and nothing written to the bucket."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from sentinelhub_client import SentinelHubError
from sentinelhub_client.s3 import (
    S3AccessDeniedError,
    S3BucketNotFoundError,
    S3CredentialsError,
    S3Error,
    S3Uploader,
    S3UploadError,
    _redact,
)
from sentinelhub_client.s3._errors import s3_error

from tests.s3.helpers import RequestLog, check, make_tile, make_uploader, remote_files, upload
from tests.support.s3 import S3Server

pytestmark = pytest.mark.anyio

FLAVOURS = pytest.mark.parametrize("flavour", ["sync", "async"])
ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}
#: May list the bucket, nothing else. AWS authorises ListObjectsV2 by the IAM action
#: ``s3:ListBucket`` (there is no IAM action named after the operation), and moto up to 5.2.5
#: did the same. moto 5.2.6 derives the action from the operation name instead, so it checks
#: ``s3:ListObjectsV2`` and denies a policy that AWS accepts (a regression on moto's side). The
#: policy grants both names: listing is allowed on AWS and on every moto, and the test still
#: checks what it is about, that writes are refused.
LIST_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:ListObjectsV2"], "Resource": "*"}
    ],
}


@FLAVOURS
async def test_a_missing_bucket_is_reported_before_anything_is_sent(
    flavour: str, aws_env: S3Server, tmp_path: Path
) -> None:
    tile = make_tile(tmp_path / "tile")
    missing = aws_env.unused_bucket_name()
    uploader = make_uploader(aws_env, flavour)
    log = RequestLog(uploader.client)

    with pytest.raises(S3BucketNotFoundError) as caught:
        await upload(uploader, tile, f"s3://{missing}/tile")

    assert caught.value.bucket == missing
    assert f"Bucket {missing!r} does not exist" in str(caught.value)
    assert "create it" in str(caught.value)
    assert dict(log.calls) == {"ListObjectsV2": 1}
    with pytest.raises(S3BucketNotFoundError):
        await check(uploader, f"s3://{missing}")


@FLAVOURS
async def test_no_credentials_anywhere_is_reported_with_the_places_looked_at(
    flavour: str, aws_env: S3Server, s3_bucket: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    tile = make_tile(tmp_path / "tile")
    uploader = make_uploader(aws_env, flavour)

    with pytest.raises(S3CredentialsError) as caught:
        await upload(uploader, tile, f"s3://{s3_bucket}/tile")

    message = str(caught.value)
    assert "No AWS credentials found" in message
    assert "AWS_ACCESS_KEY_ID" in message
    assert "AWS_PROFILE" in message
    assert isinstance(caught.value, SentinelHubError)
    assert remote_files(aws_env, s3_bucket, "tile") == {}


def test_an_unknown_profile_is_a_credentials_error(aws_env: S3Server) -> None:
    with pytest.raises(S3CredentialsError, match="profile"):
        S3Uploader(endpoint_url=aws_env.endpoint_url, profile="nowhere")


@pytest.fixture
def users(aws_env: S3Server) -> dict[str, tuple[str, str]]:
    """IAM users made while moto's authentication is still off."""
    return {
        "allowed": aws_env.user(ALLOW_ALL),
        "nothing": aws_env.user(None),
        "list-only": aws_env.user(LIST_ONLY),
    }


@FLAVOURS
async def test_refused_credentials_and_missing_permissions_under_authentication(
    flavour: str,
    aws_env: S3Server,
    s3_bucket: str,
    users: dict[str, tuple[str, str]],
    tmp_path: Path,
) -> None:
    tile = make_tile(tmp_path / "tile")
    destination = f"s3://{s3_bucket}/tile"

    def as_user(key: str, secret: str) -> Any:
        return make_uploader(aws_env, flavour, access_key_id=key, secret_access_key=secret)

    allowed_key, allowed_secret = users["allowed"]
    with aws_env.authentication():
        with pytest.raises(S3CredentialsError) as unknown:
            await upload(as_user("AKIAUNKNOWN000000000", "whatever"), tile, destination)
        assert unknown.value.code == "InvalidAccessKeyId"
        assert "check AWS_ACCESS_KEY_ID" in str(unknown.value)

        with pytest.raises(S3CredentialsError) as wrong_secret:
            await upload(as_user(allowed_key, "not-the-secret"), tile, destination)
        assert wrong_secret.value.code == "SignatureDoesNotMatch"

        with pytest.raises(S3AccessDeniedError) as denied:
            await upload(as_user(*users["nothing"]), tile, destination)
        assert denied.value.code == "AccessDenied"
        assert "s3:PutObject" in str(denied.value)
        assert isinstance(denied.value, PermissionError)

        # may list but not write: the first write is refused, typed, and nothing is stored
        with pytest.raises(S3UploadError) as write_denied:
            await upload(as_user(*users["list-only"]), tile, destination)
        assert all(isinstance(e, S3AccessDeniedError) for e in write_denied.value.failures.values())

        report = await upload(as_user(allowed_key, allowed_secret), tile, destination)
        assert {o.status for o in report.objects} == {"uploaded"}
    assert remote_files(aws_env, s3_bucket, "tile").keys() == {
        o.key.removeprefix("tile/") for o in report.objects
    }


def _client_error(code: str, status: int, operation: str = "ListObjectsV2") -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
        operation,
    )


@pytest.mark.parametrize(
    ("code", "status", "cls", "hint"),
    [
        # moto cannot produce these; the mapping is checked on botocore's own error objects
        ("ExpiredToken", 400, S3CredentialsError, "refresh the temporary credentials"),
        ("InvalidToken", 400, S3CredentialsError, "session token"),
        ("PermanentRedirect", 301, S3Error, "pass its region"),
        ("EntityTooSmall", 400, S3Error, "raise part_size"),
        ("403", 403, S3AccessDeniedError, "s3:ListBucket"),  # a HEAD answer has no body
        ("404", 404, S3BucketNotFoundError, "create it"),
        ("SlowDown", 503, S3Error, "SlowDown"),
    ],
)
def test_error_codes_map_to_typed_errors(code: str, status: int, cls: type, hint: str) -> None:
    error = s3_error(_client_error(code, status), bucket="b", endpoint="http://store")
    assert type(error) is cls
    assert hint in str(error)
    assert "s3://b" in str(error)


def test_a_stubbed_expired_token_surfaces_from_check(aws_env: S3Server) -> None:
    uploader = S3Uploader(endpoint_url=aws_env.endpoint_url)
    with Stubber(uploader.client) as stub:
        stub.add_client_error(
            "list_objects_v2", service_error_code="ExpiredToken", http_status_code=400
        )
        with pytest.raises(S3CredentialsError) as caught:
            uploader.check("s3://some-bucket/prefix")
    assert caught.value.code == "ExpiredToken"
    assert isinstance(caught.value.__cause__, ClientError)


def test_the_token_filter_covers_the_shapes_botocore_logs() -> None:
    canonical = "host:127.0.0.1\nx-amz-security-token:abc/DEF+123=\n\nhost;x-amz-date"
    headers = "headers={'X-Amz-Security-Token': b'abc/DEF+123=', 'Content-Length': '5'}"
    assert "abc/DEF+123=" not in _redact.redact(canonical)
    assert _redact.redact(headers) == (
        "headers={'X-Amz-Security-Token': b'***', 'Content-Length': '5'}"
    )


def test_secrets_never_appear_in_repr_errors_or_logs(
    aws_env: S3Server, s3_bucket: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "SECRET-never-in-a-log-0123456789abcdef"
    token = "TOKEN-never-in-a-log-fedcba9876543210"
    tile = make_tile(tmp_path / "tile")
    caplog.set_level(logging.DEBUG)  # botocore's debug logs too: they hold request headers
    uploader = S3Uploader(
        endpoint_url=aws_env.endpoint_url,
        access_key_id="AKIAEXPLICIT00000000",
        secret_access_key=secret,
        session_token=token,
    )
    texts = [repr(uploader), str(vars(uploader))]
    uploader.upload_tile(tile, f"s3://{s3_bucket}/t")
    uploader.upload_tile(tile, f"s3://{s3_bucket}/t")  # skips: logs at debug level
    for destination in (f"s3://{aws_env.unused_bucket_name()}/t", f"s3://{s3_bucket}/t"):
        try:
            if "missing" in destination:
                uploader.upload_tile(tile, destination)
            else:
                with Stubber(uploader.client) as stub:
                    stub.add_client_error("list_objects_v2", service_error_code="ExpiredToken")
                    uploader.check(destination)
        except S3Error as exc:
            texts += [str(exc), repr(exc)]
    texts += [record.getMessage() for record in caplog.records]
    assert any("explicit" in text for text in texts)  # the repr says where keys come from
    assert len(texts) > 6
    # botocore logged the header; its value was replaced
    assert any("x-amz-security-token:***" in text for text in texts)
    for text in texts:
        assert secret not in text
        assert token not in text
