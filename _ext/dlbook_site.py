"""Sphinx extension of the book: MathJax served by the site itself.

``mathjax_path`` in ``_config.yml`` names a MathJax component under
``_static/mathjax/``. At the end of an HTML build this extension copies MathJax
there from an installed PyPI package, ``sphinx-mathjax-offline`` (MathJax
3.2.2, pinned in requirements.txt), so the built book renders maths with no
network, and the repository holds no copy of MathJax.

The package is used as a source of files only: it is not loaded as a Sphinx
extension, because that would overwrite ``mathjax_path`` and copy all 24 MB of
MathJax. Copied are the configured component and the folders it loads from on
demand (TeX extensions, fonts, the menu, the accessibility explorer and
renderers a reader can switch to), about 10 MB; the other combined components
are left out.
"""

from __future__ import annotations

import shutil
from importlib import metadata
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util import logging

DISTRIBUTION = "sphinx-mathjax-offline"
FOLDER_IN_DISTRIBUTION = "sphinx-mathjax-offline/static/mathjax"
#: ``mathjax_path`` is relative to ``_static``; MathJax is copied into this folder of it.
STATIC_FOLDER = "mathjax"

logger = logging.getLogger(__name__)


def mathjax_source() -> Path:
    """The folder of MathJax's browser files inside the installed distribution."""
    try:
        distribution = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError as error:
        raise ConfigError(
            f"{DISTRIBUTION} is not installed: it provides the MathJax that the book serves "
            "itself; run `make install` (it is pinned in requirements.txt)"
        ) from error
    return Path(distribution.locate_file(FOLDER_IN_DISTRIBUTION))


def component_of(config: Config) -> str:
    """The MathJax component named by ``mathjax_path``, e.g. ``tex-mml-chtml.js``."""
    path = config.mathjax_path
    prefix = STATIC_FOLDER + "/"
    if "://" in path or not path.startswith(prefix) or "/" in path[len(prefix):]:
        raise ConfigError(
            f"mathjax_path must be {prefix}<component>.js, served from the site, got {path!r}"
        )
    return path[len(prefix):]


def check_config(app: Sphinx, config: Config) -> None:
    component = component_of(config)
    if not (mathjax_source() / component).is_file():
        raise ConfigError(f"{DISTRIBUTION} has no MathJax component {component!r}")


def copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    component = component_of(app.config)

    def other_components(folder: str, names: list[str]) -> set[str]:
        # Top-level .js files are combined components (or Node.js entry points);
        # only the configured one is loaded. Sub-folders hold what it loads on demand.
        if Path(folder) != source:
            return set()
        return {n for n in names if n.endswith(".js") and n != component}

    target = Path(app.outdir) / "_static" / STATIC_FOLDER
    shutil.copytree(source, target, ignore=other_components, dirs_exist_ok=True)
    logger.info(f"copied MathJax from {DISTRIBUTION} into _static/{STATIC_FOLDER}")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", check_config)
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
