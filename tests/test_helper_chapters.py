"""Every public helper names the page that introduces it, and that page really uses it.

A reader who meets ``dlbook.plot_history`` in the library (or on the helpers
page) should find the lesson it comes from. So every public function and class
of the package's modules, and every name in ``dlbook.__all__``, carries one
line of exactly this form in its docstring (for a constant: in its ``#:``
comment, which autodoc shows)::

    Introduced in :doc:`/notebooks/04_first_network`.

The page is the first chapter, in the reading order of _toc.yml, whose code
uses the helper. A helper that no chapter's code calls (the opt-in loaders,
the data-set registry) names the book page that documents it instead, and
that page must mention it by name.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest
from test_hygiene import ROOT, code_cells, load, source, toc_files

import dlbook

#: The one form of the line, with the page it names.
INTRODUCED = re.compile(r"^Introduced in :doc:`/(?P<page>(?:notebooks|book)/[0-9a-z_]+)`\.$")

#: What a MyST page pulls in from another file: ```{include} path```.
INCLUDE = re.compile(r"^```\{include\}\s+(\S+)", re.MULTILINE)


def public_modules() -> list:
    """The package's modules, without private ones and without ``__main__`` (the command line)."""
    names = [m.name for m in pkgutil.iter_modules(dlbook.__path__) if not m.name.startswith("_")]
    return [importlib.import_module(f"dlbook.{name}") for name in sorted(names)]


def attribute_doc(name: str) -> str | None:
    """The ``#:`` comment of a module-level constant, as Sphinx's autodoc reads it."""
    from sphinx.pycode import ModuleAnalyzer

    for module in public_modules():
        if name in vars(module):
            docs = ModuleAnalyzer.for_module(module.__name__).find_attr_docs()
            lines = docs.get(("", name))
            return "\n".join(lines) if lines else None
    return None


def public_helpers() -> dict[str, str | None]:
    """Qualified name of every public helper -> its documentation (None when it has none)."""
    helpers = {}
    for module in public_modules():
        for name, obj in vars(module).items():
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if obj.__module__ == module.__name__:  # defined here, not imported
                helpers[f"{module.__name__}.{name}"] = inspect.getdoc(obj)
    for name in dlbook.__all__:
        obj = getattr(dlbook, name)
        qualified = f"{getattr(obj, '__module__', None)}.{name}"
        if qualified not in helpers:
            helpers[f"dlbook.{name}"] = (inspect.getdoc(obj) if callable(obj)
                                         else attribute_doc(name))
    return helpers


HELPERS = public_helpers()


def introduced_in(doc: str | None) -> list[str]:
    """The pages that ``doc`` names in lines of the fixed form."""
    return [m.group("page") for line in (doc or "").splitlines()
            if (m := INTRODUCED.match(line.strip()))]


def uses(code: str, name: str) -> bool:
    """Whether notebook code calls ``name`` from dlbook: ``dlbook.name`` or an import of it."""
    attribute = re.search(rf"\bdlbook(?:\.\w+)*\.{name}\b", code)
    imported = re.search(
        rf"^\s*from\s+dlbook(?:\.\w+)*\s+import\s+(?:\([^)]*|[^\n]*)\b{name}\b", code, re.MULTILINE
    )
    return bool(attribute or imported)


def notebook_code(page: str) -> str:
    return "\n".join(source(cell) for cell in code_cells(load(ROOT / f"{page}.ipynb")))


def page_text(page: str) -> str:
    """A Markdown page's source, with the files it includes."""
    path = ROOT / f"{page}.md"
    text = path.read_text(encoding="utf-8")
    for included in INCLUDE.findall(text):
        text += "\n" + (path.parent / included).read_text(encoding="utf-8")
    return text


def chapters_in_reading_order() -> list[str]:
    return [f for f in toc_files() if f.startswith("notebooks/")]


def test_the_helpers_are_found():
    # A guard against a discovery that silently finds nothing: these must be among them.
    for name in ("dlbook.runtime.setup", "dlbook.data.load_mnist_sample", "dlbook.TF_ENVIRONMENT",
                 "dlbook.data.DatasetUnavailableError", "dlbook.plots.plot_history"):
        assert name in HELPERS, f"{name} was not found among the public helpers: {sorted(HELPERS)}"


@pytest.mark.parametrize("name", sorted(HELPERS))
def test_helper_names_the_page_that_introduces_it(name):
    pages = introduced_in(HELPERS[name])
    assert len(pages) == 1, (
        f"{name}'s documentation must hold exactly one line "
        f"'Introduced in :doc:`/notebooks/NN_name`.' (or :doc:`/book/page` for a helper that no "
        f"chapter's code uses); found {len(pages)}"
    )
    page = pages[0]
    assert page in toc_files(), f"{name} names {page}, which is not a page of _toc.yml"
    short = name.rsplit(".", 1)[1]
    using = [c for c in chapters_in_reading_order() if uses(notebook_code(c), short)]
    if page.startswith("notebooks/"):
        assert page in using, f"{name} names {page}, whose code does not use dlbook's {short}"
        assert page == using[0], (
            f"{name} names {page}, but {using[0]} uses it earlier in the reading order"
        )
    else:
        assert not using, f"{name} names {page}, but chapter {using[0]} uses it: name that chapter"
        assert re.search(rf"\b{short}\b", page_text(page)), (
            f"{name} names {page}, which does not mention {short}"
        )


def test_the_helpers_page_documents_every_module():
    page = (ROOT / "book" / "helpers.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\.\. automodule:: (\S+)$", page, re.MULTILINE))
    missing = sorted({m.__name__ for m in public_modules()} - documented)
    assert not missing, f"add an automodule section for {missing} to book/helpers.md"


def test_the_form_matches_only_what_it_should():
    assert introduced_in("Intro.\n\n    Introduced in :doc:`/notebooks/04_first_network`.\n") == [
        "notebooks/04_first_network"
    ]
    for wrong in ("Introduced in :doc:`04_first_network`.",        # relative: breaks if moved
                  "Introduced in :doc:`/notebooks/04_first_network`",  # no full stop
                  "Introduced in {doc}`/notebooks/04_first_network`.",  # MyST, not reST
                  "Defined in :doc:`/notebooks/04_first_network`."):
        assert introduced_in(wrong) == [], wrong


def test_uses_recognises_calls_and_imports_but_not_mentions():
    assert uses("x = dlbook.plot_history(h)", "plot_history")
    assert uses("from dlbook import plot_history, setup", "setup")
    assert uses("from dlbook.data import (\n    Dataset,\n    DATASETS,\n)", "DATASETS")
    assert not uses("# plot_history would do this", "plot_history")
    assert not uses("x = dlbook.plot_history_v2(h)", "plot_history")
