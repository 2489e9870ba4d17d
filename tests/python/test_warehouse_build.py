"""A full dbt build on small generated data: all dbt tests pass and staging recovers the clean data exactly."""

import duckdb

from engagement_warehouse.settings import RAW_TABLES


def _connect(env):
    return duckdb.connect(env["EW_WAREHOUSE_PATH"], read_only=True)


def test_staging_holds_exactly_the_clean_rows_and_quarantine_exactly_the_faults(built_warehouse):
    env, truth = built_warehouse
    with _connect(env) as con:
        rows = con.execute("""
            select table_name,
                   max(raw_row_count),
                   sum(row_count) filter (where row_disposition = 'staged'),
                   coalesce(sum(row_count) filter (where row_disposition <> 'staged'), 0)
            from marts.load_reconciliation group by table_name""").fetchall()
    found = {t: (raw, staged, refused) for t, raw, staged, refused in rows}
    assert set(found) == set(RAW_TABLES)
    for table in RAW_TABLES:
        raw, staged, refused = found[table]
        assert raw == truth["raw_rows"][table], table
        assert staged == truth["clean_rows"][table], table
        assert refused == sum(truth["injected_faults"][table].values()), table


def test_pii_is_replaced_by_a_pseudonymous_key(built_warehouse):
    env, _ = built_warehouse
    with _connect(env) as con:
        key, customer = con.execute("select customer_key, customer_id from staging.stg_app__customers limit 1").fetchone()
    assert key and customer not in key and len(key) == 32


def test_the_warehouse_file_is_written_in_duckdb_1_4_storage_format(built_warehouse):
    env, _ = built_warehouse
    with _connect(env) as con:
        (version,) = con.execute(
            "select tags['storage_version'] from duckdb_databases() where database_name = current_database()"
        ).fetchone()
    assert version == "v1.4.0+"
