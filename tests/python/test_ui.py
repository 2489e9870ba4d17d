"""The Dagster UI shows the whole asset graph: a headless Chromium renders the global lineage."""

from engagement_warehouse.commands.screenshot import capture_lineage


def test_the_asset_lineage_page_shows_every_layer(tmp_path):
    screenshot = tmp_path / "lineage.png"
    page = capture_lineage(screenshot)
    for group in ("landing", "staging", "intermediate", "marts", "statistics", "activation", "serving"):
        assert f">{group}<" in page, group
    assert screenshot.stat().st_size > 20_000
