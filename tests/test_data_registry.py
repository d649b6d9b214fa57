"""The registry of data sets (dlbook.data.DATASETS), `python -m dlbook`, and the data page.

The registry is the one list of the book's data: `python -m dlbook fetch`
works from it and the data page's tables are generated from it, so these tests
check that it is well formed, that its checksums match the installed files,
and that the page says what the registry says.
"""

from __future__ import annotations

import hashlib
import importlib
import re

import pytest
from test_hygiene import ROOT

import dlbook
from dlbook import __main__ as cli
from dlbook import data
from dlbook.data import DATASETS, DataFile, Dataset, DatasetUnavailableError

DATA_PAGE = ROOT / "book" / "data.md"


def sha256(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def cached_file(tmp_path, monkeypatch, name="reviews.csv", payload=b"a,b\n1,2\n") -> DataFile:
    """A file in a temporary data cache, and its DataFile."""
    monkeypatch.setenv("DLBOOK_DATA", str(tmp_path))
    (tmp_path / name).write_bytes(payload)
    return DataFile(name, sha256(payload))


def entry(key="toy", **fields) -> Dataset:
    """A Dataset with harmless defaults for the fields a test does not care about."""
    values = {"title": "toy data", "loader": "`toy()`", "description": "a toy",
              "source": "made here", "licence": "CC0", "fetch": lambda: None} | fields
    return Dataset(key=key, **values)


# ---------------------------------------------------------------- the registry itself

def test_keys_are_unique_and_every_book_loader_is_registered():
    keys = [d.key for d in DATASETS]
    assert len(keys) == len(set(keys)), f"duplicate keys in DATASETS: {keys}"
    loaders = " ".join(d.loader for d in DATASETS)
    unregistered = [name for name in dlbook.__all__
                    if name.startswith("load_") and f"dlbook.{name}()" not in loaders]
    assert not unregistered, f"add a Dataset to dlbook.data.DATASETS for {unregistered}"


def test_opt_in_sets_are_fetched_and_book_sets_are_verified_offline():
    for dataset in DATASETS:
        if dataset.opt_in:
            assert dataset.fetch is not None, f"{dataset.key}: an opt-in set is downloaded"
        else:
            assert dataset.files, f"{dataset.key}: a set the chapters read needs checked files"


@pytest.mark.parametrize("dataset", DATASETS, ids=[d.key for d in DATASETS])
def test_loaders_in_the_table_exist(dataset):
    """Every call the table shows names an importable function or module."""
    calls = re.findall(r"`([\w.]+)(?:\(|`)", dataset.loader)
    assert calls, f"{dataset.key}: loader {dataset.loader!r} names no call in backticks"
    for call in calls:
        if "." not in call:  # `datapath(...)` after `gensim.test.utils.datapath(...)`
            continue
        module_name, attribute = call.rsplit(".", 1)
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            parent, child = module_name.rsplit(".", 1)  # statsmodels.api.datasets: an attribute
            module = getattr(importlib.import_module(parent), child)
        assert hasattr(module, attribute), f"{dataset.key}: {call} does not exist"


SHIPPED = [(d.key, f) for d in DATASETS for f in d.files if f.package is not None]


@pytest.mark.parametrize("key, datafile", SHIPPED, ids=[f"{k}:{f.path}" for k, f in SHIPPED])
def test_shipped_files_have_the_recorded_sha256(key, datafile):
    assert datafile.verify().is_file()


def test_the_cached_files_have_the_recorded_sha256():
    cached = [f for d in DATASETS for f in d.files if f.package is None]
    present = [f for f in cached if f.locate().is_file()]
    if not present:
        pytest.skip("nothing is cached: run `make data`")
    for datafile in present:
        datafile.verify()


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize("fields, error, message", [
    ({"key": "Toy Data"}, ValueError, "lower-case words"),
    ({"title": ""}, ValueError, "title must be a non-empty string"),
    ({"source": "a | b"}, ValueError, "one line without '|'"),
    ({"licence": "two\nlines"}, ValueError, "one line without '|'"),
    ({"files": [DataFile("x.csv", "0" * 64, "json")]}, TypeError, "tuple of DataFile"),
    ({"fetch": "download"}, TypeError, "fetch must be a function"),
    ({"opt_in": 1}, TypeError, "opt_in must be True or False"),
    ({"fetch": None}, ValueError, "needs files to verify or a fetch function"),
    ({"fetch": None, "files": (DataFile("x.csv", "0" * 64),)}, ValueError, "needs a fetch"),
])
def test_dataset_rejects_bad_fields(fields, error, message):
    arguments = {"key": "toy"} | fields
    with pytest.raises(error, match=message):
        entry(**arguments)


@pytest.mark.parametrize("arguments, message", [
    (("/etc/passwd", "0" * 64), "relative path"),
    (("../x.csv", "0" * 64), "relative path"),
    (("x.csv", "ABC"), "64 lower-case hex digits"),
    (("x.csv", "0" * 64, "not a-package"), "import name"),
])
def test_datafile_rejects_bad_fields(arguments, message):
    with pytest.raises(ValueError, match=message):
        DataFile(*arguments)


def test_datafile_finds_a_package_without_importing_it():
    import sys

    if "xmlrpc" in sys.modules:
        pytest.skip("xmlrpc, the package this test looks up, is already imported")
    path = DataFile("client.py", "0" * 64, "xmlrpc").locate()
    assert path.name == "client.py" and path.is_file()
    assert "xmlrpc" not in sys.modules, "locating a file must not import its package"


def test_datafile_says_what_to_do_when_a_package_is_missing():
    missing = DataFile("data.csv", "0" * 64, "no_such_package_for_dlbook")
    with pytest.raises(DatasetUnavailableError, match=r"not installed.*make install"):
        missing.verify()


def test_datafile_refuses_a_file_with_another_hash(tmp_path, monkeypatch):
    good = cached_file(tmp_path, monkeypatch)
    assert good.verify() == tmp_path / good.path
    wrong = DataFile(good.path, "0" * 64)
    with pytest.raises(DatasetUnavailableError, match=r"sha256 .*expected 0{64}.*make data"):
        wrong.verify()
    with pytest.raises(DatasetUnavailableError, match="missing from the data cache"):
        DataFile("absent.csv", "0" * 64).verify()


def test_a_shipped_file_with_another_hash_points_at_the_pins():
    changed = DataFile("client.py", "0" * 64, "xmlrpc")  # any file of an installed package
    with pytest.raises(DatasetUnavailableError,
                       match=r"installed xmlrpc is not the pinned version.*record the new sha256"):
        changed.verify()


# ---------------------------------------------------------------- fetch_datasets

def test_fetch_datasets_fetches_then_verifies_and_leaves_opt_ins_alone(tmp_path, monkeypatch):
    datafile = cached_file(tmp_path, monkeypatch)
    calls = []
    registry = (entry("book-set", files=(datafile,), fetch=lambda: calls.append("book-set")),
                entry("big-set", fetch=lambda: calls.append("big-set"), opt_in=True))
    lines = []
    chosen = data.fetch_datasets(registry=registry, report=lines.append)
    assert [d.key for d in chosen] == ["book-set"] and calls == ["book-set"]
    assert lines == ["book-set: 1 file verified"]
    data.fetch_datasets(opt_in=True, registry=registry, report=lines.append)
    assert calls == ["book-set", "book-set", "big-set"]
    data.fetch_datasets(["big-set"], registry=registry, report=lines.append)
    assert calls[-1] == "big-set" and lines[-1] == "big-set: fetched"


def test_fetch_datasets_reports_every_problem_at_once(tmp_path, monkeypatch):
    good = cached_file(tmp_path, monkeypatch)

    def offline():
        raise DatasetUnavailableError("the registry cannot be reached")

    registry = (entry("first", fetch=offline), entry("second", files=(good,)),
                entry("third", files=(DataFile("gone.csv", "0" * 64),)))
    with pytest.raises(DatasetUnavailableError) as caught:
        data.fetch_datasets(registry=registry, report=lambda line: None)
    message = str(caught.value)
    assert message.startswith("2 of 3 data sets are not ready")
    assert "first: the registry cannot be reached" in message and "third: gone.csv" in message


def test_fetch_datasets_rejects_unknown_names_and_a_bare_string():
    with pytest.raises(ValueError, match=r"unknown data sets \['nope'\]; expected names from"):
        data.fetch_datasets(["nope"], report=lambda line: None)
    with pytest.raises(TypeError, match="list of data-set names"):
        data.fetch_datasets("wine", report=lambda line: None)


# ---------------------------------------------------------------- the data page

def test_the_data_page_shows_the_registry():
    page = DATA_PAGE.read_text(encoding="utf-8")
    assert data.update_data_page(page) == page, (
        "book/data.md's tables differ from dlbook.data.DATASETS: run "
        "`.venv/bin/python -m dlbook table --write` and review the diff"
    )
    for dataset in DATASETS:
        assert f"| {dataset.title} | {dataset.loader} |" in page


def test_update_data_page_rewrites_only_the_generated_regions():
    registry = (entry("a", title="set A"), entry("b", title="set B", opt_in=True))
    page = ("# Data\n\nBefore.\n\n% BEGIN datasets used\nstale\n% END datasets\n\nBetween.\n\n"
            "% BEGIN datasets opt-in (note)\n% END datasets\n\nAfter.\n")
    updated = data.update_data_page(page, registry)
    assert updated.startswith("# Data\n\nBefore.\n\n% BEGIN datasets used\n\n| data |")
    assert "stale" not in updated and updated.endswith("% END datasets\n\nAfter.\n")
    used, opt_in = updated.split("Between.")
    assert "| set A |" in used and "| set B |" not in used and "| set B |" in opt_in
    assert data.update_data_page(updated, registry) == updated, "updating twice changes nothing"


def test_update_data_page_needs_both_regions():
    with pytest.raises(ValueError, match=r"no generated region for \['opt-in'\]"):
        data.update_data_page("% BEGIN datasets used\n% END datasets\n", DATASETS)


def test_datasets_table_has_a_row_per_data_set_and_rejects_other_things():
    table = data.datasets_table(DATASETS[:2])
    assert table.splitlines()[0] == "| data | loader | what it is | source | licence |"
    assert len(table.splitlines()) == 4 and table.endswith("|\n")
    with pytest.raises(TypeError, match="Dataset entries, got dict"):
        data.datasets_table([{"key": "wine"}])
    with pytest.raises(ValueError, match="at least one Dataset"):
        data.datasets_table([])


# ---------------------------------------------------------------- python -m dlbook

def test_cli_fetch_verifies_the_named_sets(capsys):
    assert cli.main(["fetch", "wine", "digits"]) == 0
    out = capsys.readouterr().out
    assert "wine: 1 file verified" in out and "digits: 1 file verified" in out
    assert "cache:" in out


def test_cli_fetch_fails_with_the_reason(capsys):
    assert cli.main(["fetch", "no-such-set"]) == 1
    assert "unknown data sets ['no-such-set']" in capsys.readouterr().err


def test_cli_table_writes_the_page(tmp_path, capsys):
    page = tmp_path / "data.md"
    page.write_text("% BEGIN datasets used\n% END datasets\n"
                    "% BEGIN datasets opt-in\n% END datasets\n")
    assert cli.main(["table", "--write", str(page)]) == 0
    assert "tables updated" in capsys.readouterr().out
    assert page.read_text() == data.update_data_page(page.read_text())
    assert cli.main(["table", "--write", str(page)]) == 0
    assert "already up to date" in capsys.readouterr().out


def test_cli_table_explains_a_page_without_regions(tmp_path, capsys):
    page = tmp_path / "data.md"
    page.write_text("# no tables here\n")
    assert cli.main(["table", "--write", str(page)]) == 1
    assert "no generated region" in capsys.readouterr().err
