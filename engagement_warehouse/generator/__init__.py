"""Deterministic, vectorised generator of realistic (and realistically dirty) landing data.

Run ``python -m engagement_warehouse.generator --help``. Behaviour is drawn from planted
distributions (see :mod:`.truth`) so that the statistics can be checked against known
parameters, and faults of every class in SPEC §2 are injected at a configurable rate and
counted, so that the warehouse's quarantine can be checked against what was injected.
"""
