"""`python -m engagement_warehouse.dashboard.browser_check OUT_DIR`: start the dashboard on a
published warehouse, load every page by its URL in headless Chromium, save a screenshot per page and
report what rendered: chart titles with a fingerprint of their drawn marks, metrics, the sidebar's
filters, CSV download buttons, errors. `check_filters` loads each page again once per filter it shows."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from engagement_warehouse.browser import Browser, free_port, run_server
from engagement_warehouse.dashboard.app import PAGES
from engagement_warehouse.settings import PROJECT_ROOT, WarehouseSettings

WIDTH = 1500

# Runs in the page: null while Streamlit is still running the script or Vega is still drawing.
PAGE_STATE = """(() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  const title = document.querySelector('h1');
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  if (!title || charts.some(chart => !chart.querySelector('svg.marks'))) return null;
  const marks = chart => [...chart.querySelectorAll('g.role-mark > path, g.role-mark > text, g.role-mark > line')];
  return JSON.stringify({
    title: title.textContent,
    charts: charts.map(chart => ({
      title: [...chart.querySelectorAll('g.role-title text')].map(text => text.textContent).join(' '),
      marks: marks(chart).length,
      drawn: marks(chart).map(mark => (mark.getAttribute('d') || '') + (mark.textContent || '')
                                      + (mark.getAttribute('transform') || '')).join('|')})),
    metrics: Object.fromEntries([...document.querySelectorAll('[data-testid="stMetric"]')].map(metric => [
      metric.querySelector('[data-testid="stMetricLabel"]').textContent,
      metric.querySelector('[data-testid="stMetricValue"]').textContent])),
    errors: [...document.querySelectorAll('[data-testid="stException"], [data-testid="stAlertContentError"]')]
      .map(box => box.textContent),
    notices: [...document.querySelectorAll('[data-testid="stAlertContentInfo"]')].map(box => box.textContent),
    filters: [...document.querySelectorAll('[data-testid="stSidebar"] [data-testid="stDateInput"] label, '
                                           + '[data-testid="stSidebar"] [data-testid="stSelectbox"] label')]
      .map(label => label.textContent),
    sidebar: document.querySelector('[data-testid="stSidebar"]').textContent,
    captions: [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stCaptionContainer"]')]
      .map(caption => caption.textContent),
    downloads: document.querySelectorAll('[data-testid="stDownloadButton"] button').length,
    height: document.querySelector('[data-testid="stMainBlockContainer"]').scrollHeight,
  });
})()"""

FIRST_DOWNLOAD = "document.querySelector('[data-testid=\"stDownloadButton\"] button').click()"


@dataclass(frozen=True)
class RenderedPage:
    slug: str
    title: str
    charts: list[dict]
    metrics: dict[str, str]
    errors: list[str]
    notices: list[str]
    filters: list[str]
    sidebar: str
    captions: list[str]
    downloads: int
    screenshot: Path | None = None

    def drawn(self, chart_title: str) -> str:
        return next(chart["drawn"] for chart in self.charts if chart_title in chart["title"])


@contextlib.contextmanager
def dashboard(published: Path) -> Iterator[str]:
    """The dashboard served on a free port; yields its base URL."""
    port = free_port()
    app = PROJECT_ROOT / "engagement_warehouse" / "dashboard" / "app.py"
    stop = run_server([str(Path(sys.executable).with_name("streamlit")), "run", str(app), "--server.headless", "true",
                       "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
                      f"http://127.0.0.1:{port}/_stcore/health", {**os.environ, "EW_PUBLISHED_PATH": str(published)},
                      PROJECT_ROOT)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop()


def render(browser: Browser, url: str, slug: str, screenshot: Path | None, timeout_seconds: float) -> RenderedPage:
    browser.resize(WIDTH, 1000)
    browser.open(url)
    state = browser.wait_for(PAGE_STATE, timeout_seconds)
    if state is None:
        raise RuntimeError(f"dashboard page {url} did not finish rendering within {timeout_seconds:.0f} s")
    state = json.loads(state)
    height = state.pop("height")
    if screenshot is not None:
        # Streamlit scrolls inside its main block: grow the viewport to the content to capture all of it.
        browser.resize(WIDTH, height + 120)
        time.sleep(1.5)
        browser.screenshot(screenshot)
    return RenderedPage(slug=slug, screenshot=screenshot, **state)


def check_pages(published: Path, out_dir: Path, download_dir: Path,
                timeout_seconds: float = 60) -> tuple[dict[str, RenderedPage], Path]:
    """Every dashboard page as a browser renders it at its URL, with a screenshot `<slug or overview>.png`
    in out_dir; and the CSV the first download button of the engagement page saves into download_dir."""
    pages = {}
    with dashboard(published) as base, Browser(width=WIDTH) as browser:
        for slug in PAGES:
            pages[slug] = render(browser, f"{base}/{slug}", slug, out_dir / f"{slug or 'overview'}.png", timeout_seconds)
        render(browser, f"{base}/engagement", "engagement", None, timeout_seconds)
        csv = browser.download(FIRST_DOWNLOAD, download_dir)
    return pages, csv


def check_filters(published: Path, choices: dict[str, str], timeout_seconds: float = 60) -> dict[tuple[str, str | None], RenderedPage]:
    """Each page unfiltered (key (slug, None)) and with each filter it shows set to its value in `choices`
    through the URL's query ((slug, filter))."""
    pages = {}
    with dashboard(published) as base, Browser(width=WIDTH) as browser:
        for slug in PAGES:
            unfiltered = pages[slug, None] = render(browser, f"{base}/{slug}", slug, None, timeout_seconds)
            for name, value in choices.items():
                if name.capitalize() in unfiltered.filters:
                    pages[slug, name] = render(browser, f"{base}/{slug}?{urlencode({name: value})}", slug, None, timeout_seconds)
    return pages


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else PROJECT_ROOT / "docs" / "dashboard")
    with tempfile.TemporaryDirectory() as downloads:
        rendered, _ = check_pages(WarehouseSettings.from_env().published_path, out, Path(downloads))
    for page in rendered.values():
        print(f"{page.screenshot}: {page.title}: {len(page.charts)} charts "
              f"({', '.join(str(chart['marks']) for chart in page.charts)} marks), {len(page.errors)} errors")
