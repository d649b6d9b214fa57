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
        [str(JUPYTER_BOOK), "build", str(ROOT), "--path-output", str(out),
         "-W", "-n", "--keep-going"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 0, (
        f"the book build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
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

    repository = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    url, branch = repository["url"], repository["branch"]
    html = (site / "book" / "setup.html").read_text()
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    assert f"git clone {url}" in text, "the clone command lost the repository URL"
    assert f'"dlbook @ git+{url}@{branch}"' in text, "the Colab install line lost the URL"
    assert "{{" not in text, "an unexpanded substitution was left on the page"


@pytest.mark.slow
def test_maths_are_typeset_by_the_mathjax_the_site_serves(site):
    """Offline reading: MathJax comes from _static (copied by _ext/dlbook_site.py), never a CDN."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    mathjax_path = config["sphinx"]["config"]["mathjax_path"]
    assert "://" not in mathjax_path
    html = (site / "notebooks" / "03_tensors.html").read_text()
    sources = re.findall(r'<script[^>]*\ssrc="([^"]*)"', html)
    assert [s for s in sources if "mathjax" in s.lower()] == [f"../_static/{mathjax_path}"]
    assert not [s for s in sources if "://" in s], "a script is loaded from the network"
    served = site / "_static" / mathjax_path
    assert served.is_file(), f"{served} was not copied into the site"
    fonts = served.parent / "output" / "chtml" / "fonts" / "woff-v2"
    assert fonts.is_dir(), "MathJax's fonts are missing"
    extensions = served.parent / "input" / "tex" / "extensions"
    assert extensions.is_dir(), "MathJax's TeX extensions are missing"


@pytest.mark.slow
def test_no_jupyterhub_button_without_a_hub(site):
    import yaml

    if yaml.safe_load((ROOT / "_config.yml").read_text())["launch_buttons"]["jupyterhub_url"]:
        pytest.skip("a hub is configured")
    for page in (site / "notebooks").glob("*.html"):
        html = page.read_text()
        assert "git-pull" not in html, f"{page.name} shows a JupyterHub button"
        assert "logo_jupyterhub" not in html, f"{page.name} shows a JupyterHub button"


@pytest.mark.slow
def test_a_configured_hub_gets_an_nbgitpuller_link(tmp_path):
    """With launch_buttons.jupyterhub_url set, each chapter links to nbgitpuller on that hub."""
    from urllib.parse import parse_qs, urlsplit

    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["launch_buttons"]["jupyterhub_url"] = "https://hub.example.edu/"
    # Paths in the configuration are relative to its folder: point them at the repository.
    extensions = config["sphinx"].get("local_extensions", {})
    config["sphinx"]["local_extensions"] = {name: str(ROOT / p) for name, p in extensions.items()}
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config))
    result = subprocess.run(
        [str(JUPYTER_BOOK), "build", str(ROOT), "--config", str(tmp_path / "_config.yml"),
         "--path-output", str(tmp_path / "out"), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    html = (tmp_path / "out" / "_build" / "html" / "notebooks" / "03_tensors.html").read_text()
    links = [unescape(h) for h in re.findall(r'href="(https://hub\.example\.edu/[^"]*)"', html)]
    assert len(links) == 1, links
    link = urlsplit(links[0])
    assert link.path == "/hub/user-redirect/git-pull"
    query = {key: values[0] for key, values in parse_qs(link.query).items()}
    url, branch = config["repository"]["url"], config["repository"]["branch"]
    assert query == {
        "repo": url,
        "branch": branch,
        "urlpath": f"lab/tree/{url.rstrip('/').rsplit('/', 1)[1]}/notebooks/03_tensors.ipynb",
    }
