"""Every BYOC rule on files made here: `validate_cog` and the emulator's ingestion give the same
verdict (they run the same rule functions), and each finding names its rule and a fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from sentinelhub_client.cog import CogReport, validate_band_names, validate_cog
from sentinelhub_client.cog.rules import LARGE_WITHOUT_OVERVIEWS, MAX_HEADER_BYTES
from sentinelhub_emulator.byoc.ingest import BandSpec, IngestionFailure, ingest_tile

from tests.cog.corpus import north_up, write_cog, write_gtiff


def _truncated(path: Path) -> Path:
    write_cog(
        path,
        width=1024,
        height=1024,
        data=np.random.default_rng(1).integers(0, 60000, size=(1, 1024, 1024), dtype="uint16"),
    )
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.6)])
    return path


def _pole(path: Path) -> Path:
    return write_cog(
        path,
        width=256,
        height=256,
        epsg=4326,
        transform=north_up((10.0, -90.0, 20.0, -80.0), 256, 256),
    )


def _not_tiff(path: Path) -> Path:
    path.write_bytes(b"GIF89a" + bytes(5000))
    return path


#: name -> (how to write it, the rule it breaks).
BROKEN: dict[str, tuple[Callable[[Path], Path], str]] = {
    "striped": (lambda p: write_gtiff(p, tiled=False), "tiled"),
    "blocks_128": (lambda p: write_cog(p, blocksize=128), "block-size"),
    "blocks_4096": (
        lambda p: write_gtiff(p, width=4096, height=4096, dtype="uint8", blocksize=4096),
        "block-size",
    ),
    "overviews_with_other_blocks": (
        lambda p: write_gtiff(
            p, width=1024, height=1024, blocksize=512, overview_blocksize=256, overviews=(2, 4)
        ),
        "block-size-equal",
    ),
    "forbidden_crs": (lambda p: write_cog(p, epsg=2193), "crs"),
    "crossing_a_pole": (_pole, "pole"),
    "header_over_1_mb": (
        lambda p: write_cog(p, tags={"PADDING": "0123456789abcdef" * 70_000}),
        "header-size",
    ),
    "truncated": (_truncated, "data-readable"),
    "float64": (lambda p: write_cog(p, dtype="float64"), "data-type"),
    "not_a_tiff": (_not_tiff, "tiff"),
}

#: name -> how to write a file that BYOC accepts.
VALID: dict[str, Callable[[Path], Path]] = {
    "multi_band": lambda p: write_cog(p, count=4),
    "epsg_4326": lambda p: write_cog(p, epsg=4326),
    "epsg_3857": lambda p: write_cog(p, epsg=3857),
    "epsg_3035": lambda p: write_cog(p, epsg=3035),
    "epsg_32733": lambda p: write_cog(p, epsg=32733),
    "blocks_256": lambda p: write_cog(p, width=1024, height=1024, blocksize=256),
    "blocks_512": lambda p: write_cog(p, width=2048, height=2048, dtype="uint8", blocksize=512),
    "blocks_1024": lambda p: write_cog(p, width=2048, height=2048, dtype="uint8", blocksize=1024),
    "one_2048_block_per_level": lambda p: write_cog(
        p, width=2048, height=2048, dtype="uint8", blocksize=2048
    ),
    "blocks_2048_with_overview": lambda p: write_cog(
        p, width=4096, height=4096, dtype="uint8", blocksize=2048
    ),
    "float32_int16": lambda p: write_cog(p, dtype="float32"),
}


def _ingest(bucket: Path, rel: str) -> str | None:
    """The emulator's verdict: None when ingested, else the failedIngestionCause."""
    try:
        ingest_tile(bucket, rel, [BandSpec(name="B1")])
    except IngestionFailure as failure:
        return failure.cause
    return None


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_broken_rule_is_reported_the_same_way_by_both(tmp_path: Path, case: str) -> None:
    write, rule = BROKEN[case]
    path = write(tmp_path / f"{case}.tif")
    report = validate_cog(path, name=f"{case}.tif")
    assert not report.is_valid
    assert report.errors[0].rule == rule, report.errors
    assert f"'{case}.tif'" in report.errors[0].message
    # The emulator ingests the same file with the same rule functions: the same first cause.
    assert _ingest(tmp_path, f"{case}.tif") == report.errors[0].message


@pytest.mark.parametrize("case", sorted(VALID))
def test_valid_files_pass_both(tmp_path: Path, case: str) -> None:
    path = VALID[case](tmp_path / f"{case}.tif")
    report = validate_cog(path)
    assert report.is_valid, report.errors
    assert report.errors == ()
    assert _ingest(tmp_path, f"{case}.tif") is None


def test_the_2048_block_files_have_one_block_per_level(tmp_path: Path) -> None:
    one = validate_cog(VALID["one_2048_block_per_level"](tmp_path / "a.tif"))
    assert one.facts is not None
    assert one.facts.block == (2048, 2048)
    assert (one.facts.width, one.facts.height) == (2048, 2048)
    two = validate_cog(VALID["blocks_2048_with_overview"](tmp_path / "b.tif"))
    assert two.facts is not None
    assert two.facts.overview_sizes == ((2048, 2048),)


def test_a_large_file_without_overviews_is_a_warning_not_an_error(tmp_path: Path) -> None:
    size = LARGE_WITHOUT_OVERVIEWS + 512
    path = write_cog(
        tmp_path / "flat.tif",
        width=size,
        height=256,
        dtype="uint8",
        blocksize=512,
        overviews="NONE",
    )
    report = validate_cog(path)
    assert report.is_valid
    assert [w.rule for w in report.warnings] == ["overviews"]
    assert "overviews" in report.warnings[0].message
    assert _ingest(tmp_path, "flat.tif") is None


def test_a_file_breaking_several_rules_lists_them_all(tmp_path: Path) -> None:
    path = write_cog(tmp_path / "x.tif", blocksize=128, epsg=2193, dtype="float64")
    report = validate_cog(path)
    assert [f.rule for f in report.errors] == ["block-size", "crs", "data-type"]
    assert report.to_dict()["is_valid"] is False
    assert [e["rule"] for e in report.to_dict()["errors"]] == ["block-size", "crs", "data-type"]


def test_the_header_limit_is_exactly_one_megabyte(tmp_path: Path) -> None:
    report = validate_cog(BROKEN["header_over_1_mb"][0](tmp_path / "h.tif"))
    assert str(MAX_HEADER_BYTES) in report.errors[0].message


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        validate_cog(tmp_path / "nope.tif")


def test_a_report_is_a_plain_value(tmp_path: Path) -> None:
    report = validate_cog(VALID["multi_band"](tmp_path / "m.tif"))
    assert isinstance(report, CogReport)
    assert report.facts is not None
    assert report.facts.dtypes == ("uint16",) * 4
    assert report.to_dict() == {
        "path": str(tmp_path / "m.tif"),
        "is_valid": True,
        "errors": [],
        "warnings": [],
    }


@pytest.mark.parametrize(
    ("names", "problems"),
    [
        (["B01", "red", "$x", "_nir"], []),
        (["1st"], ["'1st'"]),
        (["class"], ["'class'"]),
        (["a-b", "a b"], ["'a-b'", "'a b'"]),
        (["B1", "B1"], ["used twice"]),
        ([f"b{i}" for i in range(101)], ["101 bands"]),
    ],
)
def test_band_names(names: list[str], problems: list[str]) -> None:
    findings = validate_band_names(names)
    assert [f.rule for f in findings] == ["band-name"] * len(problems)
    for finding, word in zip(findings, problems, strict=True):
        assert word in finding.message


def test_band_names_suggest_a_fix() -> None:
    [finding] = validate_band_names(["2nd-band"])
    assert "'B2nd_band'" in finding.message


def test_band_names_refuse_a_single_string() -> None:
    with pytest.raises(ValueError, match="list of band names"):
        validate_band_names("B01")
