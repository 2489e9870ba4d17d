"""The docs site builds from the README's command, documents every model and every column the
warehouse holds, and carries the metric glossary (every SPEC §3 metric) as its overview."""

import json

import pytest
from conftest import warehouse_env

from engagement_warehouse import docs_site

# SPEC §3 metric dictionary, by the names the glossary uses.
SPEC_METRICS = ["session", "session duration", "engaged time", "engaged session", "engagement rate", "bounce rate",
                "time spent", "frequency", "interactions", "conversion rate", "DAU / WAU / MAU", "stickiness",
                "retention", "customer churn rate", "MRR movements", "GRR", "NRR", "NPS", "CSAT", "historical CLV",
                "predictive CLV", "P(alive)", "CAC", "referral traffic", "social engagement", "reviews",
                "messaging rates", "top-customer spend"]


SECRET_SALT = "deployment secret 7f3a9c"


@pytest.fixture(scope="module")
def site(materialised_graph, tmp_path_factory):
    target = tmp_path_factory.mktemp("docs_target")
    env = warehouse_env(materialised_graph, materialised_graph / "landing") | {"EW_PSEUDONYM_SALT": SECRET_SALT}
    static = docs_site.generate(target, env)
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    return static, manifest, catalog


def test_the_site_is_one_self_contained_page_with_the_glossary(site):
    static, manifest, _ = site
    overview = manifest["docs"]["doc.engagement_warehouse.__overview__"]["block_contents"]
    glossary_rows = {line.split("|")[1].strip() for line in overview.splitlines() if line.startswith("| ")}
    assert [metric for metric in SPEC_METRICS if metric not in glossary_rows] == []
    assert static.stat().st_size > 1_000_000 and "metric glossary" in static.read_text()


def test_the_site_shows_compiled_sql_without_the_pseudonym_salt(site):
    static, manifest, _ = site
    compiled = manifest["nodes"]["model.engagement_warehouse.base_app__customers"]["compiled_code"]
    assert f"'{docs_site.SALT_PLACEHOLDER}:'" in compiled
    assert SECRET_SALT not in static.read_text() and SECRET_SALT not in json.dumps(manifest)


def test_every_model_and_every_column_in_the_warehouse_is_described(site):
    _, manifest, catalog = site
    nodes = {**manifest["nodes"], **manifest["sources"]}
    documented = [node for node in nodes.values() if node["resource_type"] in ("model", "seed", "source", "snapshot")]
    assert [node["unique_id"] for node in documented if not node["description"].strip()] == []
    assert len(catalog["nodes"]) > 60
    undescribed = [f"{unique_id}.{column}" for unique_id, table in {**catalog["nodes"], **catalog["sources"]}.items()
                   for column in table["columns"]
                   if not nodes[unique_id]["columns"].get(column, {}).get("description", "").strip()]
    assert undescribed == []


def test_every_described_metric_and_the_dashboard_exposure_are_in_the_site(site):
    _, manifest, _ = site
    overview = manifest["docs"]["doc.engagement_warehouse.__overview__"]["block_contents"]
    headline = [metric["name"] for metric in manifest["metrics"].values() if metric["description"]]
    assert len(headline) >= 13
    assert [name for name in headline if f"`{name}`" not in overview] == []
    exposure = manifest["exposures"]["exposure.engagement_warehouse.engagement_dashboard"]
    assert len(exposure["depends_on"]["nodes"]) >= 10


def test_without_a_warehouse_the_site_builds_without_creating_one(tmp_path):
    missing = tmp_path / "warehouse" / "engagement.duckdb"
    env = {**warehouse_env(tmp_path, tmp_path / "landing"), "EW_WAREHOUSE_PATH": str(missing)}
    static = docs_site.generate(tmp_path / "target", env)
    assert static.exists() and json.loads((tmp_path / "target" / "catalog.json").read_text())["nodes"] == {}
    assert not missing.exists()
