"""The chapter template passes every hygiene check that a chapter must pass.

templates/chapter_template.ipynb is where a new chapter starts, so it is held
to the rules of tests/test_hygiene.py: every check there that takes a
notebook's ``path`` runs here on the template too, including checks added
later. The template is not a chapter: it stays out of notebooks/ and _toc.yml,
so the book and nbval never see it.
"""

from __future__ import annotations

import inspect

import pytest
import test_hygiene
from test_hygiene import ROOT, toc_files

TEMPLATE = ROOT / "templates" / "chapter_template.ipynb"

#: Every per-notebook check of test_hygiene: a test function whose one argument is ``path``.
NOTEBOOK_CHECKS = [
    check for name, check in vars(test_hygiene).items()
    if name.startswith("test_") and callable(check)
    and list(inspect.signature(check).parameters) == ["path"]
]


def test_the_per_notebook_checks_are_found():
    names = {check.__name__ for check in NOTEBOOK_CHECKS}
    for expected in ("test_first_code_cell_calls_setup_before_tensorflow",
                     "test_executed_top_to_bottom_in_one_kernel", "test_chapter_structure",
                     "test_training_cells_are_followed_by_a_quality_assertion"):
        assert expected in names, f"{expected} is not among the checks run on the template"


@pytest.mark.parametrize("check", NOTEBOOK_CHECKS, ids=lambda check: check.__name__[5:])
def test_template_passes(check):
    check(TEMPLATE)


def test_template_is_not_a_chapter():
    assert TEMPLATE.is_file()
    assert not any("template" in page for page in toc_files()), "the template is not a page"
    assert not list((ROOT / "notebooks").glob("*template*")), "keep the template in templates/"
