"""`python -m engagement_warehouse.dashboard.browser_check OUT_DIR`: start the dashboard on a
published warehouse, load every page in headless Chromium, save a screenshot per page and
report what rendered: chart titles with their number of drawn data marks, metrics, errors."""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from engagement_warehouse.browser import Browser, free_port, run_server
from engagement_warehouse.dashboard.app import PAGES
from engagement_warehouse.settings import PROJECT_ROOT, WarehouseSettings

WIDTH = 1500

# Runs in the page: null while Streamlit is still running the script or Vega is still drawing.
PAGE_STATE = """(() => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return null;
  const title = document.querySelector('h1');
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  if (!title || charts.some(chart => !chart.querySelector('svg.marks'))) return null;
  return JSON.stringify({
    title: title.textContent,
    charts: charts.map(chart => ({
      title: [...chart.querySelectorAll('g.role-title text')].map(text => text.textContent).join(' '),
      marks: chart.querySelectorAll('g.role-mark > path, g.role-mark > text, g.role-mark > line').length})),
    metrics: Object.fromEntries([...document.querySelectorAll('[data-testid="stMetric"]')].map(metric => [
      metric.querySelector('[data-testid="stMetricLabel"]').textContent,
      metric.querySelector('[data-testid="stMetricValue"]').textContent])),
    errors: [...document.querySelectorAll('[data-testid="stException"], [data-testid="stAlertContentError"]')]
      .map(box => box.textContent),
    notices: [...document.querySelectorAll('[data-testid="stAlertContentInfo"]')].map(box => box.textContent),
    filters: document.querySelectorAll('[data-testid="stSidebar"] [data-testid="stDateInput"], '
                                       + '[data-testid="stSidebar"] [data-testid="stSelectbox"]').length,
    height: document.querySelector('[data-testid="stMainBlockContainer"]').scrollHeight,
  });
})()"""


@dataclass(frozen=True)
class RenderedPage:
    slug: str
    title: str
    charts: list[dict]
    metrics: dict[str, str]
    errors: list[str]
    notices: list[str]
    filters: int
    screenshot: Path


def check_pages(published: Path, out_dir: Path, timeout_seconds: float = 60) -> dict[str, RenderedPage]:
    """Every dashboard page as a browser renders it, with a screenshot `<slug>.png` in out_dir."""
    port = free_port()
    app = PROJECT_ROOT / "engagement_warehouse" / "dashboard" / "app.py"
    stop = run_server([str(Path(sys.executable).with_name("streamlit")), "run", str(app), "--server.headless", "true",
                       "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
                      f"http://127.0.0.1:{port}/_stcore/health", {**os.environ, "EW_PUBLISHED_PATH": str(published)},
                      PROJECT_ROOT)
    pages = {}
    try:
        with Browser(width=WIDTH) as browser:
            for slug in PAGES:
                browser.resize(WIDTH, 1000)
                browser.open(f"http://127.0.0.1:{port}/{slug}")
                state = browser.wait_for(PAGE_STATE, timeout_seconds)
                if state is None:
                    raise RuntimeError(f"dashboard page /{slug} did not finish rendering within {timeout_seconds:.0f} s")
                state = json.loads(state)
                # Streamlit scrolls inside its main block: grow the viewport to the content to capture all of it.
                browser.resize(WIDTH, state.pop("height") + 120)
                time.sleep(1.5)
                screenshot = out_dir / f"{slug}.png"
                browser.screenshot(screenshot)
                pages[slug] = RenderedPage(slug=slug, screenshot=screenshot, **state)
    finally:
        stop()
    return pages


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else PROJECT_ROOT / "docs" / "dashboard")
    for page in check_pages(WarehouseSettings.from_env().published_path, out).values():
        print(f"{page.screenshot}: {page.title}: {len(page.charts)} charts "
              f"({', '.join(str(chart['marks']) for chart in page.charts)} marks), {len(page.errors)} errors")
