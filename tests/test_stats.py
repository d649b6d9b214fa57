"""Unit tests of dlbook.stats (fair comparisons) and dlbook.report (glue)."""

import math

import numpy as np
import pytest
from scipy.stats import binomtest

import dlbook
from dlbook.report import GLUE_PREFIX

# ---------------------------------------------------------------- binomial_se


def test_binomial_se_formula():
    assert dlbook.binomial_se(0.9, 100) == pytest.approx(0.03)
    assert dlbook.binomial_se(1.0, 45) == 0.0


BAD_PROPORTIONS = [(1.2, 10), (-0.1, 10), (0.5, 0), (0.5, 2.5), (0.5, True)]


@pytest.mark.parametrize(("accuracy", "n"), BAD_PROPORTIONS)
def test_binomial_se_rejects_bad_input(accuracy, n):
    with pytest.raises(ValueError, match="must be"):
        dlbook.binomial_se(accuracy, n)


# ---------------------------------------------------------------- mcnemar


def test_mcnemar_counts_only_disagreements():
    y = np.array([0, 1, 1, 0, 1, 0, 1, 1])
    a = np.array([0, 1, 1, 0, 0, 1, 1, 1])  # wrong on 4, 5
    b = np.array([0, 1, 0, 0, 1, 1, 0, 0])  # wrong on 2, 5, 6, 7
    result = dlbook.mcnemar(y, a, b)
    assert (result.only_a, result.only_b) == (3, 1)
    assert result.pvalue == pytest.approx(binomtest(3, 4, 0.5).pvalue)


def test_mcnemar_identical_predictions_give_p_one():
    y = np.arange(5)
    assert dlbook.mcnemar(y, y, y).pvalue == 1.0


def test_mcnemar_is_symmetric_and_detects_a_clear_winner():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    good = np.where(rng.random(400) < 0.95, y, 1 - y)
    bad = np.where(rng.random(400) < 0.75, y, 1 - y)
    assert dlbook.mcnemar(y, good, bad).pvalue < 1e-6
    assert dlbook.mcnemar(y, good, bad).pvalue == pytest.approx(dlbook.mcnemar(y, bad, good).pvalue)


def test_mcnemar_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same test examples"):
        dlbook.mcnemar([0, 1, 1], [0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="1-D"):
        dlbook.mcnemar([[0, 1]], [[0, 1]], [[0, 1]])


# ---------------------------------------------------------------- paired_difference


def test_paired_difference_mean_and_se():
    a = np.array([1.0, 2.0, 3.0, 4.0])
    b = np.array([0.5, 2.0, 2.0, 3.5])
    diff = a - b
    result = dlbook.paired_difference(a, b)
    assert result.mean == pytest.approx(diff.mean())
    assert result.se == pytest.approx(diff.std(ddof=1) / 2)
    assert result.n == 4


def test_paired_se_is_smaller_than_unpaired_when_models_agree_on_hard_examples():
    rng = np.random.default_rng(1)
    hardness = rng.random(1000)
    a = (hardness < 0.9).astype(float)
    b = (hardness < 0.88).astype(float)
    unpaired = math.sqrt(a.var(ddof=1) / 1000 + b.var(ddof=1) / 1000)
    assert dlbook.paired_difference(a, b).se < unpaired / 3


def test_paired_difference_rejects_bad_input():
    with pytest.raises(ValueError, match="same test examples"):
        dlbook.paired_difference([1, 0, 1], [1, 0])
    with pytest.raises(ValueError, match="at least two"):
        dlbook.paired_difference([1], [0])


# ---------------------------------------------------------------- seed_summary


def test_seed_summary_uses_sample_sd():
    mean, sd = dlbook.seed_summary([0.9, 0.92, 0.94])
    assert mean == pytest.approx(0.92)
    assert sd == pytest.approx(0.02)


def test_seed_summary_needs_two_seeds():
    with pytest.raises(ValueError, match="at least two"):
        dlbook.seed_summary([0.9])


# ---------------------------------------------------------------- compare_*


def test_compare_classifiers_table():
    y = np.array([0, 1, 1, 0, 1, 0, 1, 1])
    net = np.array([0, 1, 1, 0, 0, 1, 1, 1])
    knn = np.array([0, 1, 0, 0, 1, 1, 0, 0])
    table = dlbook.compare_classifiers(y, {"network": net, "k-NN": knn})
    assert list(table.index) == ["network", "k-NN"]
    assert table.loc["network", "accuracy"] == pytest.approx(6 / 8)
    assert table.loc["k-NN", "diff vs network"] == pytest.approx(4 / 8 - 6 / 8)
    assert table.loc["k-NN", "mcnemar p"] == pytest.approx(dlbook.mcnemar(y, knn, net).pvalue)
    assert np.isnan(table.loc["network", "mcnemar p"])


def test_compare_classifiers_rejects_one_model_and_bad_lengths():
    with pytest.raises(ValueError, match="at least two"):
        dlbook.compare_classifiers([0, 1], {"only": [0, 1]})
    with pytest.raises(ValueError, match="same test examples"):
        dlbook.compare_classifiers([0, 1, 1], {"a": [0, 1, 1], "b": [0, 1]})


def test_compare_regressors_table():
    y = np.array([1.0, 2.0, 3.0])
    predictions = {"net": [1.5, 2.0, 2.0], "mean": [2.0, 2.0, 2.0]}
    table = dlbook.compare_regressors(y, predictions, loss="mse")
    assert table.loc["net", "mse"] == pytest.approx((0.25 + 0 + 1) / 3)
    assert table.loc["mean", "diff vs net"] == pytest.approx(2 / 3 - 1.25 / 3)


def test_compare_regressors_pairs_per_example_for_several_outputs():
    rng = np.random.default_rng(0)
    y = rng.normal(size=(50, 4))
    a, b = y + rng.normal(scale=0.1, size=y.shape), y + rng.normal(scale=0.2, size=y.shape)
    table = dlbook.compare_regressors(y, {"a": a, "b": b}, loss="mse")
    per_a, per_b = ((a - y) ** 2).mean(axis=1), ((b - y) ** 2).mean(axis=1)
    assert table.loc["b", "mse"] == pytest.approx(per_b.mean())
    assert table.loc["b", "paired se"] == pytest.approx(dlbook.paired_difference(per_b, per_a).se)
    with pytest.raises(ValueError, match="200 of y_true"):
        dlbook.compare_regressors(y, {"a": a, "b": b[:10]})


def test_compare_regressors_rejects_unknown_loss():
    with pytest.raises(ValueError, match="loss must be one of"):
        dlbook.compare_regressors([1.0, 2.0], {"a": [1, 2], "b": [2, 1]}, loss="huber")


# ---------------------------------------------------------------- glue


def test_glue_stores_what_myst_nb_reads(monkeypatch):
    from myst_nb.core.variables import format_plain_text
    from myst_nb.ext.glue import GLUE_PREFIX as MYST_PREFIX

    assert GLUE_PREFIX == MYST_PREFIX
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.append((a, k)))
    stored = dlbook.glue("acc", np.float32(0.93612), digits=3)
    assert stored == 0.936 and type(stored) is float
    (data,), kwargs = shown[0]
    assert kwargs["raw"] is True
    assert kwargs["metadata"] == {"scrapbook": {"name": "acc", "mime_prefix": GLUE_PREFIX}}
    assert format_plain_text(data[GLUE_PREFIX + "text/plain"], ".1%") == "93.6%"
    dlbook.glue("n", np.int64(106))
    assert shown[1][0][0][GLUE_PREFIX + "text/plain"] == "106"


@pytest.mark.parametrize(("name", "value", "kwargs", "error"), [
    ("has space", 1.0, {}, ValueError),
    ("x", [1.0], {}, TypeError),
    ("x", "text", {"digits": 2}, TypeError),
])
def test_glue_rejects_bad_input(monkeypatch, name, value, kwargs, error):
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: None)
    with pytest.raises(error):
        dlbook.glue(name, value, **kwargs)


# ---------------------------------------------------------------- p_range, format_comparison


@pytest.mark.parametrize(("p", "expected"), [
    (0.0004, "< 0.001"), (0.001, "< 0.05"), (0.02, "< 0.05"), (0.05, "≥ 0.05"), (0.9, "≥ 0.05"),
    (float("nan"), ""),
])
def test_p_range_default_levels(p, expected):
    assert dlbook.p_range(p) == expected


def test_p_range_one_level():
    assert dlbook.p_range(0.0001, levels=[0.05]) == "< 0.05"
    assert dlbook.p_range(0.3, levels=[0.05]) == "≥ 0.05"


@pytest.mark.parametrize("levels", [[], [0.05, 0.001], [0.0, 0.05], [1.5]])
def test_p_range_rejects_bad_levels(levels):
    with pytest.raises(ValueError, match="increasing significance levels"):
        dlbook.p_range(0.01, levels=levels)


def test_format_comparison_shows_ranges_and_blanks():
    y = np.array([0, 1] * 50)
    wrong = 1 - y
    text = dlbook.format_comparison(dlbook.compare_classifiers(y, {"net": y, "bad": wrong}))
    lines = text.splitlines()
    assert lines[-1].split()[-1] == "0.001" and "< 0.001" in lines[-1]
    assert "1.000" in lines[-2] and "nan" not in text
    with pytest.raises(ValueError, match="non-negative"):
        dlbook.format_comparison(dlbook.compare_classifiers(y, {"net": y, "bad": wrong}), digits=-1)


# ---------------------------------------------------------------- frechet_distance
def test_frechet_distance_matches_the_definition():
    from scipy import linalg
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(300, 5)), rng.normal(size=(300, 5)) @ rng.normal(size=(5, 5))
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    by_definition = (np.sum((a.mean(0) - b.mean(0)) ** 2)
                     + np.trace(cov_a + cov_b - 2 * linalg.sqrtm(cov_a @ cov_b).real))
    assert dlbook.frechet_distance(a, b) == pytest.approx(by_definition, rel=1e-8)


def test_frechet_distance_is_zero_for_one_set_and_counts_a_shift():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(200, 3))
    assert dlbook.frechet_distance(a, a) == pytest.approx(0, abs=1e-9)
    # A shift of every feature by 2 adds 3 * 2² and leaves the covariances equal.
    assert dlbook.frechet_distance(a, a + 2) == pytest.approx(12, abs=1e-9)


def test_frechet_distance_handles_a_singular_covariance():
    rng = np.random.default_rng(2)
    a = rng.normal(size=(100, 4))
    a[:, 3] = 0.0   # a dead feature (a ReLU unit that never fires)
    assert np.isfinite(dlbook.frechet_distance(a, rng.normal(size=(100, 4))))


@pytest.mark.parametrize(("a", "b", "message"), [
    (np.zeros(5), np.zeros((5, 1)), "features_a must be a 2-D array"),
    (np.zeros((1, 3)), np.zeros((5, 3)), "at least two rows"),
    (np.zeros((5, 3)), np.zeros((5, 2)), "same number of features"),
])
def test_frechet_distance_rejects_bad_shapes(a, b, message):
    with pytest.raises(ValueError, match=message):
        dlbook.frechet_distance(a, b)
