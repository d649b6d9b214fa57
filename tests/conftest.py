"""Shared test set-up: TensorFlow's environment must be in place before it is imported."""

import os
import pathlib

from dlbook.runtime import BLAS_ENVIRONMENT, TF_ENVIRONMENT

# The Makefile exports these too; setting them here makes a bare `pytest` behave the same,
# including in the notebook kernels nbval starts (they inherit this process's environment).
for _key, _value in TF_ENVIRONMENT.items():
    os.environ.setdefault(_key, _value)
# The kernels are new processes: they take the Makefile's hash seed from here too.
os.environ.setdefault("PYTHONHASHSEED", "0")

_cpuinfo = pathlib.Path("/proc/cpuinfo")
if _cpuinfo.is_file() and " avx2" in _cpuinfo.read_text():
    for _key, _value in BLAS_ENVIRONMENT.items():
        os.environ.setdefault(_key, _value)
