"""The asset graph as a reviewed snapshot: every asset key with its group, partitioning, parents and checks, and
what each job, schedule and sensor selects. A change to the graph fails here until the snapshot is written again
and the diff of `tests/python/snapshots/asset_graph.json` is reviewed with the change:

    EW_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/python/test_asset_graph.py
"""

import json
import os
from pathlib import Path

from orchestration.definitions import defs

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"


def asset_graph() -> dict:
    graph = defs.resolve_asset_graph()
    checks: dict[str, list[str]] = {}
    for check in graph.asset_check_keys:
        checks.setdefault(check.asset_key.to_user_string(), []).append(check.name)
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        partitions = node.partitions_def
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "partitions": type(partitions).__name__ if partitions else None,
            "parents": sorted(parent.to_user_string() for parent in node.parent_keys),
            "checks": sorted(checks.get(key.to_user_string(), [])),
        }
    jobs = {job.name: sorted(key.to_user_string() for key in job.selection.resolve(graph))
            for job in defs.jobs if hasattr(job, "selection")}
    return {
        "assets": assets,
        "jobs": jobs,
        "schedules": {schedule.name: {"job": schedule.job_name, "cron": schedule.cron_schedule} for schedule in defs.schedules},
        "sensors": {sensor.name: sensor.job_name for sensor in defs.sensors},
    }


def test_the_asset_graph_matches_its_reviewed_snapshot():
    current = json.dumps(asset_graph(), indent=1, sort_keys=True) + "\n"
    if os.environ.get("EW_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(current)
    recorded = json.loads(SNAPSHOT.read_text())
    now = json.loads(current)
    changed = {section: sorted(name for name in recorded[section].keys() | now[section].keys()
                               if recorded[section].get(name) != now[section].get(name))
               for section in now}
    assert recorded == now, f"the asset graph changed ({ {s: n for s, n in changed.items() if n} }); review it and " \
                            "write the snapshot again: EW_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/python/test_asset_graph.py"
