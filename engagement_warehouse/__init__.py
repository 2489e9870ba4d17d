"""Engagement Warehouse: the pure-Python half (settings, demo-data generator, statistics)."""
