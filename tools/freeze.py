"""Rewrite requirements.txt from the packages installed in the running venv.

The header and the block of direct dependencies keep their order; every pin is
updated to the installed version, and the transitive block is regenerated.
The same pins are then written to binder/requirements.txt, which Binder installs.
Run it as `make freeze` after upgrading a package in .venv.
"""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

REQUIREMENTS = pathlib.Path(__file__).resolve().parent.parent / "requirements.txt"
TRANSITIVE_MARKER = "# --- everything they pull in"
BINDER = REQUIREMENTS.parent / "binder" / "requirements.txt"
BINDER_HEADER = """\
# The pins of ../requirements.txt, repeated for Binder (repo2docker). repo2docker
# installs this file before it copies the repository into the image, so that the
# environment layer is cached across commits; a `-r ../requirements.txt` line would
# make it copy the repository first. Do not edit: `make freeze` rewrites it, and
# tests/test_binder.py fails if the two files pin different packages.
"""


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def main() -> int:
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        check=True, capture_output=True, text=True,
    ).stdout.splitlines()
    installed = {normalise(line.split("==")[0]): line for line in frozen if "==" in line}
    installed.pop("dlbook", None)

    head, _, _ = REQUIREMENTS.read_text().partition(TRANSITIVE_MARKER)
    out = []
    for line in head.rstrip("\n").splitlines():
        if "==" in line and not line.startswith("#"):
            name = normalise(line.split("==")[0])
            if name not in installed:
                sys.exit(f"{name} is pinned in requirements.txt but not installed in this venv")
            line = installed.pop(name)
        out.append(line)
    out += ["", TRANSITIVE_MARKER + ", pinned so every machine gets the same build ---"]
    out += sorted(installed.values(), key=str.lower)
    REQUIREMENTS.write_text("\n".join(out) + "\n")
    print(f"wrote {len(out)} lines to {REQUIREMENTS.name}")
    write_binder_requirements()
    return 0


def write_binder_requirements() -> None:
    """Copy the pins of requirements.txt (not its comments) to binder/requirements.txt."""
    pins = [line.strip() for line in REQUIREMENTS.read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
    BINDER.write_text(BINDER_HEADER + "\n".join(pins) + "\n")
    print(f"wrote {len(pins)} pins to binder/{BINDER.name}")


if __name__ == "__main__":
    raise SystemExit(main())
