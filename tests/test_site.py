"""The site's fixes and its browser check are wired up (no browser needed here).

`make test-site` (tools/site/check.mjs) checks the built site in Chromium; these
tests only keep its pieces consistent, so that `make test` stays browser-free.
"""

from __future__ import annotations

import json
import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
SITE_TOOLS = ROOT / "tools" / "site"


def test_site_check_packages_are_pinned_exactly_and_locked():
    manifest = json.loads((SITE_TOOLS / "package.json").read_text())
    lock = json.loads((SITE_TOOLS / "package-lock.json").read_text())
    wanted = manifest["dependencies"]
    assert set(wanted) == {"playwright-core", "axe-core"}, wanted
    for name, version in wanted.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"pin {name} exactly, got {version}"
        locked = lock["packages"][f"node_modules/{name}"]["version"]
        assert locked == version, f"{name}: run `npm install` in tools/site to update the lock"
    assert lock["packages"][""]["dependencies"] == wanted


def test_test_site_is_a_make_target_outside_make_test():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test-site:.*\bbook\b.*\bsite-deps\b.*## ", makefile, flags=re.M)
    check = r"^\s+CHROMIUM=\S+ node \$\(SITE_TOOLS\)/check\.mjs _build/html$"
    assert re.search(check, makefile, flags=re.M)
    test_recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", makefile, flags=re.M).group(0)
    assert "test-site" not in test_recipe, "make test must not need a browser"
    assert "node" not in test_recipe, "make test must not need a browser"
    assert "tools/site/node_modules/" in (ROOT / ".gitignore").read_text().splitlines()


def test_a_workflow_runs_the_site_check():
    folder = ROOT / ".github" / "workflows"
    workflows = [yaml.safe_load(path.read_text()) for path in folder.glob("*.yml")]
    jobs = [job for workflow in workflows for job in workflow["jobs"].values()]
    runs = [step.get("run", "") for job in jobs for step in job.get("steps", [])]
    assert any(re.search(r"\bmake test-site\b", run) for run in runs), "no workflow runs test-site"


def test_readme_documents_the_site_check():
    readme = (ROOT / "README.md").read_text()
    assert "make test-site" in readme


def test_every_rich_colour_in_the_stored_outputs_has_a_readable_override():
    """Keras's model.summary() writes terminal colours inline; _static/dlbook.css replaces each
    one with a colour readable in both themes. A new colour in an output needs a new rule."""
    css = (ROOT / "_static" / "dlbook.css").read_text()
    overridden = set(re.findall(r'span\[style\*="color: (#[0-9a-f]{6})"\]', css))
    used = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            for output in cell.get("outputs", []):
                html = output.get("data", {}).get("text/html", "")
                html = "".join(html) if isinstance(html, list) else html
                used |= set(re.findall(r'<span style="[^"]*\bcolor: (#[0-9a-fA-F]{6})', html))
    missing = sorted({c.lower() for c in used} - overridden)
    assert not missing, f"add readable overrides for {missing} to _static/dlbook.css (both themes)"
    for theme in ("light", "dark"):
        block = re.search(rf'html\[data-theme="{theme}"\]\s*\{{([^}}]*)\}}', css).group(1)
        for variable in re.findall(r"var\((--[\w-]+)\)", css):
            assert variable + ":" in block, f"{variable} has no {theme}-theme value"


def test_mathjax_is_served_by_the_site():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert re.fullmatch(r"mathjax/[\w.-]+\.js", config["sphinx"]["config"]["mathjax_path"])
    assert config["sphinx"]["local_extensions"] == {"dlbook_site": "_ext"}
    assert (ROOT / "_ext" / "dlbook_site.py").is_file()
    assert not (ROOT / "_static" / "mathjax").exists(), (
        "MathJax is copied into the built site from the pinned package, not committed to _static"
    )
