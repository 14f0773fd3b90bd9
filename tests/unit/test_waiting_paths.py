"""The waiting types live in `sentinelhub_client.byoc.waiting`; every path they had still works,
whichever module is imported first."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sentinelhub_client
from sentinelhub_client.byoc import calls, waiting
from sentinelhub_client.byoc.calls import IngestionSummary, IngestionWatch


def test_the_old_paths_give_the_same_objects() -> None:
    assert IngestionSummary is waiting.IngestionSummary
    assert IngestionWatch is waiting.IngestionWatch
    assert calls.PENDING_STATUSES is waiting.PENDING_STATUSES
    assert sentinelhub_client.IngestionSummary is waiting.IngestionSummary
    assert {"IngestionSummary", "IngestionWatch"} <= set(calls.__all__)


def test_unknown_names_of_calls_still_raise() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        calls.Nope  # noqa: B018


@pytest.mark.parametrize(
    "code",
    [
        "import sentinelhub_client.byoc.waiting as w\n"
        "from sentinelhub_client.byoc.calls import IngestionWatch\n"
        "assert IngestionWatch is w.IngestionWatch",
        "from sentinelhub_client.byoc.calls import IngestionSummary\n"
        "import sentinelhub_client.byoc.waiting as w\n"
        "assert IngestionSummary is w.IngestionSummary",
        "from sentinelhub_client.byoc.calls import *\n"
        "import sentinelhub_client.byoc.waiting as w\n"
        "assert IngestionSummary is w.IngestionSummary",
    ],
    ids=["waiting-first", "calls-first", "star"],
)
def test_either_import_order_works(code: str) -> None:
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 - our interpreter
