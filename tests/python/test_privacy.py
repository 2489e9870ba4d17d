"""What BI users get holds no personal data, an erasure leaves nothing personal behind, and free text and URLs
are scrubbed before they leave staging. Values are scanned, not column names."""

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import personal_values, warehouse_env

from engagement_warehouse.settings import PROJECT_ROOT, dbt_command


def _text_columns(con, tables_only: bool = False):
    kinds = "and table_name in (select table_name from duckdb_tables() t where t.schema_name = c.schema_name)" if tables_only else ""
    return con.execute(f"select schema_name, table_name, column_name from duckdb_columns() c where data_type = 'VARCHAR' "
                       f"and database_name = current_database() and schema_name not in ('information_schema', 'pg_catalog') {kinds} "
                       "order by all").fetchall()


def test_the_published_copy_holds_only_consumer_schemas(materialised_graph):
    with duckdb.connect(str(materialised_graph / "published" / "engagement.duckdb"), read_only=True) as con:
        schemas = {row[0] for row in con.execute("select distinct schema_name from duckdb_tables()").fetchall()}
        views = con.execute("select count(*) from duckdb_views() where not internal").fetchone()[0]
        wide = con.execute("select count(*) from duckdb_columns() where data_type in ('HUGEINT', 'UHUGEINT')").fetchone()[0]
        undescribed = con.execute("select count(*) from duckdb_tables() where schema_name = 'marts' "
                                  "and coalesce(comment, '') = ''").fetchone()[0]
    assert schemas == {"marts", "semantic", "reference"}
    assert (views, wide, undescribed) == (0, 0, 0)


def test_no_value_in_the_published_copy_is_an_email_an_ip_address_or_a_customers_name(materialised_graph):
    with duckdb.connect(str(materialised_graph / "published" / "engagement.duckdb"), read_only=True) as con:
        assert personal_values(con, _text_columns(con)) == []


def test_an_erased_customer_leaves_no_raw_id_email_or_name_in_any_table_of_the_working_warehouse(materialised_graph):
    landing = materialised_graph / "landing"
    erased_ids = set(pq.read_table(landing / "erasure_requests").column("customer_id").to_pylist()) - {None}
    customers = pq.read_table(landing / "customers").to_pylist()
    # a name identifies only where nobody else has it (the generator reuses 120 names)
    others_names = {c["full_name"] for c in customers if c["customer_id"] not in erased_ids}
    personal = sorted(erased_ids | {c["email"] for c in customers if c["customer_id"] in erased_ids}
                      | ({c["full_name"] for c in customers if c["customer_id"] in erased_ids} - others_names) - {None})
    assert len(erased_ids) > 3
    found = []
    with duckdb.connect(str(materialised_graph / "warehouse" / "engagement.duckdb"), read_only=True) as con:
        for schema, table, column in _text_columns(con, tables_only=True):
            hits = con.execute(f'select count(*) from {schema}.{table} where "{column}" in (select unnest(?))', [personal]).fetchone()[0]
            if hits:
                found.append((schema, table, column, hits))
        counted = con.execute("select sum(row_count) from marts.load_reconciliation where row_disposition = 'erased'").fetchone()[0]
    assert found == []
    assert counted > 0  # their rows are still counted, by salted key


@pytest.fixture(scope="module")
def contact_data_sql(tmp_path_factory) -> str:
    """The macro as dbt compiles it, so the test measures exactly what the models run."""
    tmp = tmp_path_factory.mktemp("compile")
    env = warehouse_env(tmp, tmp / "landing")
    result = subprocess.run(dbt_command("compile", "--quiet", "--inline",
                                        "select label, {{ contains_contact_data('comment') }} as hit, "
                                        "{{ without_personal_url_parameters('url') }} as scrubbed from input",
                                        target_path=tmp / "target"),
                            env={**env, "EW_WAREHOUSE_PATH": ":memory:"}, capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout.strip()


def test_contact_data_in_comments_is_found_with_high_precision_and_recall(contact_data_sql):
    with open(PROJECT_ROOT / "tests" / "fixtures" / "contact_data_comments.csv", newline="") as handle:
        labelled = [(row["comment"], row["has_contact_data"] == "1") for row in csv.DictReader(handle)]
    assert len(labelled) >= 200
    with duckdb.connect() as con:
        con.execute("create table input (comment varchar, url varchar, label boolean)")
        con.executemany("insert into input values (?, null, ?)", [(c, label) for c, label in labelled])
        tp, fp, fn = con.execute(f"select count(*) filter (hit and label), count(*) filter (hit and not label), "
                                 f"count(*) filter (not hit and label) from ({contact_data_sql})").fetchone()
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"contact data in comments: precision {precision:.3f}, recall {recall:.3f} ({tp} tp, {fp} fp, {fn} fn)", file=sys.stderr)
    assert precision >= 0.95 and recall >= 0.95


@pytest.mark.parametrize("url, expected", [
    ("/signup?email=victim@example.com&name=Jane", "/signup?email=redacted&name=redacted"),
    ("https://ref.example/a?ref=jane%40example.com&x=1", "https://ref.example/a?ref=redacted&x=1"),
    ("/p?Phone=+1555123&FirstName=Jo#top", "/p?Phone=redacted&FirstName=redacted#top"),
    ("/reset?token=abc123", "/reset?token=redacted"),
    ("/pricing?utm_source=google&plan=pro", "/pricing?utm_source=google&plan=pro"),
    ("/search?q=shoes&page=2", "/search?q=redacted&page=2"),  # what people type includes names
    ("/admin?ip=203.0.113.77&tab=users", "/admin?ip=redacted&tab=users"),
])
def test_personal_url_parameters_are_redacted_and_the_rest_kept(contact_data_sql, url, expected):
    with duckdb.connect() as con:
        con.execute("create table input as select null::varchar as comment, ? as url, null::boolean as label", [url])
        assert con.execute(f"select scrubbed from ({contact_data_sql})").fetchone()[0] == expected


def test_a_bi_tool_opens_the_published_copy_through_sqlalchemy_and_reads_a_mart_and_its_comment(materialised_graph):
    """As Superset does (duckdb-engine), with the connection the README gives."""
    from sqlalchemy import create_engine, text

    published = materialised_graph / "published" / "engagement.duckdb"
    engine = create_engine(f"duckdb:///{published}", connect_args={"read_only": True})
    try:
        with engine.connect() as connection:
            customers = connection.execute(text("select count(*) from marts.dim_customers")).scalar_one()
            comment = connection.execute(text("select comment from duckdb_columns() where schema_name = 'marts' "
                                              "and table_name = 'dim_customers' and column_name = 'lifecycle_stage'")).scalar_one()
    finally:
        engine.dispose()
    assert customers > 0
    assert comment and "dormant" in comment


def test_erasing_at_source_rewrites_only_the_files_that_hold_erased_customers_and_is_idempotent(tmp_path):
    from conftest import generate_small

    from engagement_warehouse.landing.erase import erase_at_source, erased_customer_ids

    landing = tmp_path / "landing"
    generate_small(landing, customers=120, days=4, erasure_rate=0.05)
    (landing / "orders" / "manual.csv").write_text("order_id,customer_id,ordered_at,amount,currency,status\n")
    erased = erased_customer_ids(landing)
    assert erased

    def rows_by_file():
        return {(p.parent.name, p.name): pq.read_table(p) for p in landing.glob("*/*.parquet") if p.parent.name != "_generator"}

    before = rows_by_file()
    changes, unchecked = erase_at_source(landing)
    assert unchecked == []
    after = rows_by_file()
    assert changes and all(rows > 0 for _, _, rows in changes)
    for (table, name), rows in after.items():
        if "customer_id" in rows.column_names and table != "erasure_requests":
            assert not set(rows.column("customer_id").to_pylist()) & erased, (table, name)
        if "referred_by_customer_id" in rows.column_names:
            assert not set(rows.column("referred_by_customer_id").to_pylist()) & erased
    removed = {(t, n): before[(t, n)].num_rows - after[(t, n)].num_rows for (t, n) in before}
    for table, name, rows in changes:
        assert table == "customers" or removed[(table, name)] == rows
    untouched = {(t, n) for (t, n) in before} - {(t, n) for t, n, _ in changes}
    assert all(before[key].equals(after[key]) for key in untouched)
    assert erase_at_source(landing) == ([], [])


def test_erasing_at_source_names_the_files_it_could_not_read_and_fails(tmp_path, monkeypatch, capsys):
    from conftest import generate_small

    from engagement_warehouse.landing import erase

    landing = tmp_path / "landing"
    generate_small(landing, customers=120, days=2, erasure_rate=0.05)
    erased = sorted(erase.erased_customer_ids(landing))[0]
    (landing / "orders" / "export.xlsx").write_text(f"{erased} still here")  # set aside: unsupported format
    (landing / "orders" / "no amount.csv").write_text(f"order_id,customer_id,ordered_at\no1,{erased},2026-06-01T10:00:00Z\n")
    (landing / "orders" / "_SUCCESS").write_text("")  # an empty marker holds no rows
    monkeypatch.setenv("EW_LANDING_DIR", str(landing))
    assert erase.main([]) == 1
    message = capsys.readouterr().err
    assert "orders/export.xlsx (unsupported_format)" in message and "orders/no amount.csv (missing_required_column)" in message
    assert "_SUCCESS" not in message and "make preflight" in message
    (landing / "orders" / "export.xlsx").unlink()
    (landing / "orders" / "no amount.csv").unlink()
    assert erase.main([]) == 0


def _staged_customer_ids(env) -> set[str]:
    with duckdb.connect(env["EW_WAREHOUSE_PATH"], read_only=True) as con:
        return {row[0] for row in con.execute("select customer_id from staging.stg_app__customers").fetchall()}


def test_an_erasure_outlives_its_request_file_and_a_full_refresh(tmp_path):
    """Erasure is permanent: once a request was read, removing its file from the landing folder (a retention
    clean-up) or rebuilding with --full-refresh never stages the customer again while their rows are still landed."""
    from conftest import generate_small, run_dbt

    landing = tmp_path / "landing"
    generate_small(landing, customers=120, days=3, erasure_rate=0.05)
    erased = set(pq.read_table(landing / "erasure_requests").column("customer_id").to_pylist()) - {None}
    landed = set(pq.read_table(landing / "customers").column("customer_id").to_pylist())
    assert len(erased & landed) >= 3
    env = warehouse_env(tmp_path, landing)
    customers = ("run", "--select", "+stg_app__customers")
    result = run_dbt(env, *customers)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    staged = _staged_customer_ids(env)
    assert not staged & erased and staged  # the requests as landed are applied
    (landing / "erasure_requests").rename(tmp_path / "requests moved away")
    for extra in ((), ("--full-refresh",)):
        result = run_dbt(env, *customers, *extra)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert not _staged_customer_ids(env) & erased, extra
        assert _staged_customer_ids(env) == staged, extra


def test_an_erasure_request_file_that_cannot_be_read_stops_the_build_before_any_model(tmp_path, monkeypatch, capsys):
    from conftest import generate_small, run_preflight

    from engagement_warehouse.commands import build
    from engagement_warehouse.landing import erase

    landing = tmp_path / "landing"
    generate_small(landing, customers=120, days=2, erasure_rate=0.05)
    (landing / "erasure_requests" / "_SUCCESS").write_text("")  # an empty marker holds no request: not a reason to stop
    (landing / "erasure_requests" / "from the CRM.csv").write_text("Customer,requested_at\nc-1,2026-06-02T10:00:00Z\n")
    env = warehouse_env(tmp_path, landing)
    result = run_preflight(env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "erasure_requests/from the CRM.csv: column 'customer_id': required column(s) customer_id missing" in result.stderr
    assert "rename 'Customer' to 'customer_id'" in result.stderr and "_SUCCESS" not in result.stderr
    for name, value in env.items():
        if name.startswith(("EW_", "DAGSTER_HOME")):
            monkeypatch.setenv(name, value)
    assert build.main([]) == 2
    assert "the build stops: without their requests, customers who asked to be erased would be built" in capsys.readouterr().err
    assert not Path(env["EW_PUBLISHED_PATH"]).exists()
    assert erase.main([]) == 1  # erasing at source cannot know every erased customer either
    assert "erasure_requests/from the CRM.csv (missing_required_column)" in capsys.readouterr().err
    (landing / "erasure_requests" / "from the CRM.csv").unlink()
    assert run_preflight(env).returncode == 0


def _staged_customer_keys(env) -> dict[str, str]:
    with duckdb.connect(env["EW_WAREHOUSE_PATH"], read_only=True) as con:
        return dict(con.execute("select customer_id, customer_key from staging.stg_app__customers").fetchall())


def test_a_warehouse_keeps_the_pseudonym_salt_it_was_built_with(tmp_path):
    """EW_PSEUDONYM_SALT salts customer_key (md5('<salt>:' || id), as the messaging tool computes it). A build with
    another salt than the warehouse's customers were keyed with stops before any model, with the fix: it would give
    every customer a second key, and the erasure list's old keys would no longer suppress anyone."""
    from conftest import generate_small, run_dbt

    landing = tmp_path / "landing"
    generate_small(landing, customers=60, days=2)
    env = warehouse_env(tmp_path, landing) | {"EW_PSEUDONYM_SALT": "first secret"}
    customers = ("run", "--select", "+stg_app__customers")
    result = run_dbt(env, *customers)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    keys = _staged_customer_keys(env)
    assert len(keys) > 40
    assert all(key == hashlib.md5(f"first secret:{customer_id}".encode()).hexdigest() for customer_id, key in keys.items())
    default_salt = {name: value for name, value in env.items() if name != "EW_PSEUDONYM_SALT"}
    for changed in (env | {"EW_PSEUDONYM_SALT": "second secret"}, default_salt):
        result = run_dbt(changed, *customers)
        assert result.returncode == 2, result.stdout[-3000:]
        assert "The pseudonym salt (EW_PSEUDONYM_SALT) is not the one this warehouse was built with" in result.stdout
        assert "set EW_PSEUDONYM_SALT back to the salt of this warehouse" in result.stdout
        assert _staged_customer_keys(env) == keys  # nothing was rebuilt
    result = run_dbt(env | {"EW_PSEUDONYM_SALT": "it's"}, *customers)
    assert result.returncode != 0 and "without quotes or backslashes" in result.stdout
    assert run_dbt(env, *customers).returncode == 0
    assert _staged_customer_keys(env) == keys
