"""The landing folder: its contract (from the dbt sources) and the preflight that checks files against it."""
