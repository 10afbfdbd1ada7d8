"""Known vulnerabilities of the installed packages, from PyPI's project JSON (a stopgap for pip-audit).

pip-audit asks PyPI for each installed *version* (`/pypi/NAME/VERSION/json`) or asks OSV; from the
project's machines neither answers (docs/security.md). PyPI's *project* endpoint (`/pypi/NAME/json`)
does answer, and its `vulnerabilities` are those of the project's latest release, so it can vouch for a
package only when the installed version is that release. Every other package is listed as not checked
and, like `pip-audit --strict`, fails the run: a green result must mean every package was checked.

Run it with the project's interpreter: .venv/bin/python scripts/pypi-advisories.py
Exit status: 0 all checked and none vulnerable; 1 a vulnerability, or a package not checked.
"""

import json
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata

from packaging.utils import canonicalize_name
from packaging.version import Version

PROJECT_URL = "https://pypi.org/pypi/{name}/json"


def installed() -> dict[str, str]:
    """Installed distributions by canonical name, without editable ones (the project itself, which is
    also seen a second time through its egg-info on the path)."""
    found, editable = {}, set()
    for dist in metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"])
        direct = dist.read_text("direct_url.json")
        if direct and json.loads(direct).get("dir_info", {}).get("editable"):
            editable.add(name)
        found[name] = dist.version
    return {name: version for name, version in found.items() if name not in editable}


def latest_advisories(name: str) -> tuple[str | None, list[dict], str]:
    """(latest version, its vulnerabilities not withdrawn, problem) for one project."""
    try:
        with urllib.request.urlopen(PROJECT_URL.format(name=name), timeout=60) as answer:
            project = json.load(answer)
    except (urllib.error.URLError, TimeoutError, ValueError) as problem:
        return None, [], f"PyPI did not answer: {problem}"
    advisories = [v for v in project.get("vulnerabilities", []) if not v.get("withdrawn")]
    return project["info"]["version"], advisories, ""


def main() -> int:
    packages = installed()
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = dict(zip(packages, pool.map(latest_advisories, packages)))
    vulnerable, unchecked = [], []
    for name, version in sorted(packages.items()):
        latest, advisories, problem = answers[name]
        if problem:
            unchecked.append(f"{name} {version}: {problem}")
        elif Version(version) != Version(latest):  # as versions: 1.0 is 1.0.0
            unchecked.append(f"{name} {version}: not the latest release ({latest}), which is all PyPI's project page vouches for")
        elif advisories:
            vulnerable.extend(f"{name} {version}: {a['id']} fixed in {', '.join(a.get('fixed_in') or ['no release'])}"
                              for a in advisories)
    checked = len(packages) - len(unchecked)
    print(f"{checked} of {len(packages)} installed packages checked against PyPI's advisories for their release")
    for line in vulnerable:
        print(f"VULNERABLE  {line}")
    for line in unchecked:
        print(f"NOT CHECKED {line}")
    if not vulnerable:
        print(f"No known vulnerabilities in the {checked} checked.")
    return 1 if vulnerable or unchecked else 0


if __name__ == "__main__":
    sys.exit(main())
