"""neos hypotest (value + gradient w.r.t. the yields, jitted, steady state) vs pyhf.infer.hypotest
(jax backend, value only), measured side by side in one run on the same models.

    python benchmarks/bench_hypotest.py [--repeats N]

Prints the per-call time of each and the ratio pyhf / neos. Not a test: timings depend on the machine.
"""
import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np
import pyhf

import neos  # noqa: F401  (float64)
from neos import infer, models


def _spec(sig, bkg, unc, cr_bkg):
    "Signal region (staterror, normsys, lumi) + control region (normsys, histosys, lumi)."
    return {"channels": [
        {"name": "sr", "samples": [
            {"name": "sig", "data": sig, "modifiers": [
                {"name": "mu", "type": "normfactor", "data": None},
                {"name": "lumi", "type": "lumi", "data": None}]},
            {"name": "bkg", "data": bkg, "modifiers": [
                {"name": "staterror_sr", "type": "staterror", "data": unc},
                {"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.92}},
                {"name": "lumi", "type": "lumi", "data": None}]}]},
        {"name": "cr", "samples": [
            {"name": "bkg", "data": cr_bkg, "modifiers": [
                {"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.92}},
                {"name": "shape", "type": "histosys",
                 "data": {"hi_data": [1.04 * b for b in cr_bkg], "lo_data": [0.97 * b for b in cr_bkg]}},
                {"name": "lumi", "type": "lumi", "data": None}]}]}]}


_MEAS = {"poi": "mu", "parameters": [{"name": "lumi", "auxdata": [1.0], "sigmas": [0.02],
                                      "bounds": [[0.5, 1.5]], "inits": [1.0]}]}


def cases():
    "(name, yields, neos model from yields, pyhf model, observed main data)."
    sig, bkg, unc = [5.0, 7.0, 3.0], [50.0, 52.0, 40.0], [5.0, 6.0, 4.0]
    yield ("3-bin shapesys", sig + bkg + unc,
           lambda y: models.uncorrelated_background(y[:3], y[3:6], y[6:]),
           pyhf.simplemodels.uncorrelated_background(sig, bkg, unc), [53.0, 65.0, 38.0])
    sig, bkg, up, dn = [1.0, 2.0, 3.0], [10.0, 11.0, 12.0], [12.0, 13.0, 14.0], [8.0, 9.0, 11.0]
    yield ("3-bin histosys", sig + bkg + up + dn,
           lambda y: models.correlated_background(y[:3], y[3:6], y[6:9], y[9:]),
           pyhf.simplemodels.correlated_background(sig, bkg, up, dn), [12.0, 14.0, 16.0])
    sig, bkg, unc, cr = [6.0, 9.0, 4.0], [40.0, 30.0, 20.0], [4.0, 3.0, 3.0], [100.0, 90.0]
    yield ("2-channel staterror+normsys+histosys+lumi", sig + bkg + unc + cr,
           lambda y: models.Model(_spec(y[:3], y[3:6], y[6:9], y[9:]), poi_name="mu", measurement=_MEAS),
           pyhf.Model({**_spec(sig, bkg, unc, cr), "parameters": _MEAS["parameters"]}, poi_name="mu"),
           [97.0, 93.0, 45.0, 41.0, 22.0])


def per_call(fn, repeats, min_time=0.3):
    "Best-of-`repeats` seconds per call (each repeat runs the call enough times to last `min_time`)."
    jax.block_until_ready(fn())
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            jax.block_until_ready(fn())
        dt = time.perf_counter() - t0
        if dt > min_time:
            break
        n *= 2
    best = dt / n
    for _ in range(repeats - 1):
        t0 = time.perf_counter()
        for _ in range(n):
            jax.block_until_ready(fn())
        best = min(best, (time.perf_counter() - t0) / n)
    return best


def main(repeats=3):
    pyhf.set_backend("jax")
    print(f"jax {jax.__version__} on {jax.devices()[0].platform}, pyhf {pyhf.__version__}")
    print(f"{'model':45s} {'neos value+grad':>16s} {'pyhf value':>12s} {'ratio':>8s}  {'CLs neos':>10s} {'CLs pyhf':>10s}")
    for name, y, make, pmodel, obs in cases():
        y = jnp.asarray(y)
        aux = list(map(float, pmodel.config.auxdata))

        def cls(y):
            m = make(y)
            return infer.hypotest(1.0, jnp.concatenate([jnp.asarray(obs), m.config.auxdata]), m)

        vg = jax.jit(jax.value_and_grad(cls))
        t_neos = per_call(lambda: vg(y), repeats)
        pdata = pyhf.tensorlib.astensor(obs + aux)
        t_pyhf = per_call(lambda: pyhf.infer.hypotest(1.0, pdata, pmodel), repeats, min_time=1.0)
        ours, ref = float(vg(y)[0]), float(pyhf.infer.hypotest(1.0, pdata, pmodel))
        print(f"{name:45s} {t_neos * 1e6:13.0f} µs {t_pyhf * 1e3:9.1f} ms {t_pyhf / t_neos:7.0f}x  {ours:10.6f} {ref:10.6f}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    main(ap.parse_args().repeats)
