"""The environment is pinned once (requirements.txt) and everything else agrees with it."""

from __future__ import annotations

import pathlib
import re
import sys
from importlib import metadata

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def pins() -> dict[str, str]:
    return {normalise(line.split("==")[0]): line.split("==")[1] for line in requirement_lines()}


def test_every_requirement_is_pinned_exactly():
    exact = re.compile(r"[A-Za-z0-9_.\-\[\],]+==[^=<>~!;\s]+")
    loose = [line for line in requirement_lines() if not exact.fullmatch(line)]
    assert not loose, f"pin these with ==: {loose}"


def test_core_pins_are_the_designed_ones():
    p = pins()
    assert p["tensorflow"].startswith("2.21."), "the book targets the TensorFlow 2.21 line"
    assert p["keras"].startswith("3."), "the book targets Keras 3"
    assert p["jupyter-book"].startswith("1."), "the book is built with jupyter-book 1.x (Sphinx)"
    for name in ("numpy", "pandas", "matplotlib", "scikit-learn", "mlxtend", "nbval", "pytest",
                 "jupyterlab", "sphinx-exercise", "sphinxcontrib-bibtex"):
        assert name in p, f"{name} is missing from requirements.txt"


def test_no_package_is_pinned_twice():
    names = [normalise(line.split("==")[0]) for line in requirement_lines()]
    assert len(names) == len(set(names))


def test_environment_yml_installs_exactly_requirements_txt():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    conda = [d for d in deps if isinstance(d, str)]
    pip_sections = [d["pip"] for d in deps if isinstance(d, dict)]
    python = [d for d in conda if d.startswith("python")]
    assert python == ["python=3.11"], f"pin Python as python=3.11, got {python}"
    assert set(conda) == {"python=3.11", "pip"}, (
        f"conda packages other than python and pip would drift from requirements.txt: {conda}"
    )
    assert pip_sections == [["-r requirements.txt", "-e ."]], pip_sections


def test_python_version_matches_the_pins():
    wanted = (ROOT / ".python-version").read_text().strip()
    assert f"{sys.version_info.major}.{sys.version_info.minor}" == wanted
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert environment["dependencies"][0] == f"python={wanted}"


def test_installed_packages_match_the_pins():
    """A stale venv produces outputs that CI would not reproduce: `make install` fixes it."""
    wrong = {}
    for name, version in pins().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (version, installed)
    assert not wrong, f"pinned vs installed: {wrong}; run `make install`"


def test_config_renders_verified_outputs_and_names_the_repository_once():
    text = (ROOT / "_config.yml").read_text()
    config = yaml.safe_load(text)
    assert config["execute"]["execute_notebooks"] == "off"
    assert config["only_build_toc_files"] is True
    url = config["repository"]["url"]
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url), url
    assert text.count(url) == 1, "write the repository URL once; other keys refer to it by anchor"
    assert config["parse"]["myst_substitutions"]["repo_url"] == url
    buttons = config["launch_buttons"]
    assert buttons["binderhub_url"] and buttons["colab_url"] and "jupyterhub_url" in buttons
    assert "sphinx_exercise" in config["sphinx"]["extra_extensions"]
    for pattern in ("_build", ".venv"):
        assert pattern in config["exclude_patterns"]
    assert (ROOT / config["bibtex_bibfiles"][0]).is_file()


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make book" in readme
    assert re.search(r"^\s*make test\b", ci, re.M), ".ci/run must call the README's test command"


def test_makefile_exports_the_reproducibility_environment():
    """The Makefile's exports agree with dlbook's (one list of what makes outputs portable)."""
    from dlbook.runtime import BLAS_ENVIRONMENT, TF_ENVIRONMENT

    makefile = (ROOT / "Makefile").read_text()
    exported = dict(re.findall(r"^\s*export (\w+)\s*:=\s*(.*?)\s*$", makefile, flags=re.M))
    for key, value in {**TF_ENVIRONMENT, **BLAS_ENVIRONMENT}.items():
        assert exported.get(key) == value, f"the Makefile must export {key}={value}"
