"""What the fit's multi-start globalisation costs: neos hypotest with n_starts=1 vs the default, side by side
in one run, on the seed models (bench_hypotest.py's three small models: value and gradient w.r.t. the
yields) and on published ATLAS workspaces (value, and gradient w.r.t. the data).

    python benchmarks/bench_globalisation.py [--repeats N] [--models atlas_ditau_combined ...] [--no-large]

Prints first call (compile included) and steady state per call for each n_starts, the ratio default / 1,
and whether the two settings give the same CLs. Not a test: timings depend on the machine.
"""
import argparse
import importlib.util
import inspect
import logging
import sys
import time
import warnings
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

import neos  # noqa: F401  (float64)
from neos import infer
from neos import models as nm

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_hypotest import cases, per_call  # noqa: E402  (the seed models and the steady-state timer)

DEFAULT_STARTS = inspect.signature(infer.hypotest).parameters["n_starts"].default


def trap_case():
    "issue 13's trap (two channels sharing a code0 histosys; both of A's templates below nominal): extra starts run."
    code0 = {"histosys": {"interpcode": "code0"}, "normsys": {"interpcode": "code1"}}

    def make(y):  # y: signal A, B; background A, B; hi A, B; lo A, B
        def channel(c, k):
            return {"name": c, "samples": [
                {"name": "sig", "data": y[k:k + 1], "modifiers": [{"name": "mu", "type": "normfactor", "data": None}]},
                {"name": "bkg", "data": y[2 + k:3 + k], "modifiers": [
                    {"name": "h", "type": "histosys", "data": {"hi_data": y[4 + k:5 + k], "lo_data": y[6 + k:7 + k]}}]}]}
        return nm.Model({"channels": [channel("A", 0), channel("B", 1)]}, poi_name="mu", modifier_settings=code0)
    return "shared histosys code0 (issue 13)", [5.0, 3.0, 100.0, 100.0, 80.0, 120.0, 80.0, 90.0], make, None, [80.0, 120.0]


def _published(name: str):
    "(neos model, data) of published workspace `name` with its default signal patch."
    spec = importlib.util.spec_from_file_location("published_workspaces", HERE.parent / "tools" / "published_workspaces.py")
    pw = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pw)
    ws = nm.Workspace(pw.load(name, pw.DEFAULT_PATCH[name]))
    m = ws.model()
    return m, jnp.asarray(ws.data(m), dtype=float)


def seed_functions(make, yields, obs, n_starts: int):
    "CLs and its gradient w.r.t. the yields of a seed model, jitted, with `n_starts`."
    def cls(y):
        m = make(y)
        return infer.hypotest(1.0, jnp.concatenate([jnp.asarray(obs, float), m.config.auxdata]), m, n_starts=n_starts)
    return jax.jit(cls), jax.jit(jax.value_and_grad(cls))


def published_functions(m, data, n_starts: int):
    "CLs of a published model as a function of the data, and its value and gradient, jitted, with `n_starts`."
    def cls(d):
        return infer.hypotest(1.0, d, m, n_starts=n_starts)
    return jax.jit(cls), jax.jit(jax.value_and_grad(cls))


def first_and_steady(fn, x, repeats: int) -> tuple:
    "(first call s, steady s per call, value) of fn(x)."
    t0 = time.perf_counter()
    value = jax.block_until_ready(fn(x))
    first = time.perf_counter() - t0
    return first, per_call(lambda: fn(x), repeats), value


def compare(name: str, functions, x, repeats: int) -> dict:
    "Time value and value+grad with n_starts=1 and the default; the CLs of each."
    row = {"name": name}
    for ns in (1, DEFAULT_STARTS):
        value_fn, grad_fn = functions(ns)
        row[ns] = {"value": first_and_steady(value_fn, x, repeats), "grad": first_and_steady(grad_fn, x, repeats)}
    return row


def print_row(row: dict):
    one, many = row[1], row[DEFAULT_STARTS]
    cls1, clsn = float(one["value"][2]), float(many["value"][2])
    for what in ("value", "grad"):
        f1, s1, _ = one[what]
        fn, sn, _ = many[what]
        print(f"{row['name']:42s} {what:5s} | n_starts=1 first {f1:6.1f} s steady {s1 * 1e3:9.2f} ms | "
              f"n_starts={DEFAULT_STARTS} first {fn:6.1f} s steady {sn * 1e3:9.2f} ms | x{sn / s1:5.2f}"
              + (f" | CLs {cls1:.6g} vs {clsn:.6g}" if what == "value" else ""), flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--models", nargs="*", default=["atlas_ditau_combined"], help="published workspaces (large models)")
    ap.add_argument("--no-large", action="store_true", help="seed models only")
    args = ap.parse_args(argv)
    logging.getLogger("pyhf").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")  # FitWarnings of single-start fits are part of what is compared
    print(f"hypotest, n_starts=1 vs the default n_starts={DEFAULT_STARTS} (jax {jax.__version__})")
    for name, yields, make, _, obs in [*cases(), trap_case()]:
        y = jnp.asarray(yields, float)
        print_row(compare(name, lambda ns: seed_functions(make, yields, obs, ns), y, args.repeats))
    if not args.no_large:
        for name in args.models:
            m, data = _published(name)
            print_row(compare(f"{name} ({m.config.npars} pars)", lambda ns: published_functions(m, data, ns), data, args.repeats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
