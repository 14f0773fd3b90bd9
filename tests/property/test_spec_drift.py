"""The drift report against the provider's published spec (when the shared copy is present)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from tests.support.upstream import require_upstream_spec

ROOT = Path(__file__).resolve().parents[2]


def _load_drift() -> ModuleType:
    spec = importlib.util.spec_from_file_location("spec_drift", ROOT / "scripts" / "spec_drift.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["spec_drift"] = module
    spec.loader.exec_module(module)
    return module


drift = _load_drift()
OURS = drift.load(str(ROOT / "openapi" / "sentinelhub.yaml"))


def test_no_byoc_field_of_the_reference_is_missing() -> None:
    upstream = require_upstream_spec()  # skips, saying how to point at it, when absent
    report = drift.compare(drift.load(str(upstream)), OURS)
    assert report.blocking() == []
    # All 15 BYOC operations and Process / Async are matched, none left over on either side.
    assert report.only_upstream_ops == []
    assert report.only_ours_ops == []
    byoc_pairs = {k: v for k, v in report.schema_pairs.items() if k.startswith("BYOC")}
    assert byoc_pairs["BYOCTile"] == {"ByocTile"}
    assert byoc_pairs["BYOCFormat"] == {"ByocBand"}


def test_batch_v2_is_compared_operation_by_operation() -> None:
    """The published ``/batch/v2/...`` paths map onto our ``/api/v2/batch/...``: every one of the
    9 operations is matched, no upstream field is missing, and the main schemas pair up."""
    upstream = require_upstream_spec()
    theirs, _ = drift.operations(drift.load(str(upstream)))
    v2 = sorted(f"{m} {p}" for m, p in theirs if p.startswith("/api/v2/batch/"))
    assert len(v2) == 9
    assert "POST /api/v2/batch/process/{}/stop" in v2
    report = drift.compare(drift.load(str(upstream)), OURS)
    assert [f for f in report.missing_fields if "/api/v2/batch/" in f] == []
    assert report.schema_pairs["BatchV2ProcessTask"] == {"BatchV2Request"}
    assert report.schema_pairs["BatchV2ProcessRequest"] == {"BatchV2ProcessRequest"}


def test_a_missing_batch_v2_field_is_blocking() -> None:
    upstream = yaml.safe_load(
        """
openapi: 3.1.0
paths:
  /batch/v2/process/{taskId}:
    get:
      operationId: getTask
      responses:
        '200':
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: string}
                  newCounter: {type: integer}
"""
    )
    report = drift.compare(upstream, OURS)
    assert report.blocking() == ["GET /api/v2/batch/process/{} response 200 newCounter (getTask)"]


def _upstream_like() -> dict:
    """A tiny upstream document in the /byoc/v1 style, to check the report itself."""
    return yaml.safe_load(
        """
openapi: 3.1.0
paths:
  /byoc/v1/collections/{collectionId}/tiles/{tileId}:
    get:
      operationId: getTile
      parameters:
        - {name: collectionId, in: path, required: true, schema: {type: string}}
        - {name: tileId, in: path, required: true, schema: {type: string}}
        - {name: brandNew, in: query, schema: {type: string}}
      responses:
        '200':
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {$ref: '#/components/schemas/T'}
  /byoc/v1/somethingNew:
    get:
      operationId: newOp
      responses: {'200': {description: ok}}
components:
  schemas:
    T:
      type: object
      properties:
        path: {type: string}
        shinyField: {type: integer}
"""
    )


def test_report_lists_what_each_side_lacks() -> None:
    report = drift.compare(_upstream_like(), OURS)
    assert report.only_upstream_ops == ["GET /api/v1/byoc/somethingNew (newOp)"]
    assert any("parameter query:brandNew only upstream" in p for p in report.parameters)
    assert report.blocking() == [
        "GET /api/v1/byoc/collections/{}/tiles/{} response 200 data.shinyField (getTile)"
    ]
    assert any(f.endswith("data.ingestionStart") for f in report.extra_fields)
    # Our other operations are reported as ours only.
    assert any(op.startswith("POST /api/v1/byoc/collections ") for op in report.only_ours_ops)


def test_allow_list_silences_a_reasoned_omission(monkeypatch: pytest.MonkeyPatch) -> None:
    key = "GET /api/v1/byoc/collections/{}/tiles/{} response 200 data.shinyField"
    monkeypatch.setattr(drift, "ALLOWED_MISSING", {key: "not used by any client"})
    assert drift.compare(_upstream_like(), OURS).blocking() == []


def test_cli_fails_on_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    upstream = tmp_path / "up.yaml"
    upstream.write_text(yaml.safe_dump(_upstream_like()))
    assert drift.main([str(upstream), "--fail-on-missing"]) == 1
    assert "data.shinyField" in capsys.readouterr().out
    assert drift.main([str(upstream)]) == 0
