"""Memory of a process that runs hypotests on many model structures (issue 14): resident memory (RSS) and
memory maps after each model, with neos's bound on kept executables (`neos.structure.MAX_COMPILED_STRUCTURES`)
and, with --no-limit, without it (each structure's executable kept: the process grows until LLVM fails with
"Cannot allocate memory", at about 46 structures where the kernel allows 65,530 maps).

    python benchmarks/bench_memory.py [--models 100] [--seed 0] [--no-limit]

The models are `neos.testing.random_spec`'s random ones (1-3 channels, every modifier kind and code).
Prints one line per model and RSS/maps after 10 and after the last. Not a test: numbers depend on the machine.
"""
import argparse
import sys
import time
import warnings
from pathlib import Path

import jax
import numpy as np

import neos  # noqa: F401  (float64)
import neos.structure
from neos import infer
from neos import models as nm
from neos.fit import FitWarning
from neos.testing import random_spec

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_likelihoods import rss_mib  # noqa: E402  (resident memory, MiB)


def n_maps() -> int:
    "Memory maps of this process (the kernel's limit is vm.max_map_count)."
    with open("/proc/self/maps") as f:
        return sum(1 for _ in f)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-limit", action="store_true", help="keep every executable (MAX_COMPILED_STRUCTURES = None)")
    args = ap.parse_args(argv)
    if args.no_limit:
        neos.structure.MAX_COMPILED_STRUCTURES = None
    print(f"MAX_COMPILED_STRUCTURES = {neos.structure.MAX_COMPILED_STRUCTURES}; jax {jax.__version__}")
    rng, marks, t0 = np.random.default_rng(args.seed), {}, time.time()
    for i in range(1, args.models + 1):
        spec, params, settings, obs = random_spec(rng)
        m = nm.Model(spec, measurement={"parameters": params}, modifier_settings=settings)
        data = np.concatenate([obs, np.asarray(m.config.auxdata)])
        t = time.time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FitWarning)
            cls = float(infer.hypotest(1.0, data, m))
        marks[i] = (rss_mib(), n_maps())
        print(f"model {i:3d}: {m.config.npars:2d} pars, CLs {cls:.4f}, {time.time() - t:5.1f} s, "
              f"RSS {marks[i][0]:6.0f} MiB, {marks[i][1]:6d} maps", flush=True)
    for i in sorted({min(10, args.models), args.models}):
        print(f"after {i:3d} models: RSS {marks[i][0]:.0f} MiB, {marks[i][1]} maps")
    print(f"total {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
