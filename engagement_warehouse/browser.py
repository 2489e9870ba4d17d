"""Headless Chromium (the system browser) for screenshots and UI tests, driven over the
DevTools protocol: navigate, evaluate JavaScript in the page, capture PNGs."""

from __future__ import annotations

import base64
import contextlib
import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable
from itertools import count
from pathlib import Path

from websockets.sync.client import connect


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def find_chromium() -> str | None:
    return next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)


def chromium_path() -> str:
    if found := find_chromium():
        return found
    raise RuntimeError("no Chromium on PATH; install the Debian package `chromium` (make test does)")


def wait_until_serving(url: str, server: subprocess.Popen, timeout_seconds: float) -> None:
    """Poll `url` until it answers; fail early if the server process died."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(f"the server for {url} exited with code {server.returncode}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing answered on {url} within {timeout_seconds:.0f} s") from None
            time.sleep(0.5)


class Browser:
    """One headless Chromium tab. Use as a context manager."""

    def __init__(self, width: int = 1600, height: int = 1100):
        self._resources = contextlib.ExitStack()
        # Chromium's helper processes can still write into the profile after the browser exits; a profile folder
        # that cannot be removed at once is left in the temp folder rather than failing the page check.
        profile = self._resources.enter_context(tempfile.TemporaryDirectory(ignore_cleanup_errors=True))
        port = free_port()
        self._process = subprocess.Popen(
            [chromium_path(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--remote-debugging-port={port}", "--remote-allow-origins=*", f"--user-data-dir={profile}",
             f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._resources.callback(self._stop_browser)
        try:
            wait_until_serving(f"http://127.0.0.1:{port}/json/version", self._process, 30)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as listing:
                page = next(target for target in json.load(listing) if target["type"] == "page")
            self._socket = self._resources.enter_context(connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=10))
        except BaseException:
            self._resources.close()
            raise
        self._ids = count(1)
        self.call("Page.enable")

    def call(self, method: str, **params) -> dict:
        message_id = next(self._ids)
        self._socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self._socket.recv(timeout=60))
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise RuntimeError(f"{method} failed: {reply['error']}")
                return reply["result"]

    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout_seconds: float, settle_seconds: float = 1.0):
        """Evaluate `expression` until it is truthy twice `settle_seconds` apart; return its last value."""
        deadline = time.monotonic() + timeout_seconds
        while True:
            value = self.evaluate(expression)
            if value:
                time.sleep(settle_seconds)
                if again := self.evaluate(expression):
                    return again
            if time.monotonic() > deadline:
                return value
            time.sleep(0.5)

    def download(self, click: str, folder: Path, timeout_seconds: float = 30) -> Path:
        """Run `click` (a script that starts a download) and return the file saved into `folder`."""
        folder.mkdir(parents=True, exist_ok=True)
        before = set(folder.iterdir())
        self.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(folder))
        self.evaluate(click)
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            done = [path for path in set(folder.iterdir()) - before if not path.name.endswith(".crdownload")]
            if done:
                return done[0]
            time.sleep(0.2)
        raise RuntimeError(f"no download arrived in {folder} within {timeout_seconds:.0f} s")

    def resize(self, width: int, height: int) -> None:
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"]))

    def __enter__(self) -> Browser:
        return self

    def _stop_browser(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=30)

    def __exit__(self, *exc) -> None:
        self._resources.close()


def run_server(command: list[str], health_url: str, env: dict[str, str], cwd: Path,
               timeout_seconds: float = 90) -> Callable[[], None]:
    """Start a web server and wait until `health_url` answers; returns its stop function."""
    server = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_serving(health_url, server, timeout_seconds)
    except RuntimeError:
        server.kill()
        raise

    def stop() -> None:
        server.terminate()
        server.wait(timeout=30)
    return stop
