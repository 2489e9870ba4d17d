"""Benchmark commands (`make bench-*`): they print measured figures; no test times anything."""
