"""Shared test set-up: TensorFlow's environment must be in place before it is imported."""

import os

from dlbook.runtime import TF_ENVIRONMENT

# The Makefile exports these too; setting them here makes a bare `pytest` behave the same.
for _key, _value in TF_ENVIRONMENT.items():
    os.environ.setdefault(_key, _value)
