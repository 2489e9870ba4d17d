"""The install the Makefile does: requirements.lock pins every dependency pyproject.toml declares, within its range."""

import re
import tomllib

from packaging.requirements import Requirement

from engagement_warehouse.settings import PROJECT_ROOT


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_lock_pins_every_declared_dependency_within_its_range():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    extras = [text for extra in ("dev", "dashboard", "semantic") for text in project["optional-dependencies"][extra]]
    declared = [Requirement(text) for text in [*project["dependencies"], *extras]]
    pinned = dict(line.split("==", 1) for line in (PROJECT_ROOT / "requirements.lock").read_text().splitlines()
                  if re.match(r"^[A-Za-z0-9]", line))
    pinned = {_normalised(name): version for name, version in pinned.items()}
    outside = {str(r): pinned.get(_normalised(r.name)) for r in declared
               if pinned.get(_normalised(r.name)) is None or not r.specifier.contains(pinned[_normalised(r.name)], prereleases=True)}
    assert outside == {}, f"requirements.lock is stale for these (run `make lock`): {outside}"
