"""neos vs pyhf on real-size likelihoods (issue 14), side by side in one run: fit, hypotest, upper_limit
(on a scan) and jax.grad of CLs, first call (compile included) and steady state (median of repeats);
peak RSS; RSS after hypotests on 10 and on N different models.

    python benchmarks/bench_likelihoods.py --quick                 # a few minutes
    python benchmarks/bench_likelihoods.py                         # every workspace, synthetic 10..300 parameters
    python benchmarks/bench_likelihoods.py --models atlas_ditau_combined synth100 --repeats 5
    python benchmarks/bench_likelihoods.py --pyhf-jax              # pyhf's jax backend as well

Models: the published ATLAS workspaces of tests/data/workspaces (by name, with the default signal patch of
tools/published_workspaces.py; background-only ones get the fit only) and synthetic ones `synthN` with about
N parameters (channels of four bins, a staterror per bin, shared normsys). pyhf runs its default SciPy
optimizer (what a user gets), so this measures speed, not agreement (nbs/19_validation does that).
The gradient is d CLs / d data (main and auxiliary), which needs the implicit derivative of every fit.
Writes a table to stdout and JSON to benchmarks/results/likelihoods.json. Not a test: timings depend on the
machine; compare the ratios measured in the same run.
"""
import argparse
import importlib.util
import json
import logging
import resource
import statistics
import sys
import time
import warnings
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pyhf

import neos  # noqa: F401  (float64)
from neos import fit as neos_fit
from neos import infer
from neos import models as nm

ROOT = Path(__file__).resolve().parents[1]
QUICK_MODELS = ["synth10", "synth100", "atlas_ditau_combined"]
FULL_MODELS = ["synth10", "synth30", "synth100", "synth300", "atlas_3l_erjr", "atlas_sbottom_regionA",
               "atlas_sbottom_regionC", "atlas_ditau_combined", "atlas_3l_wz_onshell", "atlas_2l_compressed_ewkinos",
               "atlas_3l_wz_offshell"]


def rss_mib() -> float:
    "Current resident set size of this process, MiB."
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def peak_rss_mib() -> float:
    "Peak resident set size of this process so far, MiB (ru_maxrss is KiB on Linux)."
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def published_workspaces():
    "tools/published_workspaces.py (load, names, patches, DEFAULT_PATCH)."
    spec = importlib.util.spec_from_file_location("published_workspaces", ROOT / "tools" / "published_workspaces.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def synthetic_spec(npars: int, seed: int = 0) -> dict:
    "A workspace with about `npars` parameters: 4-bin channels, a staterror per bin, shared normsys, mu."
    rng = np.random.default_rng(seed)
    n_norm = max(1, npars // 10)
    n_chan = max(1, int(np.ceil((npars - 1 - n_norm) / 4)))
    norms = [(f"sys{k}", 1 + rng.uniform(0.02, 0.15), 1 - rng.uniform(0.02, 0.15)) for k in range(n_norm)]
    channels, observations = [], []
    for c in range(n_chan):
        sig, bkg = rng.uniform(1.0, 10.0, 4), rng.uniform(20.0, 200.0, 4)
        mods = [{"name": n, "type": "normsys", "data": {"hi": hi, "lo": lo}}
                for n, hi, lo in (norms[k] for k in rng.choice(n_norm, min(3, n_norm), replace=False))]
        mods.append({"name": f"stat_c{c}", "type": "staterror", "data": (0.05 * bkg).tolist()})
        channels.append({"name": f"c{c}", "samples": [
            {"name": "sig", "data": sig.tolist(), "modifiers": [{"name": "mu", "type": "normfactor", "data": None}]},
            {"name": "bkg", "data": bkg.tolist(), "modifiers": mods}]})
        observations.append({"name": f"c{c}", "data": rng.poisson(bkg).astype(float).tolist()})
    return {"channels": channels, "observations": observations, "version": "1.0.0",
            "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": []}}]}


def load_spec(name: str, pw) -> tuple:
    "(spec, has a signal) of a model name: `synthN` or a published workspace."
    if name.startswith("synth"):
        return synthetic_spec(int(name[5:])), True
    patch = pw.DEFAULT_PATCH.get(name)
    return pw.load(name, patch), patch is not None


def timed(fn, repeats: int) -> dict:
    "First call and median of `repeats` more calls of `fn`, seconds (an error is recorded, not raised)."
    try:
        t0 = time.perf_counter()
        jax.block_until_ready(fn())
        first = time.perf_counter() - t0
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            jax.block_until_ready(fn())
            times.append(time.perf_counter() - t0)
        return {"first": first, "steady": statistics.median(times) if times else float("nan")}
    except Exception as e:  # e.g. pyhf's FailedMinimization: report it, keep benchmarking
        return {"first": float("nan"), "steady": float("nan"), "error": repr(e)[:300]}


def neos_calls(m, data, scan, has_signal: bool) -> dict:
    "The neos operations to time, as zero-argument functions."
    d = jnp.asarray(data)
    calls = {"fit": lambda: neos_fit.fit(d, m)}
    if has_signal:
        calls["hypotest"] = lambda: infer.hypotest(1.0, d, m, return_expected_set=True)
        calls["upper_limit"] = lambda: infer.upper_limit(d, m, scan=scan)
        grad = jax.jit(jax.grad(lambda x: infer.hypotest(1.0, x, m)))
        calls["grad_cls"] = lambda: grad(d)
    return calls


def pyhf_calls(p, data, scan, has_signal: bool) -> dict:
    "The same operations with pyhf (whatever backend is set)."
    d = pyhf.tensorlib.astensor(data)
    calls = {"fit": lambda: pyhf.infer.mle.fit(d, p)}
    if has_signal:
        calls["hypotest"] = lambda: pyhf.infer.hypotest(1.0, d, p, return_expected_set=True)
        calls["upper_limit"] = lambda: pyhf.infer.intervals.upper_limits.upper_limit(d, p, scan=scan)
    return calls


def bench_model(name: str, pw, args) -> dict:
    "Timings of one model: neos and pyhf (numpy; jax with --pyhf-jax), and the peak RSS after it."
    spec, has_signal = load_spec(name, pw)
    scan = np.linspace(0.1, 5.0, args.scan_points)
    ws = nm.Workspace(spec)
    m = ws.model() if has_signal else ws.model(poi_name=None)
    data = np.asarray(ws.data(m), float)
    cfg = m.config
    out = {"model": name, "npars": cfg.npars, "channels": len(cfg.channels), "bins": cfg.nmaindata, "neos": {}, "pyhf_numpy": {}}
    for op, fn in neos_calls(m, data, scan, has_signal).items():
        out["neos"][op] = timed(fn, args.repeats)
    backends = [("pyhf_numpy", "numpy")] + ([("pyhf_jax", "jax")] if args.pyhf_jax else [])
    for key, backend in backends:
        pyhf.set_backend(backend)
        pws = pyhf.Workspace(spec)
        p = pws.model() if has_signal else pws.model(poi_name=None)
        out[key] = {op: timed(fn, args.pyhf_repeats) for op, fn in pyhf_calls(p, data, scan, has_signal).items()}
    pyhf.set_backend("numpy")
    out["peak_rss_mib"], out["rss_mib"] = peak_rss_mib(), rss_mib()
    return out


def memory_growth(n_models: int, seed: int = 0) -> dict:
    """One-shot hypotests (compile included) on `n_models` different random models (neos.testing.random_spec),
    neos and pyhf one after the other: RSS after 10 and after all, and the median one-shot times."""
    from neos.testing import pyhf_model, random_spec

    rng, rows, rss = np.random.default_rng(seed), [], {"start": rss_mib()}
    for k in range(1, n_models + 1):
        spec, params, settings, obs = random_spec(rng)
        p = pyhf_model(spec, params, modifier_settings=settings)
        m = nm.Model(spec, measurement={"parameters": params}, modifier_settings=settings)
        data = np.concatenate([obs, p.config.auxdata])
        t_neos = timed(lambda: infer.hypotest(1.0, jnp.asarray(data), m), 0)["first"]
        t_pyhf = timed(lambda: pyhf.infer.hypotest(1.0, data, p), 0)["first"]
        rows.append((p.config.npars, t_neos, t_pyhf))
        print(f"model {k}: {p.config.npars} pars, one-shot hypotest neos {t_neos:.1f} s pyhf {t_pyhf:.1f} s, "
              f"RSS {rss_mib():.0f} MiB", file=sys.stderr, flush=True)
        if k in (10, n_models):
            rss[f"after_{k}"] = rss_mib()
    t = np.array(rows, float)
    return {"n_models": n_models, "rss_mib": rss, "peak_rss_mib": peak_rss_mib(),
            "median_npars": float(np.median(t[:, 0])), "neos_one_shot_median_s": float(np.nanmedian(t[:, 1])),
            "pyhf_one_shot_median_s": float(np.nanmedian(t[:, 2]))}


def run_isolated(argv: list) -> dict:
    "Run this script with `argv` in a fresh process (its own compilations and peak RSS); its JSON result."
    import subprocess

    res = subprocess.run([sys.executable, __file__, *argv], capture_output=True, text=True)
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
    if res.returncode or not lines:
        return {"error": (res.stderr or res.stdout)[-600:]}
    return json.loads(lines[-1])


def _fmt(x, width=7, prec=2):
    return f"{x:{width}.{prec}f}" if isinstance(x, (int, float)) and np.isfinite(x) else f"{'-':>{width}s}"


def print_table(results: list):
    "One line per model: pyhf and neos (first / steady) per operation, the speed-up pyhf / neos steady."
    ops = ("fit", "hypotest", "upper_limit")
    head = f"{'model':28s} {'pars':>4s} {'bins':>4s}"
    for op in ops:
        head += f" | {op + ' pyhf':>16s} {'neos 1st':>8s} {'steady':>7s} {'x':>6s}"
    print(head + f" | {'grad 1st':>8s} {'steady':>7s} {'/hypo':>5s} | {'RSS MiB':>7s}")
    for r in results:
        if "error" in r:
            print(f"{r.get('model', '?'):28s} error: {r['error'][-200:]}")
            continue
        line = f"{r['model']:28s} {r['npars']:4d} {r['bins']:4d}"
        for op in ops:
            py, ne = r["pyhf_numpy"].get(op, {}), r["neos"].get(op, {})
            ratio = py.get("steady", np.nan) / ne.get("steady", np.nan)
            line += f" | {_fmt(py.get('steady', np.nan), 16)} {_fmt(ne.get('first', np.nan), 8, 1)} {_fmt(ne.get('steady', np.nan), 7, 3)} {_fmt(ratio, 6, 1)}"
        g, h = r["neos"].get("grad_cls", {}), r["neos"].get("hypotest", {})
        line += f" | {_fmt(g.get('first', np.nan), 8, 1)} {_fmt(g.get('steady', np.nan), 7, 3)} {_fmt(g.get('steady', np.nan) / h.get('steady', np.nan), 5, 1)}"
        print(line + f" | {_fmt(r['peak_rss_mib'], 7, 0)}", flush=True)
    jax_rows = [r for r in results if "pyhf_jax" in r]
    for r in jax_rows:
        print(f"  {r['model']}: pyhf jax steady " + ", ".join(f"{op} {_fmt(t.get('steady', np.nan), 0)} s" for op, t in r["pyhf_jax"].items()))


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help=f"models {QUICK_MODELS}, 2 repeats, 5 scan points, 10 memory models")
    ap.add_argument("--models", nargs="*", help=f"model names: synthN or workspaces (default: {FULL_MODELS})")
    ap.add_argument("--repeats", type=int, default=None, help="neos steady-state repeats (median), default 5 (quick 2)")
    ap.add_argument("--pyhf-repeats", type=int, default=1, help="pyhf calls after the first (median), default 1")
    ap.add_argument("--scan-points", type=int, default=None, help="upper_limit scan points (0.1..5), default 11 (quick 5)")
    ap.add_argument("--pyhf-jax", action="store_true", help="also time pyhf's jax backend")
    ap.add_argument("--memory-models", type=int, default=None, help="random models for the RSS check (default 100, quick 10; 0: skip)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "likelihoods.json"))
    ap.add_argument("--show", metavar="JSON", help="print the table of a saved result and exit")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # worker: one model, JSON on stdout
    ap.add_argument("--memory-run", type=int, help=argparse.SUPPRESS)  # worker: the RSS check
    args = ap.parse_args(argv)
    args.repeats = args.repeats if args.repeats is not None else (2 if args.quick else 5)
    args.memory_models = args.memory_models if args.memory_models is not None else (10 if args.quick else 100)
    args.models = args.models or (QUICK_MODELS if args.quick else FULL_MODELS)
    args.scan_points = args.scan_points or (5 if args.quick else 11)
    return args


def main(argv=None):
    args = parse_args(argv)
    logging.getLogger("pyhf").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
    pyhf.set_backend("numpy")
    if args.show:
        saved = json.loads(Path(args.show).read_text())
        print_table(saved["models"])
        print(f"memory: {saved['memory']}")
        return 0
    if args.one:
        print(json.dumps(bench_model(args.one, published_workspaces(), args)))
        return 0
    if args.memory_run:
        print(json.dumps(memory_growth(args.memory_run)))
        return 0
    common = ["--repeats", str(args.repeats), "--pyhf-repeats", str(args.pyhf_repeats), "--scan-points", str(args.scan_points)]
    common += ["--pyhf-jax"] if args.pyhf_jax else []
    results = []
    for name in args.models:
        print(f"... {name}", file=sys.stderr, flush=True)
        results.append(dict(run_isolated(["--one", name, *common]), model=name))
    print_table(results)
    memory = run_isolated(["--memory-run", str(args.memory_models)]) if args.memory_models else None
    if memory:
        print(f"\nhypotests on {args.memory_models} different random models (one process): RSS MiB {memory.get('rss_mib')}, "
              f"peak {_fmt(memory.get('peak_rss_mib', np.nan), 0, 0)}; one-shot hypotest median: neos "
              f"{_fmt(memory.get('neos_one_shot_median_s', np.nan), 0)} s, pyhf {_fmt(memory.get('pyhf_one_shot_median_s', np.nan), 0)} s"
              if "error" not in memory else f"memory run failed: {memory['error']}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"argv": sys.argv[1:], "jax": jax.__version__, "pyhf": pyhf.__version__,
                               "models": results, "memory": memory}, indent=1))
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
