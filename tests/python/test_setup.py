"""The install the Makefile does: requirements.lock pins every dependency pyproject.toml declares, within its range;
requirements-spark.lock adds the Spark extra without moving a pin of the main lock."""

import re
import tomllib

from packaging.requirements import Requirement

from engagement_warehouse.settings import PROJECT_ROOT


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lock: str) -> dict[str, str]:
    pinned = dict(line.split("==", 1) for line in (PROJECT_ROOT / lock).read_text().splitlines() if re.match(r"^[A-Za-z0-9]", line))
    return {_normalised(name): version for name, version in pinned.items()}


def _outside(lock: str, extras: tuple[str, ...]) -> dict[str, str | None]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    declared = [Requirement(text) for text in [*project["dependencies"],
                                                *(text for extra in extras for text in project["optional-dependencies"][extra])]]
    pinned = _pins(lock)
    return {str(r): pinned.get(_normalised(r.name)) for r in declared
            if pinned.get(_normalised(r.name)) is None or not r.specifier.contains(pinned[_normalised(r.name)], prereleases=True)}


def test_the_lock_pins_every_declared_dependency_within_its_range():
    outside = _outside("requirements.lock", ("dev", "dashboard", "semantic"))
    assert outside == {}, f"requirements.lock is stale for these (run `make lock`): {outside}"


def test_the_spark_lock_adds_the_spark_extra_and_keeps_every_pin_of_the_main_lock():
    outside = _outside("requirements-spark.lock", ("dev", "dashboard", "semantic", "spark"))
    assert outside == {}, f"requirements-spark.lock is stale for these (run `make lock`): {outside}"
    main, spark = _pins("requirements.lock"), _pins("requirements-spark.lock")
    moved = {name: (version, spark.get(name)) for name, version in main.items() if spark.get(name) != version}
    assert moved == {}, f"requirements-spark.lock pins these differently from requirements.lock (run `make lock`): {moved}"
