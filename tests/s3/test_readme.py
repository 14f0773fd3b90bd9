"""The README's "Uploading to S3" example runs as written (against the session's server)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.support.s3 import S3Server

README = Path(__file__).parents[2] / "README.md"


def test_the_readme_upload_example_runs(aws_env: S3Server, tmp_path: Path) -> None:
    section = README.read_text().split("## Uploading to S3", 1)[1].split("\n## ", 1)[0]
    [code] = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert 'endpoint_url="http://127.0.0.1:9000"' in code
    script = tmp_path / "upload.py"
    script.write_text(code.replace("http://127.0.0.1:9000", aws_env.endpoint_url))
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2 uploaded: ['s3://my-bucket/fields/2024-05/B02.tif'")
    assert lines[1] == "2 skipped, 0 bytes sent"
    assert (
        aws_env.read("my-bucket", "fields/2024-05/B03.tif")
        == (tmp_path / "tile" / "B03.tif").read_bytes()
    )
