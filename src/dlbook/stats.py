"""Fair comparisons: is model A really better than model B on this test set?

Two models scored on the *same* test examples are not independent draws: most
examples are easy for both, a few are hard for both. Comparing their two
accuracies as if they were independent (each with its own binomial standard
error) throws that pairing away and makes real differences look like noise. The
helpers here use the pairing: McNemar's exact test and the paired standard
error for classifiers, the paired standard error of per-example losses for
regressors, and mean +- standard deviation over seeds for claims about a method
rather than about one trained model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np


class McNemarResult(NamedTuple):
    """What :func:`mcnemar` returns.

    Introduced in :doc:`/book/helpers`.
    """

    only_a: int
    """Examples that model A gets right and model B gets wrong."""
    only_b: int
    """Examples that model B gets right and model A gets wrong."""
    pvalue: float
    """The two-sided exact p-value, how often a split this lopsided arises between equal models."""


class PairedDifference(NamedTuple):
    """What :func:`paired_difference` returns: mean of ``a - b`` and its standard error.

    Introduced in :doc:`/book/helpers`.
    """

    mean: float
    se: float
    n: int


def _vector(values: Any, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of per-example values, "
                         f"got shape {array.shape}")
    return array


def _same_length(**arrays: np.ndarray) -> None:
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"the arrays must score the same test examples, got lengths {lengths}")


def binomial_se(accuracy: float, n: int) -> float:
    """Standard error of an accuracy measured on ``n`` independent test examples.

    ``sqrt(p (1 - p) / n)``: the spread one model's test accuracy would show
    across test sets of the same size. Use it for one model; to compare two
    models on one test set, use :func:`mcnemar` or :func:`paired_difference`.

    Introduced in :doc:`/notebooks/04_first_network`.

    Raises
    ------
    ValueError
        If ``accuracy`` is not in [0, 1] or ``n`` is not a positive integer.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer (the number of test examples), got {n!r}")
    if not 0.0 <= float(accuracy) <= 1.0:
        raise ValueError(f"accuracy must be a proportion in [0, 1], got {accuracy!r}")
    return math.sqrt(float(accuracy) * (1.0 - float(accuracy)) / int(n))


def mcnemar(y_true: Any, pred_a: Any, pred_b: Any) -> McNemarResult:
    """McNemar's exact test of two classifiers' predictions on the same test examples.

    Only the examples on which the two disagree carry information. If both
    models were equally good, each such example would be equally likely to
    favour A or B, so the count favouring A is Binomial(disagreements, 1/2);
    the p-value is the two-sided exact binomial tail
    :cite:p:`mcnemar1947note,dietterich1998approximate`.

    Introduced in :doc:`/notebooks/04_first_network`.

    Raises
    ------
    ValueError
        If the three arrays are not 1-D of one length.
    """
    from scipy.stats import binomtest

    y_true = _vector(y_true, "y_true")
    pred_a, pred_b = _vector(pred_a, "pred_a"), _vector(pred_b, "pred_b")
    _same_length(y_true=y_true, pred_a=pred_a, pred_b=pred_b)
    right_a, right_b = pred_a == y_true, pred_b == y_true
    only_a = int(np.sum(right_a & ~right_b))
    only_b = int(np.sum(right_b & ~right_a))
    disagreements = only_a + only_b
    pvalue = 1.0 if disagreements == 0 else float(binomtest(only_a, disagreements, 0.5).pvalue)
    return McNemarResult(only_a, only_b, pvalue)


def paired_difference(scores_a: Any, scores_b: Any) -> PairedDifference:
    """Mean of the per-example differences ``a - b`` and its standard error.

    ``scores_a`` and ``scores_b`` score the *same* examples: 1/0 for right and
    wrong (the mean difference is then the accuracy difference), or a
    per-example loss such as the absolute or squared error. The standard error
    is ``sd(a - b) / sqrt(n)``, which is smaller than the unpaired one whenever
    the two models find the same examples hard.

    Introduced in :doc:`/notebooks/04_first_network`.

    Raises
    ------
    ValueError
        If the arrays are not 1-D of one length with at least two examples.
    """
    a = _vector(scores_a, "scores_a").astype(float)
    b = _vector(scores_b, "scores_b").astype(float)
    _same_length(scores_a=a, scores_b=b)
    if len(a) < 2:
        raise ValueError("a standard error needs at least two examples")
    diff = a - b
    se = float(diff.std(ddof=1) / math.sqrt(len(diff)))
    return PairedDifference(float(diff.mean()), se, len(diff))


def seed_summary(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (``ddof=1``) of one score over several seeds.

    A claim about a *method* ("dropout helps") needs several trainings that
    differ only in their seed; the standard deviation shows how much one
    seed's luck can move the score.

    Introduced in :doc:`/notebooks/06_backprop`.

    Raises
    ------
    ValueError
        If fewer than two values are given.
    """
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or array.size < 2:
        raise ValueError("need a 1-D sequence of at least two scores (one per seed), "
                         f"got shape {array.shape}")
    return float(array.mean()), float(array.std(ddof=1))


def compare_classifiers(y_true: Any, predictions: Mapping[str, Any]):
    """One table comparing classifiers on one test set, each row against the first.

    ``predictions`` maps a model's name to its predicted labels, the reference
    model (usually the network) first. Each row shows the accuracy and its
    :func:`binomial_se`; each row after the first adds the difference to the
    reference, its paired standard error and McNemar's p-value.

    Introduced in :doc:`/notebooks/01_ml_overview`.

    Returns
    -------
    pandas.DataFrame
        Indexed by model name; columns ``accuracy``, ``se``, ``diff vs <ref>``,
        ``paired se``, ``mcnemar p``.

    Raises
    ------
    ValueError
        If fewer than two models are given or the arrays differ in length.
    """
    import pandas as pd

    if len(predictions) < 2:
        raise ValueError(f"need at least two models to compare, got {list(predictions)}")
    y_true = _vector(y_true, "y_true")
    names = list(predictions)
    preds = {name: _vector(p, f"predictions[{name!r}]") for name, p in predictions.items()}
    _same_length(y_true=y_true, **{f"predictions[{n!r}]": p for n, p in preds.items()})
    reference = names[0]
    right_ref = (preds[reference] == y_true).astype(float)
    rows = []
    for name in names:
        right = (preds[name] == y_true).astype(float)
        accuracy = float(right.mean())
        row = {"accuracy": accuracy, "se": binomial_se(accuracy, len(y_true))}
        if name != reference:
            paired = paired_difference(right, right_ref)
            row.update({f"diff vs {reference}": paired.mean, "paired se": paired.se,
                        "mcnemar p": mcnemar(y_true, preds[name], preds[reference]).pvalue})
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(names, name="model"))


def compare_regressors(y_true: Any, predictions: Mapping[str, Any], *, loss: str = "mae"):
    """One table comparing regressors on one test set, each row against the first.

    ``loss`` is ``"mae"`` (absolute error) or ``"mse"`` (squared error). Each
    row shows the mean loss; each row after the first adds the mean of the
    per-example loss differences to the reference and its paired standard error.
    ``y_true`` is one number per example, shape ``(n,)``, or several, shape
    ``(n, d)`` (the pixels of an image): then an example's loss is the mean over
    its ``d`` outputs, so that the pairing, and the standard error, are per
    example and not per output.

    Introduced in :doc:`/notebooks/01_ml_overview`.

    Returns
    -------
    pandas.DataFrame
        Indexed by model name; columns ``<loss>``, ``diff vs <ref>``, ``paired se``.

    Raises
    ------
    ValueError
        If ``loss`` is unknown, fewer than two models are given or lengths differ.
    """
    import pandas as pd

    per_example = {"mae": lambda e: np.abs(e), "mse": lambda e: e**2}
    if loss not in per_example:
        raise ValueError(f"loss must be one of {sorted(per_example)}, got {loss!r}")
    if len(predictions) < 2:
        raise ValueError(f"need at least two models to compare, got {list(predictions)}")
    y_true = np.asarray(y_true, dtype=float)
    if y_true.ndim == 2 and y_true.size:
        y_true = y_true.reshape(len(y_true), -1)
    else:
        y_true = _vector(y_true, "y_true (shape (n,) or (n, d))")
    losses = {}
    for name, pred in predictions.items():
        pred = np.asarray(pred, dtype=float)
        if pred.size != y_true.size:
            raise ValueError(f"predictions[{name!r}] has {pred.size} values for the "
                             f"{y_true.size} of y_true (shape {y_true.shape})")
        errors = per_example[loss](pred.reshape(y_true.shape) - y_true)
        losses[name] = errors.mean(axis=1) if errors.ndim == 2 else errors
    reference = next(iter(losses))
    rows = []
    for name, values in losses.items():
        row = {loss: float(values.mean())}
        if name != reference:
            paired = paired_difference(values, losses[reference])
            row.update({f"diff vs {reference}": paired.mean, "paired se": paired.se})
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(list(losses), name="model"))


#: The significance levels :func:`p_range` reports by default: "very clear" and conventional.
#:
#: Introduced in :doc:`/notebooks/04_first_network`.
P_LEVELS = (0.001, 0.05)


def p_range(p: float, levels: Sequence[float] = P_LEVELS) -> str:
    """A p-value as the range a verdict needs, such as ``"< 0.05"`` or ``"≥ 0.05"``.

    The exact p-value of a near tie swings between machines (a test set's
    handful of disagreements changes with the last bit of training), but which
    side of a significance level it falls on rarely does. ``levels`` are the
    thresholds to report, in increasing order; NaN (the reference row of a
    :func:`compare_classifiers` table) gives an empty string. Chapter 04 meets
    it inside :func:`format_comparison`.

    Introduced in :doc:`/notebooks/13_cnn`.

    Raises
    ------
    ValueError
        If ``levels`` is empty, not increasing or not in (0, 1).
    """
    levels = [float(level) for level in levels]
    if not levels or any(not 0 < level < 1 for level in levels) or levels != sorted(set(levels)):
        raise ValueError(f"levels must be increasing significance levels in (0, 1), got {levels}")
    if math.isnan(p):
        return ""
    for level in levels:
        if p < level:
            return f"< {level:g}"
    return f"≥ {levels[-1]:g}"


def format_comparison(table, *, digits: int = 3, levels: Sequence[float] = P_LEVELS) -> str:
    """A :func:`compare_classifiers` or :func:`compare_regressors` table as text.

    Numbers get ``digits`` decimals, empty cells stay empty, and the McNemar
    column (if any) shows :func:`p_range` instead of the exact p-value.

    Introduced in :doc:`/notebooks/04_first_network`.
    """
    if digits < 0:
        raise ValueError(f"digits must be a non-negative number of decimals, got {digits}")
    formatters = {"mcnemar p": lambda p: p_range(p, levels)} if "mcnemar p" in table else {}
    return table.to_string(float_format=lambda v: f"{v:.{digits}f}", na_rep="",
                           formatters=formatters)


def frechet_distance(features_a: Any, features_b: Any) -> float:
    """Squared Fréchet distance between Gaussians fitted to two sets of feature rows.

    ``||m_a - m_b||² + tr(C_a + C_b - 2 (C_a C_b)^(1/2))``, the distance behind
    the FID score of generative models: 0 when the two sets have the same mean
    and covariance, growing as their samples differ. The matrix square root's
    trace is computed as the sum of the square roots of the eigenvalues of the
    symmetric ``C_a^(1/2) C_b C_a^(1/2)`` (the same eigenvalues as ``C_a C_b``),
    which stays stable when a covariance is singular.

    Introduced in :doc:`/notebooks/19_vae`.

    Raises
    ------
    ValueError
        If either set is not a 2-D array with at least two rows, or the two
        have different numbers of features.
    """
    sets = {"features_a": np.asarray(features_a, dtype=float),
            "features_b": np.asarray(features_b, dtype=float)}
    for name, rows in sets.items():
        if rows.ndim != 2 or len(rows) < 2:
            raise ValueError(f"{name} must be a 2-D array (samples, features) with at least two "
                             f"rows, got shape {rows.shape}")
    a, b = sets.values()
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"the two sets must have the same number of features, got {a.shape[1]} "
                         f"and {b.shape[1]}")
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    values, vectors = np.linalg.eigh(cov_a)
    root_a = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ cov_b @ root_a), 0, None)).sum()
    return float(np.sum((a.mean(axis=0) - b.mean(axis=0)) ** 2)
                 + np.trace(cov_a) + np.trace(cov_b) - 2 * cross)
