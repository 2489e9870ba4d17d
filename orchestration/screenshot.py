"""`python -m orchestration.screenshot OUT.png`: start the Dagster webserver, open the asset lineage in
headless Chromium (the system browser), save a screenshot and return the rendered page text."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from engagement_warehouse.settings import PROJECT_ROOT

LINEAGE_PATH = "/asset-groups"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    raise RuntimeError("no Chromium on PATH; install the Debian package `chromium` (make test does)")


def capture_lineage(screenshot: Path, timeout_seconds: float = 90) -> str:
    """Screenshot of the global asset lineage; returns the page's DOM after its scripts ran."""
    browser, port = _chromium(), _free_port()
    with tempfile.TemporaryDirectory() as home:
        shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", Path(home) / "dagster.yaml")
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("dagster-webserver")), "-m", "orchestration.definitions",
             "-h", "127.0.0.1", "-p", str(port)],
            cwd=PROJECT_ROOT, env={**os.environ, "DAGSTER_HOME": home},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + timeout_seconds
            while True:
                try:
                    urllib.request.urlopen(f"{url}/server_info", timeout=2).read()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError(f"the Dagster webserver did not start on {url}")
                    time.sleep(0.5)
            flags = ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=20000"]
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([browser, *flags, "--window-size=1600,1000", f"--screenshot={screenshot}", url + LINEAGE_PATH],
                           check=True, capture_output=True, timeout=timeout_seconds)
            return subprocess.run([browser, *flags, "--dump-dom", url + LINEAGE_PATH],
                                  check=True, capture_output=True, text=True, timeout=timeout_seconds).stdout
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else PROJECT_ROOT / "docs" / "dagster_asset_lineage.png")
    capture_lineage(out)
    print(f"wrote {out}")
