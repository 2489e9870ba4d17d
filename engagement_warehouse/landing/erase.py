"""`make erase-at-source`: complete erasures in the landing files themselves.

The warehouse never writes into the landing folder: an erasure request makes every build drop the
customer's personal data, but their rows stay in the files the source delivered. This optional step
removes them there: every readable load file is rewritten without the rows of customers listed in
`erasure_requests/` (and with `referred_by_customer_id` cleared where it names one of them), each file
through a temporary file and an atomic rename. The requests themselves stay, so a re-sent load is erased
again. Prints (and returns) the files and rows changed; a file the preflight set aside cannot be read, so it is
named and the command fails until it is made readable or removed.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from engagement_warehouse.landing.preflight import ERASURE_REQUESTS, LoadFile, PreflightReport, check_landing, write_landing
from engagement_warehouse.settings import WarehouseSettings

CUSTOMER_COLUMN = "customer_id"
REFERRER_COLUMN = "referred_by_customer_id"


def erased_customer_ids(landing_dir: Path) -> set[str]:
    return _checked_landing(landing_dir)[1]


def _checked_landing(landing_dir: Path) -> tuple[PreflightReport, set[str]]:
    """The preflight's report on the landing folder and the customer ids its readable erasure requests name."""
    with duckdb.connect() as con:
        report = check_landing(landing_dir, con)
        write_landing(con, report)
        return report, {row[0] for row in con.execute("select distinct trim(customer_id) from landing.erasure_requests "
                                                       "where nullif(trim(customer_id), '') is not null").fetchall()}


def _without_erased(rows: pa.Table, columns: dict[str, str], erased: pa.Array) -> tuple[pa.Table, int]:
    """Rows minus the erased customers' rows, referrers cleared; and how many rows were removed or changed."""
    changed = 0
    if CUSTOMER_COLUMN in columns:
        ids = pc.utf8_trim_whitespace(rows.column(columns[CUSTOMER_COLUMN]).cast(pa.string()))
        keep = pc.invert(pc.fill_null(pc.is_in(ids, value_set=erased), False))
        changed += rows.num_rows - pc.sum(keep.cast(pa.int64())).as_py() if rows.num_rows else 0
        rows = rows.filter(keep)
    if REFERRER_COLUMN in columns:
        name = columns[REFERRER_COLUMN]
        referrers = rows.column(name)
        hits = pc.fill_null(pc.is_in(pc.utf8_trim_whitespace(referrers.cast(pa.string())), value_set=erased), False)
        changed += pc.sum(hits.cast(pa.int64())).as_py() or 0
        rows = rows.set_column(rows.schema.get_field_index(name), name,
                               pc.if_else(hits, pa.scalar(None, referrers.type), referrers))
    return rows, changed


def _rewrite(load_file: LoadFile, rows: pa.Table) -> None:
    temporary = load_file.path.with_name(f".{load_file.path.name}.erase.tmp")
    try:
        if load_file.file_format == "parquet":
            pq.write_table(rows, temporary)
        else:
            opener = gzip.open if load_file.path.suffix.lower() == ".gz" else open
            with opener(temporary, "wt", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(rows.column_names)
                writer.writerows(zip(*(column.to_pylist() for column in rows.columns), strict=True))
        os.replace(temporary, load_file.path)
    finally:
        temporary.unlink(missing_ok=True)


def erase_at_source(landing_dir: Path) -> tuple[list[tuple[str, str, int]], list[LoadFile]]:
    """Rewrite every load file holding an erased customer's rows. Returns (table, load_id, rows changed) per file
    rewritten, and the files the preflight set aside (unreadable, unsupported, a required column missing...): they
    were not read, so they may still hold erased customers' rows, or requests (empty files aside); with no
    erased customer, only unread request files."""
    report, erased_ids = _checked_landing(landing_dir)
    erased = pa.array(sorted(erased_ids), pa.string())
    changes = []
    unchecked = report.unread_files
    if not len(erased):
        return changes, [f for f in unchecked if f.table_name == ERASURE_REQUESTS]
    for load_file in report.files:
        names = {name: found for name, (found, _) in load_file.columns.items()}
        if not load_file.is_read or load_file.table_name == ERASURE_REQUESTS or not {CUSTOMER_COLUMN, REFERRER_COLUMN} & set(names):
            continue
        rows = load_file.csv_rows if load_file.file_format == "csv" else pq.read_table(load_file.path)
        kept, changed = _without_erased(rows, names, erased)
        if changed:
            _rewrite(load_file, kept)
            changes.append((load_file.table_name, load_file.load_id, changed))
    return changes, unchecked


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    landing = WarehouseSettings.from_env().landing_dir
    changes, unchecked = erase_at_source(landing)
    for table, load_id, rows in changes:
        print(f"{table}/{load_id}: {rows} row(s) removed or cleared")
    print(f"{len(changes)} file(s) rewritten, {sum(rows for _, _, rows in changes)} row(s) changed under {landing}")
    if unchecked:
        listed = "".join(f"\n  {f.table_name}/{f.load_id} ({f.reason_code})" for f in unchecked)
        print(f"error: {len(unchecked)} file(s) the preflight set aside were not read, so they may still hold erased "
              f"customers' rows, or requests to erase:{listed}\nFix: make each readable (`make preflight` names the problem) or remove it, "
              "then run `make erase-at-source` again.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
