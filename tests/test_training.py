"""dlbook.fit_seeds: one fresh model per seed, reproducible, with clear errors."""

import numpy as np
import pytest

import dlbook


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype("float32")
    return x, x @ np.array([1.0, -2.0, 0.5], dtype="float32")


def _build():
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_fit_seeds_trains_one_model_per_seed_reproducibly():
    dlbook.setup(0)
    x, y = _data()
    first, second, again = dlbook.fit_seeds(_build, x, y, seeds=[1, 2], epochs=2, verbose=0) + \
        dlbook.fit_seeds(_build, x, y, seeds=[1], epochs=2, verbose=0)
    weights = [m.layers[0].get_weights()[0] for m in (first, second, again)]
    assert first is not second
    assert not np.allclose(weights[0], weights[1])          # another seed, another model
    np.testing.assert_array_equal(weights[0], weights[2])   # the same seed, the same model


@pytest.mark.parametrize(("build", "seeds", "error", "match"), [
    (None, [0], TypeError, "build_model must be a function"),
    (_build, [], ValueError, "distinct integers"),
    (_build, [0, 0], ValueError, "distinct integers"),
    (_build, [0.5], ValueError, "distinct integers"),
])
def test_fit_seeds_rejects_bad_input(build, seeds, error, match):
    x, y = _data()
    with pytest.raises(error, match=match):
        dlbook.fit_seeds(build, x, y, seeds=seeds, epochs=1, verbose=0)
