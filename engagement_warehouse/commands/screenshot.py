"""`python -m engagement_warehouse.commands.screenshot OUT.png`: start the Dagster webserver, open the asset lineage in
headless Chromium (the system browser), save a screenshot and return the rendered page text."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from engagement_warehouse.browser import chromium_path, free_port, run_server
from engagement_warehouse.settings import PROJECT_ROOT

LINEAGE_PATH = "/asset-groups"


def capture_lineage(screenshot: Path, timeout_seconds: float = 90) -> str:
    """Screenshot of the global asset lineage; returns the page's DOM after its scripts ran."""
    browser, port = chromium_path(), free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as home:
        shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", Path(home) / "dagster.yaml")
        stop = run_server([str(Path(sys.executable).with_name("dagster-webserver")), "-m", "orchestration.definitions",
                           "-h", "127.0.0.1", "-p", str(port)],
                          f"{url}/server_info", {**os.environ, "DAGSTER_HOME": home}, PROJECT_ROOT, timeout_seconds)
        try:
            flags = ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=20000"]
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([browser, *flags, "--window-size=1600,1000", f"--screenshot={screenshot}", url + LINEAGE_PATH],
                           check=True, capture_output=True, timeout=timeout_seconds)
            return subprocess.run([browser, *flags, "--dump-dom", url + LINEAGE_PATH],
                                  check=True, capture_output=True, text=True, timeout=timeout_seconds).stdout
        finally:
            stop()


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else PROJECT_ROOT / "docs" / "dagster_asset_lineage.png")
    capture_lineage(out)
    print(f"wrote {out}")
