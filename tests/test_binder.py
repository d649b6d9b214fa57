"""Binder (repo2docker) builds the book's pinned environment, cached across commits.

repo2docker installs binder/requirements.txt in a layer of its own before it
copies the repository, so a commit that changes only notebooks reuses the
~3 GB environment layer. binder/postBuild installs the helpers and fetches the
data at build time; binder/start gives every kernel the Makefile's
reproducibility variables. Docker is not needed: repo2docker's --no-build
prints the Dockerfile it would build.
"""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys
from importlib import metadata

from packaging.requirements import Requirement
from test_environment import normalise, pins

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
REPO2DOCKER = pathlib.Path(sys.executable).parent / "repo2docker"


def binder_pins() -> dict[str, str]:
    lines = [line.strip() for line in (BINDER / "requirements.txt").read_text().splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    names = [normalise(line.split("==")[0]) for line in lines]
    assert len(names) == len(set(names)), "a package is pinned twice in binder/requirements.txt"
    exact = re.compile(r"[A-Za-z0-9_.\-\[\],]+==[^=<>~!;\s]+")
    loose = [line for line in lines if not exact.fullmatch(line)]
    assert not loose, (
        f"binder/requirements.txt may hold only exact pins (no -r, -e or paths): {loose}"
    )
    return {normalise(line.split("==")[0]): line.split("==")[1] for line in lines}


def makefile_exports() -> dict[str, str]:
    makefile = (ROOT / "Makefile").read_text()
    return dict(re.findall(r"^\s*export (\w+)\s*:=\s*(.*?)\s*$", makefile, flags=re.M))


def test_binder_installs_exactly_the_pins_of_requirements_txt():
    binder, main = binder_pins(), pins()
    missing = sorted(set(main) - set(binder))
    extra = sorted(set(binder) - set(main))
    different = {n: (main[n], binder[n]) for n in set(main) & set(binder) if main[n] != binder[n]}
    assert not (missing or extra or different), (
        f"binder/requirements.txt drifted from requirements.txt: missing {missing}, extra {extra}, "
        f"different {different}; run `make freeze` (or tools/freeze.py's write_binder_requirements)"
    )


def test_binder_uses_the_pinned_python():
    wanted = (ROOT / ".python-version").read_text().strip()
    assert (BINDER / "runtime.txt").read_text().strip() == f"python-{wanted}"


def test_the_pins_satisfy_each_other():
    """repo2docker's base image has its own notebook (7.4.7 requires jupyterlab<4.5), so the
    pins must name a notebook that accepts the pinned jupyterlab, and no pinned package may
    require a version of another pinned package that the pins do not give."""
    p = pins()
    assert "notebook" in p, (
        "pin notebook, or repo2docker keeps its own, which conflicts with the jupyterlab pin"
    )
    conflicts = []
    for name, version in p.items():
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            other = normalise(requirement.name)
            if other in p and not requirement.specifier.contains(p[other], prereleases=True):
                conflicts.append(
                    f"{name}=={version} requires {requirement}, pinned {other}=={p[other]}"
                )
    assert not conflicts, conflicts


def test_start_exports_the_makefile_environment_then_runs_the_server():
    start = BINDER / "start"
    assert os.access(start, os.X_OK), "binder/start must be executable"
    text = start.read_text()
    exported = dict(re.findall(r"^\s*export (\w+)=(\S*)\s*$", text, flags=re.M))
    data = exported.pop("DLBOOK_DATA", None)
    assert exported == makefile_exports(), (
        "binder/start must export exactly the Makefile's variables"
    )
    # ...and where postBuild cached the data, outside the home folder a hub mounts over.
    assert data == '"${DLBOOK_DATA:-${REPO_DIR}/.dlbook-data}"', data
    # The Makefile sets the OpenBLAS kernels only on CPUs with AVX2; so does start.
    assert re.search(r"grep -qw avx2 /proc/cpuinfo.*\n\s*export OPENBLAS_CORETYPE=", text)
    code = [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
    assert code[-1] == 'exec "$@"', "binder/start must end by running the server it wraps"


def test_post_build_installs_the_helpers_and_fetches_the_data():
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable"
    code = [line.strip() for line in post_build.read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    assert "set -euo pipefail" in code, "a failing step must fail the Binder build"
    assert "python -m pip install --no-cache-dir --no-deps -e ." in code
    assert 'DLBOOK_DATA="${REPO_DIR}/.dlbook-data" python -m dlbook fetch' in code


def test_repo2docker_installs_the_environment_before_copying_the_repository(tmp_path):
    result = subprocess.run(
        [str(REPO2DOCKER), "--no-build", "--debug", "--user-name", "jovyan", "--user-id", "1000",
         str(ROOT)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    lines = result.stdout.splitlines()

    def where(pattern: str) -> list[int]:
        return [i for i, line in enumerate(lines) if re.search(pattern, line)]

    copies_of_repo = [i for i in where(r"^COPY .*\bsrc/")
                      if not re.search(r"\bsrc/binder/requirements\.txt\b", lines[i])]
    copy_pins = where(r"^COPY .*\bsrc/binder/requirements\.txt ")
    install = where(r"^RUN .*pip install .*-r \"?binder/requirements\.txt")
    post_build = where(r"^RUN \./binder/postBuild$")
    assert len(copies_of_repo) == 1, copies_of_repo
    assert re.search(r"\bsrc/ \$\{REPO_DIR\}/$", lines[copies_of_repo[0]]), copies_of_repo
    assert len(copy_pins) == 1 and len(install) == 1 and len(post_build) == 1, (
        copy_pins, install, post_build
    )
    assert copy_pins[0] < install[0] < copies_of_repo[0] < post_build[0], (
        "the environment must be installed before the repository is copied (cached layer), "
        "and postBuild must run after"
    )
    assert not where(r"environment\.yml"), "repo2docker picked environment.yml instead of binder/"
    assert 'ENV R2D_ENTRYPOINT="${REPO_DIR}/binder/start"' in lines
