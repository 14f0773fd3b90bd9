"""botocore's exceptions -> the package's error tree, each message saying what to do.

Messages name the bucket, the key and the endpoint, never a credential.
"""

from __future__ import annotations

from typing import Final

from sentinelhub_client._core.errors import (
    S3AccessDeniedError,
    S3BucketNotFoundError,
    S3CredentialsError,
    S3Error,
)

__all__ = ["NO_CREDENTIALS", "REQUIRED_PERMISSIONS", "s3_error"]

#: What an upload needs on the bucket (``ListBucket*`` on the bucket, the rest on the keys).
REQUIRED_PERMISSIONS: Final = (
    "s3:ListBucket",
    "s3:ListBucketMultipartUploads",
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListMultipartUploadParts",
    "s3:AbortMultipartUpload",
)

NO_CREDENTIALS: Final = (
    "No AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus"
    " AWS_SESSION_TOKEN for temporary ones), or name a profile with AWS_PROFILE or profile=...,"
    " or run where a role provides them (EC2, ECS, EKS, SSO after `aws sso login`)"
)

_CREDENTIAL_CODES: Final = {
    "InvalidAccessKeyId": "the store does not know this access key; check AWS_ACCESS_KEY_ID or"
    " the profile, and that endpoint_url points at the store the key belongs to",
    "SignatureDoesNotMatch": "the secret key does not belong to this access key; check"
    " AWS_SECRET_ACCESS_KEY or the profile",
    "InvalidToken": "the session token is not valid; refresh the temporary credentials",
    "ExpiredToken": "the session token has expired; refresh the temporary credentials",
    "TokenRefreshRequired": "the session token has expired; refresh the temporary credentials",
}
_NOT_FOUND_CODES: Final = {"NoSuchBucket"}
_DENIED_CODES: Final = {"AccessDenied", "AllAccessDisabled", "Forbidden", "403"}


def _where(bucket: str | None, key: str | None, endpoint: str | None) -> str:
    if bucket is None:
        return f"S3 at {endpoint}" if endpoint else "AWS S3"
    place = f"s3://{bucket}/{key}" if key else f"s3://{bucket}"
    return f"{place} at {endpoint}" if endpoint else place


def s3_error(
    exc: BaseException, *, bucket: str | None, key: str | None = None, endpoint: str | None = None
) -> S3Error:
    """The typed error for a botocore exception (an `S3Error` for anything unexpected)."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        PartialCredentialsError,
        ProfileNotFound,
    )

    where = _where(bucket, key, endpoint)

    def made(
        kind: type[S3Error], message: str, code: str | None = None, *, of_key: bool = True
    ) -> S3Error:
        return kind(message, bucket=bucket, key=key if of_key else None, code=code)

    if isinstance(exc, S3Error):
        return exc
    if isinstance(exc, NoCredentialsError):
        return made(S3CredentialsError, f"{NO_CREDENTIALS} (for {where})")
    if isinstance(exc, ProfileNotFound):
        return made(
            S3CredentialsError,
            f"{exc}: name a profile defined in ~/.aws/config or ~/.aws/credentials (or"
            f" AWS_CONFIG_FILE), or leave profile / AWS_PROFILE unset (for {where})",
        )
    if isinstance(exc, PartialCredentialsError):
        return made(
            S3CredentialsError,
            f"AWS credentials are incomplete ({exc}); set both keys in the environment or the"
            f" profile (for {where})",
        )
    if isinstance(exc, EndpointConnectionError):
        return made(
            S3Error,
            f"Cannot reach the S3 endpoint for {where}: check endpoint_url, the region and the"
            " network",
        )
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in _CREDENTIAL_CODES:
            return made(
                S3CredentialsError,
                f"Credentials refused for {where} ({code}): {_CREDENTIAL_CODES[code]}",
                code,
            )
        if code in _NOT_FOUND_CODES or (key is None and (code == "404" or status == 404)):
            return made(
                S3BucketNotFoundError,
                f"Bucket {bucket!r} does not exist ({where}): create it, or fix the bucket name,"
                " endpoint_url or region",
                code or "NoSuchBucket",
                of_key=False,
            )
        if code in _DENIED_CODES or status == 403:
            return made(
                S3AccessDeniedError,
                f"Access denied to {where} ({code or status}): these credentials need "
                f"{', '.join(REQUIRED_PERMISSIONS)} on bucket {bucket!r} and its keys under the"
                " prefix; grant them or use other credentials",
                code or "AccessDenied",
            )
        if code in ("PermanentRedirect", "AuthorizationHeaderMalformed", "301"):
            return made(
                S3Error,
                f"Bucket {bucket!r} is in another region than the one asked ({where}, {code}):"
                " pass its region",
                code,
            )
        if code == "EntityTooSmall":
            return made(
                S3Error,
                f"The store refused a part as too small for {where}: raise part_size (AWS S3"
                " needs at least 5 MiB)",
                code,
            )
        message = str(error.get("Message") or code or status)
        return made(S3Error, f"S3 refused a request for {where}: {code}: {message}", code or None)
    if isinstance(exc, BotoCoreError):
        return made(S3Error, f"S3 request for {where} failed: {exc}")
    if isinstance(exc, OSError):
        return made(S3Error, f"Cannot read the file for {where}: {exc}")
    return made(S3Error, f"Upload to {where} failed: {exc!r}")
