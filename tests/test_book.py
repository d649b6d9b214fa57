"""The site builds with warnings as errors, and shows what a reader expects."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys
from html import unescape

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
JUPYTER_BOOK = pathlib.Path(sys.executable).parent / "jupyter-book"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    result = subprocess.run(
        [str(JUPYTER_BOOK), "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 0, f"the book build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return out / "_build" / "html"


@pytest.mark.slow
def test_book_builds_without_warnings(site):
    assert (site / "index.html").is_file()


@pytest.mark.slow
def test_every_notebook_has_a_page_with_launch_and_download_buttons(site):
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        page = site / "notebooks" / f"{notebook.stem}.html"
        assert page.is_file(), f"no page for {notebook.name}"
        html = page.read_text()
        assert "mybinder.org/v2/gh/" in html, f"no Binder button on {page.name}"
        assert "colab.research.google.com/github/" in html, f"no Colab button on {page.name}"
        assert f"_sources/notebooks/{notebook.name}" in html, f"no .ipynb download on {page.name}"


@pytest.mark.slow
def test_pages_render_maths_figures_exercises_and_citations(site):
    html = (site / "notebooks" / "03_tensors.html").read_text()
    assert "mathjax" in html.lower()
    assert "data:image/png" in html or ".png" in html, "figures are missing"
    solutions = re.findall(r'<div class="solution dropdown admonition"', html)
    assert len(solutions) >= 3, "solutions must render as folded (dropdown) admonitions"
    assert ".admonition.dropdown" in html, "the toggle script that folds solutions is missing"
    assert "Harris" in html, "citations did not render"
    assert "Harris" in (site / "book" / "references.html").read_text()


@pytest.mark.slow
def test_setup_page_shows_the_repository_url(site):
    import yaml

    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    html = (site / "book" / "setup.html").read_text()
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    assert f"git clone {url}" in text, "the clone command lost the repository URL"
    assert f'"dlbook @ git+{url}"' in text, "the Colab install line lost the URL"
    assert "{{" not in text, "an unexpanded substitution was left on the page"
