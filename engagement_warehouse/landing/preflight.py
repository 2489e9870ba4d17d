"""Landing preflight: check every file in the landing folder against the contract, then expose what passed.

Runs before dbt (first step of every build). Each file under `<landing>/<table>/` (any name, any depth;
parquet or CSV) is either read or set aside with a reason, and nothing is left unmentioned:

- read: its rows reach the view `landing.<table>` that the dbt sources read, with every contract column
  present (an optional column a file lacks is null) and `load_id` / `load_row_number` identifying each row;
- set aside: unreadable or empty files, files without a required column, unsupported formats and types.
  The file stays where it is (the preflight never writes into the landing folder); it is listed in
  `landing.load_files` with its reason and row count, which `marts.load_reconciliation` adds to the table's
  raw rows, so one bad file from one source stops nothing else.

Every problem (also extra columns, unknown folders, stray files) is a finding with file, column, problem and
fix, printed as the preflight report and kept in `landing.preflight_findings`.

Tables staged incrementally by load file (`INCREMENTAL_STAGING`) are compared with what their staging table
holds: each read file is `new` or `staged` (same fingerprint: size and modification time), and a staged file
that was rewritten or removed since is reported, because staging then has to re-read the landing folder in
full (`dbt build --full-refresh`; `make build` and Dagster do it by themselves).

A column's view type is its contract type when every file stores it that way (no cast on the hot path),
else text; staging casts with non-failing casts and quarantines cells that do not convert.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from engagement_warehouse.landing.contract import JSON_TYPE, LANDING_SCHEMA, TableContract, landing_contract

GENERATOR_FOLDER = "_generator"
FORMATS = {".parquet": "parquet", ".csv": "csv", ".gz": "csv"}  # .gz: gzip-compressed CSV (name.csv.gz)
NESTED_TYPE_MARKERS = ("STRUCT", "MAP", "[]", "UNION")
# Landing tables whose staging reads only new load files: the staging table, whose rows carry load_id and
# load_fingerprint (what was staged, file by file).
INCREMENTAL_STAGING = {"events": "base_app__events", "messages": "base_marketing__messages"}  # tables of schema staging
# A staged file whose fingerprint changed, or that left the landing folder: its staged rows no longer match it.
RESTAGING_CHANGES = ("rewritten", "removed")
# The landing table whose every file must be read before anything is built (require_readable_files).
ERASURE_REQUESTS = "erasure_requests"


@dataclass(frozen=True)
class Finding:
    """One thing the preflight has to say about the landing folder."""

    severity: str  # 'set_aside' (the file is not read), 'warning' (read, but something is ignored) or 'note'
    table_name: str
    load_id: str | None
    column_name: str | None
    problem: str
    fix: str

    def __str__(self) -> str:
        where = "/".join(part for part in (self.table_name, self.load_id) if part)
        column = f" column '{self.column_name}':" if self.column_name else ""
        return f"[{self.severity}] {where}:{column} {self.problem} Fix: {self.fix}"


@dataclass
class LoadFile:
    table_name: str
    load_id: str
    path: Path
    file_format: str | None
    size_bytes: int
    modified_ns: int | None = None
    row_count: int | None = None
    # contract column -> (name in the file, DuckDB type in the file), for the columns the file has
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)
    # every column of the file as (name, DuckDB type), kept in the ledger for the next preflight
    file_columns: list[tuple[str, str]] = field(default_factory=list)
    reason_code: str | None = None
    csv_rows: pa.Table | None = None
    # For tables staged by load file: new, staged, rewritten or removed (since staged); else None.
    staging_change: str | None = None

    @property
    def is_read(self) -> bool:
        return self.reason_code is None and self.staging_change != "removed"

    @property
    def fingerprint(self) -> str | None:
        """Size and modification time: a file written again (even with the same bytes) counts as rewritten."""
        return None if self.modified_ns is None else f"{self.size_bytes}-{self.modified_ns}"


@dataclass
class PreflightReport:
    files: list[LoadFile]
    findings: list[Finding]

    def read_files(self, table: str) -> list[LoadFile]:
        return [f for f in self.files if f.table_name == table and f.is_read]

    @property
    def unread_files(self) -> list[LoadFile]:
        """Files set aside that may hold rows (an empty marker such as `_SUCCESS` holds none): nothing knows what
        is in them."""
        return [f for f in self.files if not f.is_read and f.size_bytes and f.staging_change != "removed"]

    @property
    def restaged_files(self) -> list[LoadFile]:
        """Staged load files rewritten or removed since: staging must re-read the landing folder in full."""
        return [f for f in self.files if f.staging_change in RESTAGING_CHANGES]

    def text(self) -> str:
        lines = []
        tables = sorted({f.table_name for f in self.files})
        for table in tables:
            files = [f for f in self.files if f.table_name == table]
            read = [f for f in files if f.is_read]
            set_aside = [f for f in files if f.reason_code]
            new = [f for f in read if f.staging_change == "new"]
            lines.append(f"{table}: {len(read)} file(s) read ({sum(f.row_count or 0 for f in read):,} rows), "
                         f"{len(set_aside)} set aside" + (f", {len(new)} not staged yet" if table in INCREMENTAL_STAGING else ""))
        absent = [t for t in landing_contract() if t not in tables]
        if absent:
            lines.append(f"no files for: {', '.join(absent)} (their models are empty)")
        # The same finding in many load files (e.g. an optional column a daily export never has) is said once.
        grouped: dict[tuple, list[Finding]] = {}
        for finding in self.findings:
            grouped.setdefault((finding.severity, finding.table_name, finding.column_name, finding.problem, finding.fix),
                               []).append(finding)
        for same in grouped.values():
            more = f" (and {len(same) - 1} more file(s) of {same[0].table_name})" if len(same) > 1 else ""
            lines.append(str(same[0]) + more)
        if self.restaged_files:
            lines.append(f"{len(self.restaged_files)} staged load file(s) were rewritten or removed since they were staged "
                         f"({', '.join(f'{f.table_name}/{f.load_id}' for f in self.restaged_files[:5])}"
                         f"{', ...' if len(self.restaged_files) > 5 else ''}): the build re-reads the landing folder in full "
                         "(dbt build --full-refresh).")
        return "\n".join(lines)


class LandingError(RuntimeError):
    """The landing folder cannot be built: the preflight stops the build before any model runs."""


class EmptyLandingError(LandingError):
    """The landing folder holds no load file at all."""


class UnreadErasureRequestsError(LandingError):
    """An erasure-request file was set aside: the requests in it are unknown."""


def run_preflight(landing_dir: Path, con: duckdb.DuckDBPyConnection, staging_schema: str = "staging") -> PreflightReport:
    """Check the landing folder and (re)create the landing views and ledgers in the connected warehouse
    (`staging_schema`: where its staging tables are, see check_landing)."""
    report = require_readable_files(check_landing(landing_dir, con, staging_schema), landing_dir)
    write_landing(con, report)
    return report


def require_readable_files(report: PreflightReport, landing_dir: Path) -> PreflightReport:
    """The report of a landing folder that can be built: some file is read, and every erasure-request file. A
    request file set aside stops the build (UnreadErasureRequestsError): built without it, a customer who asked to
    be erased would be staged and published; the published copy stays as the last build left it."""
    if not any(f.is_read for f in report.files):
        raise EmptyLandingError(
            f"no readable load file under {landing_dir}. Land files as <table>/<load>.parquet (or .csv) for the tables "
            f"{', '.join(landing_contract())}; generate demo data with `make data`, or set EW_LANDING_DIR to your "
            "landing folder." + (f"\n{report.text()}" if report.findings else ""))
    unread_requests = [f for f in report.unread_files if f.table_name == ERASURE_REQUESTS]
    if unread_requests:
        findings = {(f.load_id, str(f)) for f in report.findings if f.table_name == ERASURE_REQUESTS and f.severity == "set_aside"}
        listed = "".join(f"\n  {text}" for load_id, text in sorted(findings)
                         if load_id in {f.load_id for f in unread_requests})
        raise UnreadErasureRequestsError(
            f"{len(unread_requests)} erasure-request file(s) under {landing_dir / ERASURE_REQUESTS} were set aside, so "
            f"the build stops: without their requests, customers who asked to be erased would be built and published "
            f"(the published copy stays as the last build left it).{listed}\nFix: make each file readable as its line "
            "says, or move it out of the landing folder if it holds no request; then build again.")
    return report


def check_landing(landing_dir: Path, con: duckdb.DuckDBPyConnection, staging_schema: str = "staging") -> PreflightReport:
    """Every file of the landing folder checked against the contract; the files of incrementally staged tables
    compared with what their staging tables in `con`'s `staging_schema` hold (on Spark, views over Spark's)."""
    contract = landing_contract()
    inspected = _previous_inspections(con)
    files: list[LoadFile] = []
    findings: list[Finding] = []
    if not landing_dir.is_dir():
        return PreflightReport(files, findings)
    for entry in sorted(landing_dir.iterdir()):
        if entry.name == GENERATOR_FOLDER or entry.name.startswith("."):
            continue
        if entry.is_dir() and entry.name in contract:
            for path in sorted(p for p in entry.rglob("*") if p.is_file()):
                load_file, file_findings = inspect_file(contract[entry.name], path, entry, con, inspected)
                files.append(load_file)
                findings += file_findings
        elif entry.is_dir():
            close = difflib.get_close_matches(entry.name, list(contract), n=1)
            findings.append(Finding("warning", entry.name, None, None,
                                    "folder is not a landing table; its files are not read.",
                                    f"rename it to '{close[0]}'." if close else
                                    f"move its files into one of the table folders: {', '.join(contract)}."))
        elif entry.name != "truth.json":  # the generator's planted truth sits beside its files
            findings.append(Finding("warning", "", entry.name, None, "file is not inside a table folder; it is not read.",
                                    f"move it into <table>/ (one of {', '.join(contract)})."))
    for table, staging_table in INCREMENTAL_STAGING.items():
        files += compare_with_staged(table, [f for f in files if f.table_name == table], _staged_files(con, staging_schema, staging_table))
    return PreflightReport(files, findings)


def staging_needs_full_refresh(con: duckdb.DuckDBPyConnection) -> bool:
    """What the last preflight wrote into the warehouse: a staged load file was rewritten or removed, so this
    build re-reads the landing folder in full (every dbt step of the run passes --full-refresh)."""
    ledger_exists = con.execute("select count(*) from information_schema.tables where table_schema = ? and "
                                "table_name = 'load_files'", [LANDING_SCHEMA]).fetchone()[0]
    return bool(ledger_exists) and con.execute(
        f"select count(*) from {LANDING_SCHEMA}.load_files where staging_change in {RESTAGING_CHANGES}").fetchone()[0] > 0


def compare_with_staged(table: str, files: list[LoadFile], staged: dict[str, str]) -> list[LoadFile]:
    """Marks each file of an incrementally staged table new, staged or rewritten (also a staged file that is now set
    aside); returns the staged files that left the landing folder, as `removed`."""
    for f in files:
        if f.load_id in staged and (not f.is_read or staged[f.load_id] != f.fingerprint):
            f.staging_change = "rewritten"
        elif f.is_read:
            f.staging_change = "staged" if f.load_id in staged else "new"
    present = {f.load_id for f in files}
    return [LoadFile(table, load_id, Path(load_id), None, 0, staging_change="removed")
            for load_id in sorted(set(staged) - present)]


def _staged_files(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> dict[str, str]:
    """load_id -> fingerprint of the files the staging table holds rows of (none before its first build)."""
    exists = con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                         [schema, name]).fetchone()[0]
    if not exists:
        return {}
    return dict(con.execute(f"select distinct load_id, load_fingerprint from {schema}.{name}").fetchall())


# (table, load_id) -> (fingerprint, row count, the file's columns) of the parquet files the last preflight read
Inspections = dict[tuple[str, str], tuple[str, int, list[tuple[str, str]]]]


def _previous_inspections(con: duckdb.DuckDBPyConnection) -> Inspections:
    """What the last preflight in this warehouse read of each parquet file: a file with the same fingerprint is
    not opened again (describing and counting every file of a year of daily loads costs ~10 s)."""
    columns = {row[0] for row in con.execute("select column_name from information_schema.columns where table_schema = ? "
                                             "and table_name = 'load_files'", [LANDING_SCHEMA]).fetchall()}
    if "file_columns" not in columns:
        return {}
    rows = con.execute(f"select table_name, load_id, fingerprint, row_count, file_columns from {LANDING_SCHEMA}.load_files "
                       "where file_format = 'parquet' and file_status = 'read' and file_columns is not null").fetchall()
    return {(table, load_id): (fingerprint, row_count, [tuple(c) for c in json.loads(file_columns)])
            for table, load_id, fingerprint, row_count, file_columns in rows}


def inspect_file(table: TableContract, path: Path, table_dir: Path, con: duckdb.DuckDBPyConnection,
                 inspected: Inspections | None = None) -> tuple[LoadFile, list[Finding]]:
    load_id = path.relative_to(table_dir).as_posix()
    stat = path.stat()
    load_file = LoadFile(table.name, load_id, path, _file_format(path), stat.st_size, stat.st_mtime_ns)
    findings: list[Finding] = []

    def set_aside(reason: str, problem: str, fix: str, column: str | None = None) -> tuple[LoadFile, list[Finding]]:
        load_file.reason_code = reason
        findings.append(Finding("set_aside", table.name, load_id, column, problem, fix))
        return load_file, findings

    if path.name.startswith((".", "_")):
        return set_aside("not_a_load_file", "hidden or marker file (name starts with '.' or '_').",
                         "remove it if it is not data; rename it if it is.")
    if load_file.file_format is None:
        return set_aside("unsupported_format", f"'{path.suffix or path.name}' is not a load file format.",
                         "convert it to parquet or CSV (a header row; comma, semicolon, tab or pipe separated) "
                         "with a .parquet or .csv name.")
    previous = (inspected or {}).get((table.name, load_id))
    try:
        if load_file.file_format == "parquet" and previous and previous[0] == load_file.fingerprint:
            load_file.row_count, file_columns = previous[1], previous[2]
        else:
            file_columns = _read_columns(load_file, con)
    except Exception as error:  # any reader error: the file is set aside, the build goes on
        message = " ".join(str(error).split())[:300]
        if isinstance(error, UnicodeError) or "invalid utf8" in message.lower():
            return set_aside("unreadable_file", f"is not UTF-8 text ({message}).",
                             "re-export it as UTF-8 (a spreadsheet's 'CSV UTF-8'); this one is in another encoding, "
                             "e.g. Latin-1 or UTF-16.")
        return set_aside("unreadable_file", f"cannot be read as {load_file.file_format} ({message}).",
                         "re-export the file; a zero-byte or truncated file usually means the export was interrupted.")

    load_file.file_columns = file_columns
    # A column spelled as the contract spells it wins over another that only matches loosely ('customer_id', 'Customer ID').
    by_key = {column_key(name): (name, data_type)
              for name, data_type in sorted(file_columns, key=lambda column: column[0] == column_key(column[0]))}
    contract_names = {c.name for c in table.columns}
    extra = [name for name, _ in file_columns if column_key(name) not in contract_names]
    missing_required = []
    for column in table.columns:
        if column.name in by_key:
            load_file.columns[column.name] = by_key[column.name]
        elif column.required:
            missing_required.append(column.name)
        else:
            findings.append(Finding("note", table.name, load_id, column.name,
                                    "optional column is absent; read as null.",
                                    f"add it ({column.data_type}) if you have it: {column.description}"))
    # A rename is suggested only to a contract column the file lacks (the required ones first).
    absent = missing_required or sorted(c.name for c in table.columns if c.name not in by_key)
    for name in extra:
        close = difflib.get_close_matches(column_key(name), absent, n=1)
        findings.append(Finding("warning", table.name, load_id, name, "column is not in the contract and is ignored.",
                                f"rename it to '{close[0]}' if that is what it holds; else drop it." if close
                                else "drop it, or keep it: it is not read."))
    if missing_required:
        by_extra_lower = {column_key(e): e for e in extra}
        renames = {m: [by_extra_lower[r] for r in difflib.get_close_matches(m, list(by_extra_lower), n=1)]
                   for m in missing_required}
        fix = "; ".join(f"rename '{r[0]}' to '{m}'" if r else f"add column '{m}' ({table.column(m).data_type})"
                        for m, r in renames.items())
        return set_aside("missing_required_column",
                         f"required column(s) {', '.join(missing_required)} missing; the file's rows are not read.",
                         fix + ".", column=", ".join(missing_required))
    for name, (file_name, data_type) in load_file.columns.items():
        column = table.column(name)
        if column.data_type != JSON_TYPE and (data_type == "BLOB" or any(m in data_type for m in NESTED_TYPE_MARKERS)):
            return set_aside("unsupported_type", f"type {data_type} cannot hold a {column.data_type}.",
                             f"store '{file_name}' as {column.data_type} or text.", column=file_name)
    return load_file, findings


def _file_format(path: Path) -> str | None:
    if path.suffix.lower() == ".gz" and not path.name.lower().endswith(".csv.gz"):
        return None
    return FORMATS.get(path.suffix.lower())


def column_key(name: str) -> str:
    """A file's column name as it is matched with the contract's: case, spaces around it and spaces or hyphens
    between its words do not count (`Customer ID`, ` updated_at `, `customer-id` are customer_id, updated_at...)."""
    return re.sub(r"[\s-]+", "_", name.strip()).lower()


# What a CSV export separates its cells with: the one of these that splits the header into the most columns (comma
# on a tie: a header of one column).
CSV_DELIMITERS = (",", ";", "\t", "|")


def _csv_header(path: Path) -> tuple[list[str], str]:
    """A CSV file's header row and its delimiter; UTF-8 with or without a byte-order mark (which is not a column name's)."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rt", newline="", encoding="utf-8-sig") as handle:
        first_line = handle.readline()
    headers = {delimiter: next(csv.reader([first_line], delimiter=delimiter), []) for delimiter in CSV_DELIMITERS}
    delimiter = max(CSV_DELIMITERS, key=lambda d: len(headers[d]))
    if not headers[delimiter]:
        raise ValueError("no header row")
    return headers[delimiter], delimiter


def _read_columns(load_file: LoadFile, con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(name, DuckDB type) of the file's columns; sets its row count (and, for CSV, keeps its rows as text)."""
    if load_file.file_format == "parquet":
        described = con.execute("describe select * from read_parquet(?)", [str(load_file.path)]).fetchall()
        load_file.row_count = con.execute("select count(*) from read_parquet(?)", [str(load_file.path)]).fetchone()[0]
        return [(row[0], row[1]) for row in described]
    header, delimiter = _csv_header(load_file.path)
    # An empty cell is null, quoted or not: spreadsheets and many exports quote every cell, "" included.
    rows = pacsv.read_csv(load_file.path, parse_options=pacsv.ParseOptions(delimiter=delimiter),
                          convert_options=pacsv.ConvertOptions(column_types={name: pa.string() for name in header},
                                                               strings_can_be_null=True, quoted_strings_can_be_null=True))
    load_file.row_count = rows.num_rows
    load_file.csv_rows = rows
    return [(name, "VARCHAR") for name in header]


# ---------------------------------------------------------------- the landing views and ledgers


def write_landing(con: duckdb.DuckDBPyConnection, report: PreflightReport) -> None:
    con.execute(f"create schema if not exists {LANDING_SCHEMA}")
    for table in landing_contract().values():
        files = report.read_files(table.name)
        csv_files = [f for f in files if f.file_format == "csv"]
        csv_relation = _write_csv_rows(con, table, csv_files)
        con.execute(f"create or replace view {LANDING_SCHEMA}.{table.name} as {landing_view_sql(table, files, csv_relation)}")
    report.findings += mistyped_erasure_requests(con)
    _write_ledgers(con, report)


def mistyped_erasure_requests(con: duckdb.DuckDBPyConnection) -> list[Finding]:
    """A warning per request file with requests whose customer id matches no landed customer but one that differs
    in case or surrounding spaces only (`CUS_H1` for `cus_h1`): ids are case-sensitive, so such a request erases
    nobody and that customer is built. Named by row number, not by id: the ledger and the log keep no id of a
    customer who asked to be erased. A request for a customer not landed at all (yet, or erased at source) is not one."""
    customer_id = "trim(cast(customer_id as varchar))"
    rows = con.execute(f"""
        select requests.load_id, list(distinct requests.load_row_number order by requests.load_row_number)
        from {LANDING_SCHEMA}.{ERASURE_REQUESTS} as requests
        inner join (select distinct {customer_id} as customer_id from {LANDING_SCHEMA}.customers) as landed
            on lower(trim(cast(requests.customer_id as varchar))) = lower(landed.customer_id)
        where trim(cast(requests.customer_id as varchar)) not in (
            select {customer_id} from {LANDING_SCHEMA}.customers where customer_id is not null)
        group by requests.load_id
        order by requests.load_id""").fetchall()
    return [Finding("warning", ERASURE_REQUESTS, load_id, "customer_id",
                    f"load_row_number {', '.join(map(str, row_numbers[:10]))}{' ...' if len(row_numbers) > 10 else ''}: the "
                    "customer id matches no landed customer but one that differs only in case or spaces, so the request "
                    "erases nobody.",
                    "customer ids are case-sensitive: write the id exactly as the customers files have it.")
            for load_id, row_numbers in rows]


def landing_view_sql(table: TableContract, files: list[LoadFile], csv_relation: str | None) -> str:
    """A union of one scan per group of parquet files with the same columns, plus the CSV rows."""
    parquet_groups: dict[tuple, list[LoadFile]] = {}
    for f in files:
        if f.file_format == "parquet":
            parquet_groups.setdefault(tuple(sorted(f.columns.items())), []).append(f)
    stored_types: dict[str, set[str]] = {c.name: set() for c in table.columns}
    for f in files:
        for name, (_, data_type) in f.columns.items():
            stored_types[name].add(data_type)
    view_types = {c.name: c.view_type if stored_types[c.name] <= {c.view_type} else "VARCHAR" for c in table.columns}

    def projection(columns: dict[str, tuple[str, str]]) -> str:
        parts = []
        for c in table.columns:
            if c.name not in columns:
                parts.append(f"cast(null as {view_types[c.name]}) as {c.name}")
                continue
            file_name, data_type = columns[c.name]
            quoted = '"' + file_name.replace('"', '""') + '"'
            if data_type == view_types[c.name]:
                parts.append(f"{quoted} as {c.name}")
            elif c.data_type == JSON_TYPE and any(m in data_type for m in NESTED_TYPE_MARKERS):
                parts.append(f"cast(to_json({quoted}) as varchar) as {c.name}")
            else:
                parts.append(f"cast({quoted} as varchar) as {c.name}")
        return ", ".join(parts)

    branches = []
    for group in parquet_groups.values():
        prefix = _sql_text(group[0].path.parents[len(Path(group[0].load_id).parts) - 1].as_posix() + "/")
        paths = ", ".join(_sql_text(f.path.as_posix()) for f in group)
        branches.append(
            f"select {projection(group[0].columns)}, substr(ew_load_path, length({prefix}) + 1) as load_id, "
            f"file_row_number as load_row_number from read_parquet([{paths}], filename = 'ew_load_path', "
            "file_row_number = true, union_by_name = true)")
    if csv_relation:
        all_text = {c.name: (c.name, "VARCHAR") for c in table.columns}
        branches.append(f"select {projection(all_text)}, load_id, load_row_number from {csv_relation}")
    if not branches:
        nulls = ", ".join(f"cast(null as {view_types[c.name]}) as {c.name}" for c in table.columns)
        branches.append(f"select {nulls}, cast(null as varchar) as load_id, cast(null as bigint) as load_row_number where false")
    return "\nunion all\n".join(branches)


def _write_csv_rows(con: duckdb.DuckDBPyConnection, table: TableContract, files: list[LoadFile]) -> str | None:
    """CSV rows as text in `landing.csv_<table>` (DuckDB's CSV reader has no row numbers; this keeps them)."""
    relation = f"{LANDING_SCHEMA}.csv_{table.name}"
    con.execute(f"drop table if exists {relation}")
    if not files:
        return None
    column_list = ", ".join(f"{c.name} varchar" for c in table.columns)
    con.execute(f"create table {relation} ({column_list}, load_id varchar, load_row_number bigint)")
    for f in files:
        rows = f.csv_rows
        arrays = [rows.column(f.columns[c.name][0]) if c.name in f.columns else pa.nulls(rows.num_rows, pa.string())
                  for c in table.columns]
        arrays += [pa.array([f.load_id] * rows.num_rows, pa.string()), pa.array(range(rows.num_rows), pa.int64())]
        batch = pa.table(arrays, names=[c.name for c in table.columns] + ["load_id", "load_row_number"])
        con.register("csv_batch", batch)
        con.execute(f"insert into {relation} select * from csv_batch")
        con.unregister("csv_batch")
    return relation


LOAD_FILES_SCHEMA = pa.schema([("table_name", pa.string()), ("load_id", pa.string()), ("file_format", pa.string()),
                               ("size_bytes", pa.int64()), ("fingerprint", pa.string()), ("row_count", pa.int64()),
                               ("file_status", pa.string()), ("reason_code", pa.string()), ("staging_change", pa.string()),
                               ("file_columns", pa.string())])
FINDINGS_SCHEMA = pa.schema([("severity", pa.string()), ("table_name", pa.string()), ("load_id", pa.string()),
                             ("column_name", pa.string()), ("problem", pa.string()), ("fix", pa.string())])


def _write_ledgers(con: duckdb.DuckDBPyConnection, report: PreflightReport) -> None:
    files = pa.Table.from_pylist([
        {"table_name": f.table_name, "load_id": f.load_id, "file_format": f.file_format, "size_bytes": f.size_bytes,
         "fingerprint": f.fingerprint, "row_count": f.row_count,
         "file_status": "read" if f.is_read else "removed" if f.staging_change == "removed" else "set_aside",
         "reason_code": f.reason_code, "staging_change": f.staging_change,
         "file_columns": json.dumps(f.file_columns) if f.file_columns else None}
        for f in report.files], schema=LOAD_FILES_SCHEMA)
    findings = pa.Table.from_pylist([
        {"severity": f.severity, "table_name": f.table_name, "load_id": f.load_id, "column_name": f.column_name,
         "problem": f.problem, "fix": f.fix} for f in report.findings], schema=FINDINGS_SCHEMA)
    for name, rows in (("load_files", files), ("preflight_findings", findings)):
        con.register("ledger_rows", rows)
        con.execute(f"create or replace table {LANDING_SCHEMA}.{name} as select * from ledger_rows")
        con.unregister("ledger_rows")
    # The per-model half of the ledger, kept across builds and created empty here: the dbt hooks of the event models
    # write it (macros/consumed_load_files.sql), and a model with no rows in it has consumed no file yet.
    con.execute(f"create table if not exists {LANDING_SCHEMA}.consumed_load_files (model_name varchar, load_id varchar)")


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
