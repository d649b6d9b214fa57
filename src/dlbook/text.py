"""Training data for word2vec: skip-gram pairs with negative samples."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SkipgramBatch = tuple[np.ndarray, np.ndarray, np.ndarray]


def _check_noise(noise: np.ndarray) -> np.ndarray:
    noise = np.asarray(noise, dtype=np.float64)
    if noise.ndim != 1 or noise.size == 0:
        raise ValueError(
            f"noise must be a 1-D array of word probabilities, got shape {noise.shape}"
        )
    if np.any(noise < 0) or not np.isclose(noise.sum(), 1.0):
        raise ValueError(f"noise must be non-negative and sum to 1, got sum {noise.sum():.6g}")
    return noise


def skipgram_pairs(
    sentences: Sequence[Sequence[int]],
    window: int,
    num_negative: int,
    noise: np.ndarray,
    rng: np.random.Generator,
) -> SkipgramBatch:
    """Skip-gram training examples with negative samples, as word2vec makes them.

    For every position ``i`` of every sentence, an effective window ``b`` is drawn
    uniformly from ``1..window`` (so nearer words are paired more often, as in
    Mikolov et al.'s code and gensim); each word within ``b`` positions of ``i``
    in the same sentence gives one positive pair (target = word ``i``, context =
    that word). Each positive pair gets ``num_negative`` noise words drawn from
    ``noise``, the distribution over the vocabulary (word2vec uses unigram
    counts to the power 3/4, normalised).

    Introduced in :doc:`/notebooks/17_word2vec`.

    Parameters
    ----------
    sentences:
        Sentences as sequences of word ids in ``range(len(noise))``. Windows do
        not cross sentence boundaries.
    window:
        The largest distance between a target and a context word, at least 1.
    num_negative:
        Noise words per positive pair, at least 0.
    noise:
        Probabilities of the vocabulary's words as noise words (non-negative,
        summing to 1).
    rng:
        A ``numpy.random.Generator``: the only source of randomness.

    Returns
    -------
    (targets, contexts, labels)
        ``targets`` of shape ``(n,)``; ``contexts`` of shape ``(n, 1 + num_negative)``
        whose first column is the true context word and whose other columns are
        noise words; ``labels`` of the same shape, 1.0 in the first column and 0.0
        elsewhere. Ids are ``int32``, labels ``float32``. Pairs are ordered by
        sentence, then position; shuffle them before training.

    Raises
    ------
    ValueError
        If ``window`` or ``num_negative`` is out of range, ``noise`` is not a
        probability vector, or a word id is not a valid index into ``noise``.
    TypeError
        If ``rng`` is not a ``numpy.random.Generator``.
    """
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be an int >= 1, got {window!r}")
    if (isinstance(num_negative, bool) or not isinstance(num_negative, (int, np.integer))
            or num_negative < 0):
        raise ValueError(f"num_negative must be an int >= 0, got {num_negative!r}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator (np.random.default_rng(seed)), "
                        f"got {type(rng).__name__}")
    noise = _check_noise(noise)

    lengths = np.array([len(s) for s in sentences], dtype=np.int64)
    ids = (np.concatenate([np.asarray(s, dtype=np.int64).ravel() for s in sentences])
           if len(sentences) else np.zeros(0, np.int64))
    if ids.size != lengths.sum():
        raise ValueError("each sentence must be a flat sequence of word ids")
    if ids.size and (ids.min() < 0 or ids.max() >= noise.size):
        raise ValueError(f"word ids must lie in range(len(noise)) = range({noise.size}), "
                         f"got ids from {ids.min()} to {ids.max()}")
    sentence_of = np.repeat(np.arange(len(lengths)), lengths)
    reach = rng.integers(1, window + 1, size=ids.size)  # effective window of each target position

    target_positions, context_positions = [], []
    for offset in range(1, window + 1):
        left, right = np.arange(ids.size - offset), np.arange(offset, ids.size)
        same_sentence = sentence_of[left] == sentence_of[right]
        # the word at `left` as target, `right` as its context, and the other way round
        forward = same_sentence & (reach[left] >= offset)
        backward = same_sentence & (reach[right] >= offset)
        target_positions += [left[forward], right[backward]]
        context_positions += [right[forward], left[backward]]
    targets_at = np.concatenate(target_positions) if target_positions else np.zeros(0, np.int64)
    contexts_at = np.concatenate(context_positions) if context_positions else np.zeros(0, np.int64)
    order = np.lexsort((contexts_at, targets_at))  # by target position, then context position
    targets, positives = ids[targets_at[order]], ids[contexts_at[order]]

    negatives = rng.choice(noise.size, size=(targets.size, num_negative), p=noise)
    contexts = np.column_stack([positives, negatives]).astype(np.int32)
    labels = np.zeros(contexts.shape, dtype=np.float32)
    labels[:, 0] = 1.0
    return targets.astype(np.int32), contexts, labels
