"""Run a command as if on another machine: other thread counts, BLAS kernels, ISA or one core.

Stored outputs are checked with tolerances measured under these perturbations
(see tests/nbval_numeric.py and book/setup.md). Each one changes how matrix
products are blocked or vectorised on *this* machine, the way a reader's CPU
would, without changing any code::

    python tools/perturb.py one-core -- python -m pytest notebooks --nbval ...
    make test-perturbed PERTURB=one-core

``python tools/perturb.py --list`` prints them.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys

#: name -> (variables to set, variables to remove, CPUs to pin to or None, what it emulates)
PERTURBATIONS: dict[str, tuple[dict[str, str], tuple[str, ...], set[int] | None, str]] = {
    "none": ({}, (), None, "this machine as the Makefile configures it"),
    "one-core": ({}, (), {0}, "a one-core machine (taskset -c 0): one thread everywhere"),
    "tf-threads-1": ({"TF_NUM_INTRAOP_THREADS": "1"}, (), None,
                     "TensorFlow with one intra-op thread"),
    "tf-threads-4": ({"TF_NUM_INTRAOP_THREADS": "4", "OPENBLAS_NUM_THREADS": "4"}, (), None,
                     "a 4-core machine's thread counts (TensorFlow and OpenBLAS)"),
    "tf-threads-3": ({"TF_NUM_INTRAOP_THREADS": "3", "OPENBLAS_NUM_THREADS": "3"}, (), None,
                     "a 3-core machine's thread counts: held out when the tolerances were set"),
    "openblas-skylakex": ({"OPENBLAS_CORETYPE": "SkylakeX"}, ("OPENBLAS_L2_SIZE",), None,
                          "NumPy/SciPy on OpenBLAS's AVX-512 (SkylakeX) kernels"),
    "isa-avx512": ({"ONEDNN_MAX_CPU_ISA": "AVX512_CORE",
                    "XLA_FLAGS": "--xla_cpu_max_isa=AVX512"}, (), None,
                   "TensorFlow's oneDNN GEMM and XLA on AVX-512 instead of the AVX2 cap"),
}


#: Sabotages, to show that the suite catches a broken model: code that every
#: notebook kernel runs at start-up (an IPython startup file), before any cell.
SABOTAGES: dict[str, tuple[str, str]] = {
    "sabotage-no-learning": (
        "import os\n"
        "from dlbook.runtime import TF_ENVIRONMENT\n"
        "# as dlbook.setup() would, before TensorFlow loads\n"
        "for key, value in TF_ENVIRONMENT.items():\n"
        "    os.environ.setdefault(key, value)\n"
        "import keras.src.optimizers.base_optimizer as base\n"
        "base.BaseOptimizer._backend_apply_gradients = lambda self, grads, variables: None\n",
        "every Keras optimizer computes its step and then does not apply it (a zero learning rate)",
    ),
}


def environment(name: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment ``base`` (default: this process's) with perturbation ``name`` applied."""
    if name not in PERTURBATIONS:
        raise ValueError(f"unknown perturbation {name!r}; expected one of {sorted(PERTURBATIONS)}")
    env = dict(os.environ if base is None else base)
    sets, removes, _, _ = PERTURBATIONS[name]
    for key in removes:
        env.pop(key, None)
    env.update(sets)
    return env


def sabotage_profile(name: str) -> str:
    """A fresh IPython directory whose start-up file applies sabotage ``name``; returns its path."""
    import tempfile

    folder = pathlib.Path(tempfile.mkdtemp(prefix="dlbook-sabotage-"))
    startup = folder / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-sabotage.py").write_text(SABOTAGES[name][0])
    return str(folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", nargs="?", help="one of --list")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command to run")
    parser.add_argument("--list", action="store_true", help="print the perturbations and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, (*_, what) in {**PERTURBATIONS, **SABOTAGES}.items():
            print(f"{name:22s} {what}")
        return 0
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not args.name or not command:
        parser.error("expected a perturbation name, then -- and a command")
    if args.name in SABOTAGES:
        env = dict(os.environ)
        env["IPYTHONDIR"] = sabotage_profile(args.name)
        os.execvpe(command[0], command, env)
    if args.name not in PERTURBATIONS:
        parser.error(f"unknown perturbation {args.name!r}; "
                     f"expected one of {sorted(PERTURBATIONS) + sorted(SABOTAGES)}")
    env = environment(args.name)
    cpus = PERTURBATIONS[args.name][2]
    if cpus is not None:
        os.sched_setaffinity(0, cpus)  # inherited by the command and its kernels
    os.execvpe(command[0], command, env)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())
