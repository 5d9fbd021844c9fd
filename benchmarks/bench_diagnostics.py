"""neos.diagnostics / neos.toys against pyhf and cabinetry, measured side by side in one run:

- 10^4 toys per hypothesis on pyhf's two-bin example model: `toys.toybased_hypotest` (all toys one
  vmapped batch) vs `pyhf.infer.calculators.ToyCalculator` (numpy backend, one scipy fit at a time);
- the ranking of a synthetic model with >= 50 parameters (staterror, normsys, histosys, lumi):
  `diagnostics.ranking` (all impact fits one batch) vs `cabinetry.fit.ranking` (MINUIT fits in turn),
  both given the same nominal fit results.

    python benchmarks/bench_diagnostics.py [--toys N] [--pyhf-toys N] [--skip-pyhf] [--skip-cabinetry]

neos is timed twice: the first call (tracing and compiling included) and a second call with new
inputs (steady state). pyhf's time for fewer toys than neos's (--pyhf-toys) is scaled to the same
number per toy, and said so. Prints the times and the ratios. Not a test: timings depend on the machine.
"""
import argparse
import logging
import time

import jax
import jax.numpy as jnp
import numpy as np

import neos  # noqa: F401  (float64)
from neos import diagnostics, models, toys


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    jax.block_until_ready(out)
    return out, time.perf_counter() - t0


def _shim_pyhf_percentile(pyhf):
    "pyhf 0.7.6 calls percentile(..., interpolation=...), which numpy 2 removed: map it to method=."
    backend = type(pyhf.tensorlib)
    backend.percentile = lambda self, t, q, axis=None, interpolation="linear": np.percentile(t, q, axis=axis,
                                                                                            method=interpolation)


def bench_toys(ntoys, pyhf_toys, skip_pyhf):
    sig, bkg, unc, obs = [12.0, 11.0], [50.0, 52.0], [3.0, 7.0], [51.0, 48.0]
    model = models.uncorrelated_background(sig, bkg, unc)
    data = jnp.asarray(obs + list(np.asarray(model.config.auxdata)))
    run = lambda seed: toys.toybased_hypotest(1.0, data, model, ntoys=ntoys, seed=seed, return_expected_set=True)
    (cls0, _), first = _timed(lambda: run(0))
    (cls, band), steady = _timed(lambda: run(1))
    print(f"toys: {ntoys} per hypothesis ({4 * ntoys} fits), pyhf's example model (2 bins, 3 parameters)")
    print(f"  neos   first call {first:8.2f} s   steady state {steady:8.2f} s   CLs = {float(cls):.4f}")
    if skip_pyhf:
        return
    import pyhf
    _shim_pyhf_percentile(pyhf)
    pyhf.set_backend("numpy")
    pm = pyhf.simplemodels.uncorrelated_background(sig, bkg, unc)
    np.random.seed(0)
    t0 = time.perf_counter()
    ref = pyhf.infer.hypotest(1.0, obs + pm.config.auxdata, pm, calctype="toybased", ntoys=pyhf_toys,
                              track_progress=False)
    t_pyhf = time.perf_counter() - t0
    scaled = t_pyhf * ntoys / pyhf_toys
    note = "" if pyhf_toys == ntoys else f" (measured {t_pyhf:.1f} s for {pyhf_toys} toys, scaled per toy)"
    print(f"  pyhf   {scaled:8.2f} s{note}   CLs = {float(ref):.4f}")
    print(f"  ratio pyhf / neos: {scaled / steady:7.0f}x steady state, {scaled / first:7.0f}x first call")


def ranking_workspace(nbins=10, nsys=15, seed=1):
    "Two channels of `nbins` bins: signal (mu, lumi), two backgrounds with staterror, `nsys` normsys and histosys."
    rng = np.random.default_rng(seed)
    channels, observations = [], []
    for c, scale in (("SR", 1.0), ("CR", 4.0)):
        b1, b2 = scale * rng.uniform(20, 60, nbins), scale * rng.uniform(5, 20, nbins)
        mods1 = [{"name": f"staterror_{c}", "type": "staterror", "data": list(np.sqrt(b1))},
                 {"name": "lumi", "type": "lumi", "data": None}]
        mods2 = [{"name": "lumi", "type": "lumi", "data": None}]
        for k in range(nsys):
            target, b = (mods1, b1) if k % 2 == 0 else (mods2, b2)
            target.append({"name": f"norm_{k}", "type": "normsys", "data": {"hi": 1 + 0.02 * (k % 5 + 1), "lo": 1 - 0.02 * (k % 4 + 1)}})
            tilt = 1 + 0.03 * np.linspace(-1, 1, nbins) * (1 if k % 3 else -1)
            target.append({"name": f"shape_{k}", "type": "histosys",
                           "data": {"hi_data": list(b * tilt), "lo_data": list(b / tilt)}})
        signal = list((3.0 if c == "SR" else 0.5) * np.exp(-np.linspace(-2, 2, nbins) ** 2))
        channels.append({"name": c, "samples": [
            {"name": "signal", "data": signal, "modifiers": [{"name": "mu", "type": "normfactor", "data": None},
                                                             {"name": "lumi", "type": "lumi", "data": None}]},
            {"name": "bkg1", "data": list(b1), "modifiers": mods1},
            {"name": "bkg2", "data": list(b2), "modifiers": mods2}]})
        observations.append({"name": c, "data": list(rng.poisson(b1 + b2 + 0.5 * np.asarray(signal)).astype(float))})
    meas = {"poi": "mu", "parameters": [{"name": "lumi", "auxdata": [1.0], "sigmas": [0.02], "bounds": [[0.5, 1.5]],
                                         "inits": [1.0]}]}
    return {"channels": channels, "observations": observations, "measurements": [{"name": "meas", "config": meas}],
            "version": "1.0.0"}


def bench_ranking(skip_cabinetry):
    spec = ranking_workspace()
    ws = models.Workspace(spec)
    model = ws.model()
    data = ws.data(model)
    fr = diagnostics.fit_results(model, data)
    n = model.config.npars
    rk, first = _timed(lambda: diagnostics.ranking(model, data, fr))
    fr2 = fr._replace(uncertainty=fr.uncertainty * 1.01)  # new shifts: the same program, new fits
    _, steady = _timed(lambda: diagnostics.ranking(model, data, fr2))
    print(f"ranking: {n} parameters, {4 * (n - 1)} impact fits")
    print(f"  neos       first call {first:8.2f} s   steady state {steady:8.2f} s")
    if skip_cabinetry:
        return
    import cabinetry
    import pyhf
    logging.getLogger("cabinetry").setLevel(logging.WARNING)
    pyhf.set_backend("numpy")
    pw = pyhf.Workspace(spec)
    pm = pw.model()
    t0 = time.perf_counter()
    ref = cabinetry.fit.ranking(pm, pw.data(pm), fit_results=fr)
    t_cab = time.perf_counter() - t0
    worst = np.abs(np.asarray(ref.postfit_up) - rk.postfit_up).max()
    print(f"  cabinetry  {t_cab:8.2f} s   (largest post-fit impact difference {worst:.1e}, MINUIT's default tolerance)")
    print(f"  ratio cabinetry / neos: {t_cab / steady:7.0f}x steady state, {t_cab / first:7.0f}x first call")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--toys", type=int, default=10_000, help="toys per hypothesis for neos (default 10000)")
    ap.add_argument("--pyhf-toys", type=int, default=None, help="toys for pyhf (default: the same; fewer are scaled)")
    ap.add_argument("--skip-pyhf", action="store_true")
    ap.add_argument("--skip-cabinetry", action="store_true")
    args = ap.parse_args()
    print(f"jax backend: {jax.default_backend()} ({jax.devices()[0].device_kind})")
    bench_toys(args.toys, args.pyhf_toys or args.toys, args.skip_pyhf)
    bench_ranking(args.skip_cabinetry)
