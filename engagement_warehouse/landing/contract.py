"""The landing contract: for each raw table, its columns with their type and whether a file must carry them.

Stated once, in the dbt sources (`models/staging/<source>/_<source>__sources.yml`): a column with a
`data_type` and `meta.contract: required | optional` is part of the contract. The preflight checks files
against it, and the README's "Your own data" tables are rendered from it (`python -m
engagement_warehouse.landing --contract-markdown`; a test keeps the README in step).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from engagement_warehouse.settings import PROJECT_ROOT

LANDING_SCHEMA = "landing"
# A `json` column holds JSON text; nested parquet values (struct, map, list) are serialised to it.
JSON_TYPE = "json"


@dataclass(frozen=True)
class ContractColumn:
    name: str
    data_type: str
    required: bool
    description: str

    @property
    def view_type(self) -> str:
        """The DuckDB type the landing view gives the column when every file stores it that way."""
        return "VARCHAR" if self.data_type == JSON_TYPE else self.data_type.upper()


@dataclass(frozen=True)
class TableContract:
    name: str
    source: str
    description: str
    columns: tuple[ContractColumn, ...]

    def column(self, name: str) -> ContractColumn | None:
        return next((c for c in self.columns if c.name == name), None)


@cache
def landing_contract(project_root: Path = PROJECT_ROOT) -> dict[str, TableContract]:
    """Every landing table's contract, in the order the sources YAML lists them."""
    docs = _docs_blocks(project_root / "models")
    tables: dict[str, TableContract] = {}
    for path in sorted((project_root / "models" / "staging").glob("*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text())["sources"]:
            if source.get("schema") != LANDING_SCHEMA:
                continue
            for table in source["tables"]:
                columns = tuple(
                    ContractColumn(column["name"], column["data_type"],
                                   column["config"]["meta"]["contract"] == "required",
                                   _render_description(column.get("description", ""), docs))
                    for column in table["columns"] if "data_type" in column)
                if columns:  # the preflight's own ledgers (source `landing`) have no contract
                    tables[table["name"]] = TableContract(table["name"], source["name"], table.get("description", ""), columns)
    return tables


def _docs_blocks(models_dir: Path) -> dict[str, str]:
    blocks: dict[str, str] = {}
    for path in models_dir.rglob("*.md"):
        for name, text in re.findall(r"{%\s*docs\s+(\w+)\s*%}(.*?){%\s*enddocs\s*%}", path.read_text(), re.S):
            blocks[name] = " ".join(text.split())
    return blocks


def _render_description(description: str, docs: dict[str, str]) -> str:
    return re.sub(r"{{\s*doc\('(\w+)'\)\s*}}", lambda m: docs.get(m.group(1), m.group(0)), description).strip()


def contract_markdown(contract: dict[str, TableContract] | None = None) -> str:
    """The README's per-table column tables."""
    contract = landing_contract() if contract is None else contract
    parts = []
    for table in contract.values():
        parts += [f"**`{table.name}/`** — {table.description}", "",
                  "| column | type | required | meaning |", "|---|---|---|---|"]
        parts += [f"| `{c.name}` | {c.data_type} | {'yes' if c.required else 'no'} | {c.description.replace('|', '/')} |"
                  for c in table.columns]
        parts.append("")
    return "\n".join(parts)
