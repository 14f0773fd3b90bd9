"""The lazy public surface: every name of ``__all__`` resolves to its defining module, type
checkers see the same names, and importing the package pulls in nothing heavy."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import sentinelhub_client

INIT = Path(sentinelhub_client.__file__)


def test_all_is_the_export_table_plus_the_version() -> None:
    assert len(set(sentinelhub_client.__all__)) == len(sentinelhub_client.__all__)
    assert set(sentinelhub_client.__all__) == {*sentinelhub_client._EXPORTS, "__version__"}


@pytest.mark.parametrize("name", sorted(sentinelhub_client._EXPORTS))
def test_each_name_comes_from_its_module(name: str) -> None:
    module = importlib.import_module(sentinelhub_client._EXPORTS[name])
    assert getattr(sentinelhub_client, name) is getattr(module, name)
    assert name in dir(sentinelhub_client)


def test_type_checkers_see_the_same_names() -> None:
    tree = ast.parse(INIT.read_text())
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    )
    imported = {
        alias.name: node.module
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert imported == sentinelhub_client._EXPORTS


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        sentinelhub_client.Nope  # type: ignore[attr-defined]  # noqa: B018


def test_the_version_is_the_installed_one() -> None:
    from importlib import metadata

    assert sentinelhub_client.__version__ == metadata.version("sentinelhub-client")


def _modules_after(code: str) -> set[str]:
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    completed = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(json.loads(completed.stdout.splitlines()[-1]))


def test_importing_the_package_imports_nothing_heavy() -> None:
    loaded = _modules_after("import sentinelhub_client")
    for heavy in ("httpx", "sentinelhub_api", "rich", "click", "asyncio", "importlib.metadata"):
        assert heavy not in loaded


def test_the_client_imports_httpx_but_not_cli_rich_or_asyncio() -> None:
    """A sync user pays for httpx, nothing of the CLI, and not for asyncio (auth, polling, bulk
    registration and the transport import it where an async path runs)."""
    loaded = _modules_after("from sentinelhub_client import SentinelHubBYOC, SHConfig")
    assert "httpx" in loaded
    for heavy in ("rich", "click", "pygments", "asyncio", "importlib.metadata", "tomllib"):
        assert heavy not in loaded


def test_the_byoc_client_imports_only_the_models_it_uses() -> None:
    """The generated models package imports a model's module when the model is first used
    (openapi/templates/models_init.py.jinja): the BYOC client never loads a Batch, Catalog or
    Statistical model, nor an optional heavy package."""
    loaded = _modules_after("from sentinelhub_client import SentinelHubBYOC")
    generated = {name for name in loaded if name.startswith("sentinelhub_api.models.")}
    assert "sentinelhub_api.models.byoc_tile" in generated
    for unused in ("batch_request", "stac_item", "statistical_request", "batch_v2_request"):
        assert f"sentinelhub_api.models.{unused}" not in generated
    assert len(generated) < 60  # of about 150
    for heavy in ("numpy", "rasterio", "shapely", "pyproj", "boto3", "pandas", "pystac"):
        assert heavy not in loaded


def test_the_lazy_models_package_still_lists_and_gives_every_model() -> None:
    import sentinelhub_api.models as models

    assert "StacItem" in dir(models)
    assert set(models.__all__) <= set(dir(models))
    assert models.StacItem.__name__ == "StacItem"
    with pytest.raises(AttributeError, match="NoSuchModel"):
        models.NoSuchModel  # noqa: B018


def test_httpx_cli_still_works_after_the_package() -> None:
    code = (
        "import sentinelhub_client.byoc.client, httpx\n"
        "try:\n    httpx.main(['--help'])\nexcept SystemExit as e:\n    print('exit', e.code)"
    )
    completed = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "exit 0" in completed.stdout
    assert "--help" in completed.stdout
