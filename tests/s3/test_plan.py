"""The I/O-free rules of an upload: destinations, parts, the skip rule, the resume rule."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sentinelhub_client import SentinelHubValidationError
from sentinelhub_client.s3 import S3Location, TransferConfig
from sentinelhub_client.s3._plan import (
    MAX_PARTS,
    Part,
    collect_files,
    digest_file,
    is_same_object,
    plan_parts,
    resumable_parts,
)


@pytest.mark.parametrize(
    ("url", "bucket", "prefix"),
    [
        ("s3://my-bucket", "my-bucket", ""),
        ("s3://my-bucket/", "my-bucket", ""),
        ("s3://my.bucket-1/a/b/", "my.bucket-1", "a/b"),
        ("s3://abc/tiles/2024-06-01", "abc", "tiles/2024-06-01"),
    ],
)
def test_destinations_parse(url: str, bucket: str, prefix: str) -> None:
    location = S3Location.parse(url)
    assert (location.bucket, location.prefix) == (bucket, prefix)
    assert location.key("B04.tif") == (f"{prefix}/B04.tif" if prefix else "B04.tif")


@pytest.mark.parametrize(
    "url",
    [
        "my-bucket/x",
        "s3://",
        "s3://UPPER/x",
        "s3://ab/x",
        "s3://a..b/x",
        "s3://ok-bucket/a//b",
        "s3://ok-bucket/a/../b",
        "https://ok-bucket/x",
    ],
)
def test_bad_destinations_name_the_field(url: str) -> None:
    with pytest.raises(SentinelHubValidationError) as caught:
        S3Location.parse(url)
    assert caught.value.field == "destination"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("part_size", 0),
        ("max_concurrency", 0),
        ("multipart_threshold", -1),
        ("max_attempts", 0),
        ("part_size", 1.5),
        ("checksum_algorithm", "MD5"),
    ],
)
def test_bad_transfer_settings_name_the_field(field: str, value: object) -> None:
    with pytest.raises(SentinelHubValidationError) as caught:
        TransferConfig(**{field: value})  # type: ignore[arg-type]
    assert caught.value.field == field


@given(size=st.integers(0, 10**7), part_size=st.integers(1, 10**6))
def test_parts_cover_the_file_exactly_once(size: int, part_size: int) -> None:
    parts = plan_parts(size, part_size)
    assert [p.number for p in parts] == list(range(1, len(parts) + 1))
    assert sum(p.size for p in parts) == size
    assert all(b.offset == a.offset + a.size for a, b in itertools.pairwise(parts))
    assert len(parts) <= MAX_PARTS
    used = parts[0].size
    assert all(p.size == used for p in parts[:-1])
    assert 0 < parts[-1].size <= used or size == 0
    # the asked size unless more than 10,000 parts would be needed
    assert (used == part_size) == (size <= part_size * MAX_PARTS) or len(parts) == 1


def test_part_size_grows_when_a_file_needs_more_than_ten_thousand_parts() -> None:
    size = 200 * (1 << 30)  # 200 GiB at 16 MiB parts would be 12,800 parts
    parts = plan_parts(size, 16 << 20)
    assert len(parts) <= MAX_PARTS
    assert parts[0].size % (1 << 20) == 0
    assert sum(p.size for p in parts) == size


def test_digest_gives_the_file_hash_and_each_part_hash(tmp_path: Path) -> None:
    data = bytes(range(256)) * 1000
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    parts = plan_parts(len(data), 70_000)
    whole, md5s = digest_file(path, parts)
    assert whole == hashlib.sha256(data).hexdigest()
    assert md5s == [
        hashlib.md5(data[p.offset : p.offset + p.size], usedforsecurity=False).hexdigest()
        for p in parts
    ]
    assert digest_file(path) == (whole, [])


def test_the_skip_rule_wants_size_and_sha256_metadata() -> None:
    sha = "ab" * 32
    assert is_same_object({"ContentLength": 5, "Metadata": {"sha256": sha}}, 5, sha)
    assert is_same_object({"ContentLength": 5, "Metadata": {"sha256": sha.upper()}}, 5, sha)
    assert not is_same_object(None, 5, sha)
    assert not is_same_object({"ContentLength": 6, "Metadata": {"sha256": sha}}, 5, sha)
    assert not is_same_object({"ContentLength": 5, "Metadata": {}}, 5, sha)
    assert not is_same_object({"ContentLength": 5, "Metadata": {"sha256": "cd" * 32}}, 5, sha)


def test_the_resume_rule_keeps_matching_parts_and_condemns_any_mismatch() -> None:
    parts = [Part(1, 0, 10), Part(2, 10, 10), Part(3, 20, 3)]
    md5s = ["a" * 32, "b" * 32, "c" * 32]
    good = [
        {"PartNumber": 1, "Size": 10, "ETag": f'"{"a" * 32}"', "ChecksumCRC32": "x=="},
        {"PartNumber": 3, "Size": 3, "ETag": f'"{"c" * 32}"'},
    ]
    assert resumable_parts(good, parts, md5s) == {
        1: {"PartNumber": 1, "ETag": f'"{"a" * 32}"', "ChecksumCRC32": "x=="},
        3: {"PartNumber": 3, "ETag": f'"{"c" * 32}"'},
    }
    assert resumable_parts([], parts, md5s) == {}
    wrong_etag = [{"PartNumber": 2, "Size": 10, "ETag": f'"{"f" * 32}"'}]
    wrong_size = [{"PartNumber": 1, "Size": 9, "ETag": f'"{"a" * 32}"'}]
    beyond = [{"PartNumber": 4, "Size": 3, "ETag": f'"{"c" * 32}"'}]
    for listed in (wrong_etag, wrong_size, beyond):
        assert resumable_parts(listed, parts, md5s) is None


def test_sources_folder_file_and_list(tmp_path: Path) -> None:
    (tmp_path / "t" / "sub").mkdir(parents=True)
    (tmp_path / "t" / "b.tif").write_bytes(b"12")
    (tmp_path / "t" / "sub" / "a.tif").write_bytes(b"1")
    assert [(f.relative, f.size) for f in collect_files(tmp_path / "t")] == [
        ("b.tif", 2),
        ("sub/a.tif", 1),
    ]
    assert [f.relative for f in collect_files(str(tmp_path / "t" / "b.tif"))] == ["b.tif"]
    assert [f.relative for f in collect_files([tmp_path / "t" / "sub" / "a.tif"])] == ["a.tif"]


@pytest.mark.parametrize("case", ["empty-folder", "missing", "empty-list", "same-name"])
def test_bad_sources_name_the_field(tmp_path: Path, case: str) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "x").mkdir()
    (tmp_path / "a.tif").write_bytes(b"1")
    (tmp_path / "x" / "a.tif").write_bytes(b"2")
    source = {
        "empty-folder": tmp_path / "empty",
        "missing": tmp_path / "nope.tif",
        "empty-list": [],
        "same-name": [tmp_path / "a.tif", tmp_path / "x" / "a.tif"],
    }[case]
    with pytest.raises(SentinelHubValidationError) as caught:
        collect_files(source)  # type: ignore[arg-type]
    assert caught.value.field == "source"
