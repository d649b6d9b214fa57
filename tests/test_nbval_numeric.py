"""The output checker keeps its teeth: text, forms and untouched numbers exact; trained numbers
within their measured tolerance; and a model that does not learn fails its notebook."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import nbformat
import nbval_numeric as nn
import pytest
from nbval_numeric import compare_cell, compare_number

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import perturb  # noqa: E402
import portability  # noqa: E402


def stream(text: str) -> dict:
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def compare(stored: str, new: str, entries: dict | None = None) -> str | None:
    return nn.compare_texts("stdout", [stored], [new], entries or {})


# ----------------------------------------------------------------------------- tokens


@pytest.mark.parametrize("text, numbers", [
    ("conv2d_1 (None, 28, 28) acc 0.936, loss 1.5e-03; x86 +0.017 -3.",
     ["28", "28", "0.936", "1.5e-03", "+0.017", "-3."]),
    ("TensorFlow 2.21.0 | NumPy 2.4.6", []),           # version strings are text
    ("took 12.5ms, then 13ms", []),                      # numbers glued to units are text
    ("43 of 1,000 test digits", ["43", "1,000"]),       # one number, not two
    ("accuracy 0.936.", ["0.936"]),                      # a full stop ends a sentence
    ("[1. 1. 1.]", ["1.", "1.", "1."]),
    ("\u0661\u0662 digits", []),                         # only ASCII digits are digits
])
def test_split_finds_numbers_and_nothing_else(text, numbers):
    assert nn.split(text)[1] == numbers


@pytest.mark.parametrize("token, unit", [("0.517", 1e-3), ("39.8", 0.1), ("1.5e-03", 1e-4),
                                         ("12.", 1.0), ("2E+02", 100.0)])
def test_last_place(token, unit):
    assert nn.last_place(token) == pytest.approx(unit)


# ----------------------------------------------------------------------------- without a tolerance


def test_identical_text_passes():
    assert compare("accuracy 0.936 on 1000 digits", "accuracy 0.936 on 1000 digits") is None


def test_a_word_change_fails_even_where_numbers_may_move():
    wide = {"stdout#0": {"atol": 0.05}}
    assert "text differs" in compare("the network wins 0.9", "the network loses 0.9", wide)


@pytest.mark.parametrize("stored, new", [
    ("(1000, 784)", "(1000, 785)"),                      # a shape
    ("(1000, 784)", "(1000, 784, 1)"),                   # a rank
    ("26 digits misread", "27 digits misread"),          # a count
    ("labels [6 0 5]", "labels [6. 0. 5.]"),             # a dtype
    ("26 digits", "26.9 digits"),                        # an integer became a decimal
    ("TensorFlow 2.21.0", "TensorFlow 2.22.0"),          # a version
    ("lr 0.05", "lr 0.06"),                              # a one-digit setting
    ("after: [1. 1. 1.]", "after: [0. 2. 1.]"),
    ("43 of 1,000", "43 of 4,003"),
    ("[[1 2]\n [3 4]]", "[[1 2] [3 4]]"),               # a line break
    ("acc 0.517", "acc 0.519"),                          # two units in the last place
])
def test_untouched_numbers_and_structure_are_exact(stored, new):
    assert compare(stored, new) is not None


def test_a_computed_value_may_round_the_other_way_in_its_last_digit():
    assert compare("acc 0.517", "acc 0.518") is None
    assert compare("0.123456789", "0.123456790") is None          # 1e-8 relative
    assert compare("0.123456789", "0.123466789") is not None      # 1e-4 relative


def test_a_shifted_column_is_still_the_same_text():
    assert compare(" 9.99 | a", "10.00 | a", {"stdout#0": {"rtol": 0.01}}) is None


def test_nan_matches_only_nan():
    assert compare("loss nan", "loss nan") is None
    assert compare("loss nan", "loss 0.5") is not None


# ----------------------------------------------------------------------------- with a tolerance


ENTRIES = {"stdout#0": {"atol": 0.01, "after": "acc"},
           "stdout#1": {"rtol": 0.02, "after": ", loss"},
           "stdout#2": {"itol": 2, "after": ","}}


def test_a_trained_number_moves_within_its_own_tolerance_and_no_further():
    stored = "acc 0.936, loss 39.8, 26 wrong of 1000"
    assert compare(stored, "acc 0.930, loss 39.0, 28 wrong of 1000", ENTRIES) is None
    assert compare(stored, "acc 0.900, loss 39.8, 26 wrong of 1000", ENTRIES) is not None  # broken
    assert compare(stored, "acc 0.936, loss 36.0, 26 wrong of 1000", ENTRIES) is not None  # 10 %
    assert compare(stored, "acc 0.936, loss 39.8, 29 wrong of 1000", ENTRIES) is not None
    assert compare(stored, "acc 0.936, loss 39.8, 26 wrong of 1001", ENTRIES) is not None  # exact


def test_the_rounding_allowance_adds_to_a_tolerance():
    entry = {"atol": 0.01}
    assert compare_number("0.936", "0.947", entry) is None
    assert compare_number("0.936", "0.948", entry) is not None


def test_a_tolerance_whose_context_moved_is_reported_as_stale():
    problem = compare("val 0.936", "val 0.936", {"stdout#0": {"atol": 0.01, "after": "acc"}})
    assert problem and "stale" in problem


def test_cell_comparison_checks_kinds_and_counts_of_outputs():
    out = [stream("acc 0.936\n")]
    assert compare_cell(out, [stream("acc 0.936\n")], {}, skip=()) is None
    assert compare_cell(out, [stream("acc 0.700\n")], {"stdout#0": {"atol": 0.01}}, skip=())
    shown = nbformat.v4.new_output("execute_result", data={"text/plain": "0.936"},
                                   execution_count=1)
    assert "output kinds differ" in compare_cell(out, [shown], {}, skip=("execution_count",))


def test_skipped_streams_are_skipped_as_nbval_does():
    err = nbformat.v4.new_output("stream", name="stderr", text="a warning\n")
    assert compare_cell([stream("x\n"), err], [stream("x\n")], {}, skip=("stderr",)) is None


@pytest.mark.parametrize("spec, message", [
    ("0.1", "must be a mapping"),
    ({"atol": 0.1}, "must be a mapping with a 'numbers'"),
    ({"numbers": {"stdout": {"atol": 0.1}}}, "position"),
    ({"numbers": {"stdout#1": {"atol": -1}}}, "non-negative"),
    ({"numbers": {"stdout#1": {"atol": 0.1, "itol": 1}}}, "exactly one"),
    ({"numbers": {"stdout#1": {"itol": 1.5}}}, "whole number"),
    ({"numbers": {"stdout#1": {"tol": 1}}}, "keys among"),
    ({"numbers": {}, "extra": 1}, "unknown keys"),
])
def test_bad_tolerance_metadata_gets_a_clear_error(spec, message):
    with pytest.raises(ValueError, match=message):
        nn.tolerances({"tolerance": spec})


# ----------------------------------------------------------------------------- nbval itself


def _notebook(tmp_path, stored_text: str, tolerance: dict | None = None) -> pathlib.Path:
    cell = nbformat.v4.new_code_cell("print('acc', 0.936)", execution_count=1,
                                     outputs=[stream(stored_text)])
    if tolerance:
        cell.metadata["tolerance"] = {"numbers": {"stdout#0": tolerance}}
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("stored, tolerance, passes", [
    ("acc 0.936\n", None, True),
    ("acc 0.937\n", None, True),                      # last-place rounding
    ("acc 0.930\n", None, False),                     # moved, and no tolerance
    ("acc 0.930\n", {"atol": 0.01}, True),            # within the number's tolerance
    ("acc 0.900\n", {"atol": 0.01}, False),           # a broken model
    ("accuracy 0.936\n", {"atol": 0.05}, False),      # a word changed
])
def test_the_plugin_runs_a_notebook_through_nbval(tmp_path, stored, tolerance, passes):
    path = _notebook(tmp_path, stored, tolerance)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "nbval_numeric", "--nbval",
         "--nbval-current-env", "-o", f"pythonpath={ROOT / 'tests'}", "--rootdir",
         str(path.parent), str(path)],
        capture_output=True, text=True, cwd=path.parent,
    )
    assert (result.returncode == 0) == passes, result.stdout[-3000:]


# ----------------------------------------------------------------------------- stored tolerances


def _stored_tolerances():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        for index, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
            if "tolerance" in cell["metadata"]:
                yield path.name, index, cell["metadata"]["tolerance"]


def test_every_stored_tolerance_is_well_formed_and_follows_from_its_measurement():
    for name, index, spec in _stored_tolerances():
        entries = nn.tolerances({"tolerance": spec})
        measured = [e for e in entries.values() if "why" not in e]
        assert spec.get("runs") or not measured, f"{name} code cell {index}: record the runs"
        for position, entry in entries.items():
            bound = next(entry[k] for k in ("atol", "rtol", "itol") if k in entry)
            if "why" in entry:
                continue  # set by hand, with the reason beside it
            assert bound >= portability.HEADROOM * entry["measured"] * (1 - 1e-9), (
                f"{name} code cell {index} {position}: {bound} is not {portability.HEADROOM} "
                f"times the measured {entry['measured']}")


def test_every_stored_tolerance_is_narrow_enough_to_catch_a_changed_result():
    for name, index, spec in _stored_tolerances():
        problems = portability.too_wide(spec["numbers"])
        assert not problems, f"{name} code cell {index}: {problems}"


# ----------------------------------------------------------------------------- measurement


def test_measurement_counts_each_number_beyond_the_rounding_of_its_last_digit():
    def cell(text):
        return nbformat.v4.new_code_cell("", outputs=[stream(text)], execution_count=1)

    moved, structure = portability.measure(
        cell("lr 0.05, gap +0.9, acc 0.936, loss 39.8, 26 wrong\n"),
        cell("lr 0.05, gap +0.8, acc 0.931, loss 39.4, 28 wrong\n"))
    assert not structure
    assert set(moved) == {"stdout#1", "stdout#2", "stdout#3", "stdout#4"}   # not the setting
    assert moved["stdout#1"]["moved"] == pytest.approx(0.1)          # a flip counts whole
    assert moved["stdout#2"]["kind"] == "atol"
    assert moved["stdout#2"]["moved"] == pytest.approx(0.005)
    assert moved["stdout#3"]["kind"] == "rtol"
    assert moved["stdout#3"]["moved"] == pytest.approx(0.4 / 39.8)
    assert moved["stdout#4"]["kind"] == "itol" and moved["stdout#4"]["moved"] == 2


def test_measurement_reports_text_that_changed():
    def cell(text):
        return nbformat.v4.new_code_cell("", outputs=[stream(text)], execution_count=1)

    _, structure = portability.measure(cell("4: 0.013 #\n"), cell("4: 0.012 \n"))
    assert structure


@pytest.mark.parametrize("x, ceiling", [(0.0031, 0.004), (0.01, 0.01), (0.012, 0.02),
                                        (3.4e-5, 4e-5), (0.0, 0.0), (7.0, 7.0), (0.021, 0.03)])
def test_nice_ceiling(x, ceiling):
    assert portability.nice_ceiling(x) == pytest.approx(ceiling)


def test_suggested_tolerance_has_headroom_over_what_was_measured():
    entries = portability.suggested(
        {"stdout#2": {"kind": "atol", "moved": 0.004, "after": "acc", "unit": 0.001},
         "stdout#4": {"kind": "itol", "moved": 1, "after": "of", "unit": 1}})
    assert entries == {"stdout#2": {"atol": 0.02, "measured": 0.004, "after": "acc",
                                    "unit": 0.001},
                       "stdout#4": {"itol": 3, "measured": 1, "after": "of", "unit": 1}}


def test_too_wide_names_tolerances_that_could_not_fail_a_changed_result():
    assert portability.too_wide({"stdout#0": {"atol": 0.1, "unit": 0.001},
                                 "stdout#1": {"atol": 0.02, "unit": 0.001}}) == [
        "stdout#0 (''): atol 0.1 > 0.05"]
    # a number printed to one decimal may move by up to five units of it
    assert portability.too_wide({"stdout#0": {"atol": 0.3, "unit": 0.1}}) == []
    assert portability.too_wide({"stdout#0": {"atol": 0.6, "unit": 0.1}})


# ----------------------------------------------------------------------------- perturbations


def test_perturbation_sets_and_removes_variables():
    env = perturb.environment("openblas-skylakex",
                              {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "512"})
    assert env == {"OPENBLAS_CORETYPE": "SkylakeX"}


def test_unknown_perturbation_is_a_clear_error():
    with pytest.raises(ValueError, match="expected one of"):
        perturb.environment("fast-laptop", {})


def test_the_held_out_perturbation_exists_and_is_kept_out_of_apply():
    assert set(perturb.PERTURBATIONS) >= portability.HELD_OUT
    with pytest.raises(SystemExit):
        portability.main(["apply", *sorted(portability.HELD_OUT)])


@pytest.mark.slow
def test_a_model_that_does_not_learn_fails_its_notebook(tmp_path):
    """The first network's notebook, with every Keras optimiser step thrown away, stops on an
    assertion (not only on a changed number)."""
    result = subprocess.run(
        [sys.executable, "tools/perturb.py", "sabotage-no-learning", "--", sys.executable,
         "tools/nbrun.py", "--outdir", str(tmp_path), "notebooks/04_first_network.ipynb"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode != 0, "the sabotaged notebook ran to the end"
    # a cell of the notebook raised it (not the kernel client, whose own asserts also
    # raise AssertionError, but outside a CellExecutionError)
    assert "CellExecutionError" in result.stderr, result.stderr[-2000:]
    in_a_cell = result.stderr.split("CellExecutionError", 1)[1]
    assert "AssertionError" in in_a_cell, result.stderr[-2000:]


def test_glued_values_may_drop_trailing_zeros_but_not_move():
    glue = nn.GLUE_PREFIX + "text/plain"
    assert nn.compare_texts(glue, ["0.48"], ["0.482"]) is not None        # moved two units
    assert nn.compare_texts(glue, ["0.48"], ["0.481"]) is None            # one unit of 0.001
    assert nn.compare_texts(glue, ["0.5"], ["0.50"]) is None
    assert nn.compare_texts(glue, ["12"], ["12.0"]) is not None           # integer vs decimal
    assert nn.compare_texts("stdout", ["0.48"], ["0.481"]) is not None    # printed: keeps its form
