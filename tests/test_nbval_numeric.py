"""The output checker keeps its teeth: words, shapes, counts exact; trained numbers in tolerance."""

from __future__ import annotations

import json
import pathlib

import nbformat
import nbval_numeric as nn
import pytest
from nbval_numeric import Tolerance, compare_cell, compare_text

ROOT = pathlib.Path(__file__).resolve().parent.parent
TRAINED = Tolerance(atol=0.01, rtol=0.02, itol=1)


def stream(text: str) -> dict:
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def test_split_finds_numbers_but_not_digits_in_names():
    texts, numbers = nn.split("conv2d_1 (None, 28, 28) acc 0.936, loss 1.5e-03; x86 +0.017 -3.")
    assert numbers == ["28", "28", "0.936", "1.5e-03", "+0.017", "-3."]
    assert texts[0] == "conv2d_1 (None, "


@pytest.mark.parametrize("token, unit", [("0.517", 1e-3), ("39.8", 0.1), ("1.5e-03", 1e-4),
                                         ("12.", 1.0), ("2E+02", 100.0)])
def test_last_place(token, unit):
    assert nn.last_place(token) == pytest.approx(unit)


def test_identical_text_passes():
    assert compare_text("accuracy 0.936 on 1000 digits", "accuracy 0.936 on 1000 digits") is None


def test_a_word_change_fails_even_with_a_wide_tolerance():
    problem = compare_text("the network wins", "the network loses", Tolerance(1.0, 1.0, 10))
    assert problem and "text differs" in problem


def test_a_shape_change_fails():
    assert compare_text("(1000, 784)", "(1000, 785)") is not None
    assert compare_text("(1000, 784)", "(1000, 784, 1)") is not None


def test_a_count_change_fails_unless_the_cell_allows_it():
    assert compare_text("26 digits misread", "27 digits misread") is not None
    assert compare_text("26 digits misread", "27 digits misread", TRAINED) is None
    assert compare_text("26 digits misread", "29 digits misread", TRAINED) is not None


def test_last_digit_rounding_passes_by_default_but_two_units_fail():
    assert compare_text("0.517", "0.518") is None
    assert compare_text("0.517", "0.519") is not None


def test_a_trained_accuracy_moved_beyond_its_tolerance_fails():
    assert compare_text("acc 0.936", "acc 0.931", TRAINED) is None     # within atol 0.01
    problem = compare_text("acc 0.936", "acc 0.900", TRAINED)          # a broken model
    assert problem and "0.936" in problem and "0.900" in problem


def test_relative_tolerance_scales_with_the_number():
    assert compare_text("loss 39.8", "loss 39.4", TRAINED) is None      # 1 % of 39.8
    assert compare_text("loss 39.8", "loss 36.0", TRAINED) is not None  # 10 %


def test_white_space_of_a_shifted_column_is_ignored_but_not_its_absence():
    assert compare_text(" 9.99 | a", "10.00 | a", Tolerance(atol=0.1)) is None
    assert compare_text("a b", "ab") is not None


def test_number_of_numbers_must_match():
    assert "numbers stored" in compare_text("best 0.25 at epoch 11", "best 0.25")


def test_nan_matches_only_nan():
    assert compare_text("loss nan", "loss nan") is None
    assert compare_text("loss nan", "loss 0.5") is not None


def test_cell_comparison_checks_kinds_and_counts_of_outputs():
    out = [stream("acc 0.936\n")]
    assert compare_cell(out, [stream("acc 0.936\n")], nn.DEFAULT, skip=()) is None
    assert compare_cell(out, [stream("acc 0.700\n")], TRAINED, skip=()) is not None
    shown = nbformat.v4.new_output("execute_result", data={"text/plain": "0.936"},
                                   execution_count=1)
    assert "output kinds differ" in compare_cell(out, [shown], TRAINED, skip=("execution_count",))


@pytest.mark.parametrize("spec, message", [
    ("0.1", "must be a mapping"),
    ({"atol": -1}, "non-negative"),
    ({"rtol": "big"}, "non-negative"),
    ({"itol": 1.5}, "whole number"),
    ({"tol": 1}, "unknown keys"),
])
def test_bad_tolerance_metadata_gets_a_clear_error(spec, message):
    with pytest.raises(ValueError, match=message):
        Tolerance.from_metadata({"tolerance": spec})


def test_metadata_tolerance_is_read():
    meta = {"tolerance": {"atol": 0.02, "rtol": 0.05, "itol": 2, "measured": {"atol": 0.004}}}
    assert Tolerance.from_metadata(meta) == Tolerance(0.02, 0.05, 2)
    assert Tolerance.from_metadata({}) == nn.DEFAULT


def _notebook(tmp_path, stored_text: str, tolerance: dict | None = None) -> pathlib.Path:
    cell = nbformat.v4.new_code_cell("print('acc', 0.936 if True else 0)", execution_count=1,
                                     outputs=[stream(stored_text)])
    if tolerance:
        cell.metadata["tolerance"] = tolerance
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("stored, tolerance, passes", [
    ("acc 0.936\n", None, True),
    ("acc 0.937\n", None, True),                     # last-place rounding
    ("acc 0.930\n", None, False),                    # moved beyond the default
    ("acc 0.930\n", {"atol": 0.01}, True),           # within the cell's tolerance
    ("acc 0.900\n", {"atol": 0.01}, False),          # a broken model
    ("accuracy 0.936\n", {"atol": 1, "rtol": 1}, False),  # a word changed
])
def test_the_plugin_runs_a_notebook_through_nbval(tmp_path, pytester_like, stored, tolerance,
                                                  passes):
    path = _notebook(tmp_path, stored, tolerance)
    result = pytester_like(path)
    assert (result.returncode == 0) == passes, result.stdout[-3000:]


@pytest.fixture
def pytester_like():
    """Run pytest --nbval with this plugin on one notebook in a subprocess (a real kernel)."""
    import subprocess
    import sys

    def run(path: pathlib.Path):
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "nbval_numeric", "--nbval",
             "--nbval-current-env", "-o", f"pythonpath={ROOT / 'tests'}",
             "--rootdir", str(path.parent), str(path)],
            capture_output=True, text=True, cwd=path.parent,
        )

    return run


def test_every_stored_tolerance_is_well_formed_and_documents_its_measurement():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        for index, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
            if "tolerance" not in cell["metadata"]:
                continue
            Tolerance.from_metadata(cell["metadata"])  # raises if malformed
            measured = cell["metadata"]["tolerance"].get("measured")
            assert measured and measured.get("runs", 0) >= 1, (
                f"{path.name} code cell {index}: a tolerance must record what was measured")


# ----------------------------------------------------------------------------- perturbations

import sys  # noqa: E402

sys.path.insert(0, str(ROOT / "tools"))
import perturb  # noqa: E402
import portability  # noqa: E402


def test_perturbation_sets_and_removes_variables():
    env = perturb.environment("openblas-skylakex",
                              {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "512"})
    assert env == {"OPENBLAS_CORETYPE": "SkylakeX"}


def test_unknown_perturbation_is_a_clear_error():
    with pytest.raises(ValueError, match="expected one of"):
        perturb.environment("fast-laptop", {})


def test_perturbations_cover_what_the_tolerances_claim():
    """The tolerances are measured under thread counts, BLAS kernels, ISA and one core."""
    assert {"one-core", "tf-threads-1", "tf-threads-4", "openblas-skylakex", "isa-avx512"} <= set(
        perturb.PERTURBATIONS)


def test_the_makefile_checks_the_reproducibility_variables_the_perturbations_change():
    makefile = (ROOT / "Makefile").read_text()
    assert "test-perturbed:" in makefile and "tools/perturb.py $(PERTURB)" in makefile


@pytest.mark.parametrize("x, ceiling", [(0.0031, 0.005), (0.01, 0.01), (0.012, 0.02),
                                        (3.4e-5, 5e-5), (0.0, 0.0), (7.0, 10.0)])
def test_nice_ceiling(x, ceiling):
    assert portability.nice_ceiling(x) == pytest.approx(ceiling)


def test_suggested_tolerance_has_headroom_over_what_was_measured():
    entry = portability.suggested({"atol": 0.004, "rtol": 0.01, "itol": 1}, runs=5)
    assert entry["atol"] >= portability.HEADROOM * 0.004
    assert entry["rtol"] >= portability.HEADROOM * 0.01
    assert entry["itol"] == portability.HEADROOM and entry["measured"]["runs"] == 5
    assert portability.suggested({"atol": 0.0, "rtol": 0.0, "itol": 0}, runs=5) is None


@pytest.mark.slow
def test_a_model_that_does_not_learn_fails_its_notebook(tmp_path):
    """The first network's notebook, its optimiser steps thrown away, stops on an assertion."""
    import subprocess

    result = subprocess.run(
        [sys.executable, "tools/perturb.py", "sabotage-no-learning", "--", sys.executable,
         "tools/nbrun.py", "--outdir", str(tmp_path), "notebooks/04_first_network.ipynb"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode != 0, "the sabotaged notebook ran to the end"
    assert "AssertionError" in result.stderr, result.stderr[-2000:]
