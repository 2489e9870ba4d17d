"""Writes raw tables as an EL tool would: ``<out>/<table>/<YYYY-MM-DD>.parquet``, one file per daily load."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


class LoadWriter:
    """Buffers rows by load day (rows can land days after they happened) and writes each day once."""

    def __init__(self, out_dir: Path, first_day: date, days: int):
        self.out_dir, self.first_day, self.days = out_dir, first_day, days
        self.pending: dict[tuple[str, int], list[pa.Table]] = defaultdict(list)
        self.schemas: dict[str, pa.Schema] = {}
        self.rows_written: dict[str, int] = defaultdict(int)

    def add(self, table: str, rows: pa.Table, load_day: np.ndarray) -> None:
        self.schemas.setdefault(table, rows.schema)
        load_day = np.clip(load_day, 0, self.days - 1)
        order = np.argsort(load_day, kind="stable")
        sorted_days = load_day[order]
        for day in np.unique(sorted_days):
            lo, hi = np.searchsorted(sorted_days, [day, day + 1])
            self.pending[(table, int(day))].append(rows.take(pa.array(order[lo:hi])))

    def flush(self, day: int) -> None:
        """Write the load of ``day`` for every table (an empty file where nothing arrived)."""
        for table, schema in self.schemas.items():
            parts = self.pending.pop((table, day), [])
            rows = pa.concat_tables(parts) if parts else schema.empty_table()
            folder = self.out_dir / table
            folder.mkdir(parents=True, exist_ok=True)
            name = (self.first_day + timedelta(days=day)).isoformat()
            pq.write_table(rows, folder / f"{name}.parquet", compression="zstd")
            self.rows_written[table] += rows.num_rows
