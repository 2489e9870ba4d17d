"""Sums and averages of floating-point values in the SQL the Python assets run, as the dbt macros exact_sum and
exact_avg (macros/exact_sum.sql) write them in the models: each value rounded to 12 decimals and added exactly as a
DECIMAL(38, 12), so the result does not depend on the order DuckDB's threads add rows in."""


def exact_sum(expression: str) -> str:
    return f"cast(sum(cast({expression} as decimal(38, 12))) as double)"


def exact_avg(expression: str) -> str:
    return f"cast(avg(cast({expression} as decimal(38, 12))) as double)"
