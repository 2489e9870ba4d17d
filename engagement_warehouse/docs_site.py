"""`make docs`: build the dbt docs site (every model and column, lineage, the metric glossary
as its overview page) and optionally serve it.

The catalog (column types, row counts) is read from the warehouse `make demo` built. Without a
warehouse the site is built with an empty catalog rather than creating an empty warehouse file.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from engagement_warehouse.settings import PROJECT_ROOT, WarehouseSettings, dbt_command

# The site shows each model's compiled SQL, which spells out the pseudonym salt: it is compiled with this instead, so a
# site published anywhere never lets a reader compute a customer's key from their id.
SALT_PLACEHOLDER = "<EW_PSEUDONYM_SALT>"


def generate(target_path: Path, env: dict[str, str] | None = None) -> Path:
    """Write manifest.json, catalog.json, index.html and the single-file static_index.html; return the latter."""
    env = dict(os.environ if env is None else env) | {"EW_PSEUDONYM_SALT": SALT_PLACEHOLDER}
    warehouse = WarehouseSettings.from_env(env).warehouse_path
    extra = []
    if not warehouse.exists():
        print(f"no warehouse at {warehouse}: building the docs without column types; run `make demo` first for them")
        # dbt still connects to list relations; an in-memory database keeps it from creating an empty warehouse file.
        extra, env["EW_WAREHOUSE_PATH"] = ["--empty-catalog"], ":memory:"
    result = subprocess.run(dbt_command("docs", "generate", "--static", *extra, target_path=target_path),
                            env=env, cwd=PROJECT_ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"dbt docs generate failed:\n{result.stdout[-4000:]}{result.stderr[-2000:]}")
    return target_path / "static_index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target-path", type=Path, default=PROJECT_ROOT / "target")
    parser.add_argument("--serve", action="store_true", help="serve the site after building it")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    try:
        site = generate(args.target_path.resolve())
    except RuntimeError as failure:
        print(f"error: {failure}", file=sys.stderr)
        return 1
    print(f"docs site: {site} (one self-contained file; open it in a browser or publish it anywhere)")
    if args.serve:
        print(f"serving on http://127.0.0.1:{args.port} (Ctrl-C stops)")
        return subprocess.call(dbt_command("docs", "serve", "--host", "127.0.0.1", "--port", str(args.port),
                                           "--no-browser", target_path=args.target_path.resolve()), cwd=PROJECT_ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
