"""Regenerate the low-level client ``generated/sentinelhub_api`` from ``openapi/sentinelhub.yaml``.

    scripts/regenerate           regenerate in place
    scripts/regenerate --check   exit 1 (and list the differences) when generated/ is stale

The generator runs into a temporary folder and the result is swapped in only when it succeeded,
so a failing run never leaves a half-written package behind. Everything that shapes the output is
pinned or recorded: the generator version (checked before running), its options in
``openapi/generator.yaml`` and a stamp file with the spec's digest. The output does not depend on
time or on the machine, so two runs in a row leave no difference.
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

GENERATOR = "openapi-python-client"
GENERATOR_VERSION = "0.29.1"
ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "sentinelhub.yaml"
CONFIG = ROOT / "openapi" / "generator.yaml"
PACKAGE = "sentinelhub_api"
TARGET = ROOT / "generated" / PACKAGE
#: The project's own templates for the generator (only those it overrides).
TEMPLATES = ROOT / "openapi" / "templates"
STAMP = "GENERATED.json"


def fail(message: str) -> None:
    print(f"regenerate: {message}", file=sys.stderr)
    raise SystemExit(1)


def check_generator() -> None:
    try:
        installed = metadata.version(GENERATOR)
    except metadata.PackageNotFoundError:
        fail(f"{GENERATOR} is not installed; run: pip install -e '.[dev]'")
    if installed != GENERATOR_VERSION:
        fail(
            f"{GENERATOR} {installed} is installed but {GENERATOR_VERSION} is pinned; "
            f"run: pip install '{GENERATOR}=={GENERATOR_VERSION}'"
        )


def generate(into: Path) -> Path:
    """Run the generator into ``into`` and return the package folder it wrote."""
    out = into / PACKAGE
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    cmd = [
        str(bin_dir / GENERATOR),
        "generate",
        "--path",
        str(SPEC),
        "--config",
        str(CONFIG),
        "--meta",
        "none",
        "--custom-template-path",
        str(TEMPLATES),
        "--output-path",
        str(out),
        "--fail-on-warning",
    ]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not (out / "client.py").is_file():
        fail(f"the generator failed:\n{result.stdout}\n{result.stderr}")
    # The emulator validates request bodies against the same document, read from the package.
    shutil.copyfile(SPEC, out / "openapi.yaml")
    (out / "py.typed").write_text("")
    stamp = {
        "generator": f"{GENERATOR}=={GENERATOR_VERSION}",
        "spec": "openapi/sentinelhub.yaml",
        "spec_sha256": hashlib.sha256(SPEC.read_bytes()).hexdigest(),
        "config_sha256": hashlib.sha256(CONFIG.read_bytes()).hexdigest(),
    }
    (out / STAMP).write_text(json.dumps(stamp, indent=2, sort_keys=True) + "\n")
    for cache in out.rglob("__pycache__"):
        shutil.rmtree(cache)
    return out


def differences(fresh: Path, current: Path) -> list[str]:
    """Relative paths that differ between two trees, with a short diff for changed files."""
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], rel: Path) -> None:
        for name in sorted(cmp.left_only):
            if name != "__pycache__":
                found.append(f"missing from generated/: {rel / name}")
        for name in sorted(cmp.right_only):
            if name != "__pycache__":
                found.append(f"not produced by the spec: {rel / name}")
        for name in sorted(cmp.diff_files):
            a = (Path(cmp.left) / name).read_text().splitlines()
            b = (Path(cmp.right) / name).read_text().splitlines()
            diff = list(difflib.unified_diff(b, a, "generated", "fresh", lineterm="", n=1))
            found.append(f"changed: {rel / name}\n" + "\n".join(diff[:20]))
        for name, sub in sorted(cmp.subdirs.items()):
            if name != "__pycache__":
                walk(sub, rel / name)

    if not current.is_dir():
        return [f"{current} does not exist"]
    walk(filecmp.dircmp(str(fresh), str(current), ignore=[]), Path(PACKAGE))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only report whether generated/ is stale"
    )
    args = parser.parse_args(argv)
    check_generator()
    with tempfile.TemporaryDirectory(prefix="regen-") as tmp:
        fresh = generate(Path(tmp))
        if args.check:
            diffs = differences(fresh, TARGET)
            if diffs:
                print("generated/ is stale; run scripts/regenerate", file=sys.stderr)
                print("\n".join(diffs), file=sys.stderr)
                return 1
            print("generated/ is in sync with openapi/sentinelhub.yaml")
            return 0
        staging = TARGET.with_name(PACKAGE + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(fresh, staging)
        old = TARGET.with_name(PACKAGE + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if TARGET.exists():
            TARGET.rename(old)
        staging.rename(TARGET)
        shutil.rmtree(old, ignore_errors=True)
    print(f"regenerated {TARGET.relative_to(ROOT)} from {SPEC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
