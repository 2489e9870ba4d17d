"""Dagster code location of the Engagement Warehouse (entry point: orchestration.definitions)."""
