"""The training-speed table of issue 15: each row measured side by side in one run, as ratios.

    python benchmarks/bench_train.py [--repeats 15] [--quick] [--json PATH]

Rows (the machine is shared and noisy: compare ratios, not absolute times; variants are interleaved
step by step so that load hits them alike, and medians are reported):

1. neos CLs step / BCE step: same float32 network, same events, same Adam, at the seed configuration
   (`neos train` defaults: 256x256 MLP, 4 x 500 events, 3 bins) and the demo configuration (1024x1024,
   4 x 2000 events, 4 learnt bins, bandwidth 0.09) — goal <= 1.1;
2. neos CLs step / the bare network's forward + backward pass (value and gradient of the summed
   outputs) on the same events — goal <= 1.15;
3. float64 / float32 network: the neos CLs step with `precision="float64"` vs `"float32"` — expect >= 2;
4. `neos train`'s first step (compile + run), cold (empty cache) and cached (a second process, same
   configuration), from `metrics.json`'s `compile_and_first_step_s` — goal: cached <= 1 s;
5. `neos.infer.hypotest` value + gradient (jitted) vs `pyhf.infer.hypotest` (numpy backend, value
   only) on pyhf's 3-bin `uncorrelated_background`: first call and steady state;
6. memory of a 1000-step `neos.train.train` run (seed configuration, fresh process): peak RSS, and the
   RSS at step 100 vs step 1000 — goal: within 5 %.

The table is printed and written as JSON (default: benchmarks/results/bench_train-<time>.json).
Not a test: nothing here is asserted; tests never assert on time.
"""
import argparse
import datetime
import json
import os
import pathlib
import platform
import subprocess
import sys
import tempfile
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

import neos  # noqa: F401  (float64 on)
from neos import data, infer, models, objectives, train
from neos.cli import _mlp

SEED = dict(hidden=(256, 256), n=500, bins=np.linspace(0, 1, 4), bandwidth=0.27, learn=False)
DEMO = dict(hidden=(1024, 1024), n=2000, bins=np.linspace(0, 1, 5), bandwidth=0.09, learn=True)
ROOT = pathlib.Path(__file__).resolve().parent


def _block(x):
    return jax.tree_util.tree_map(lambda a: a.block_until_ready() if hasattr(a, "block_until_ready") else a, x)


def side_by_side(fns: dict, repeats: int) -> dict:
    "{name: (first-call seconds, median seconds per call)}: the calls interleaved, one of each per round."
    first, times = {}, {k: [] for k in fns}
    for k, f in fns.items():
        t0 = time.perf_counter()
        _block(f())
        first[k] = time.perf_counter() - t0
    for _ in range(repeats):
        for k, f in fns.items():
            t0 = time.perf_counter()
            _block(f())
            times[k].append(time.perf_counter() - t0)
    return {k: (first[k], float(np.median(times[k]))) for k in fns}


def steps_for(cfg: dict, precisions=("float32",)) -> dict:
    "Zero-argument callables, one training step each, on one network and one batch of events."
    init_fn, predict = _mlp(cfg["hidden"])
    _, nn0 = init_fn(jax.random.PRNGKey(1), (-1, 2))
    batch = data.generate_blobs(jax.random.PRNGKey(0), 4, NMC=cfg["n"])()
    out = {}
    for prec in precisions:
        ana = objectives.Analysis(predict, bins=cfg["bins"], bandwidth=cfg["bandwidth"], learn_bins=cfg["learn"],
                                  precision=prec)
        params = ana.init_params(nn0)
        for name in ("cls", "bce"):
            opt, step = train.make_step(objectives.objective(name, ana), optax.adam(1e-3))
            state = opt.init(params)
            out[f"{name} {prec}"] = (lambda step=step, state=state: step(0, state, batch))
        nn = ana.nn_params(params)
        x = jnp.concatenate(batch).astype(prec)
        bare = jax.jit(jax.value_and_grad(lambda p, x: jnp.sum(predict(p, x))))  # events an argument, as in the steps
        out[f"net {prec}"] = (lambda bare=bare, nn=nn, x=x: bare(nn, x))
    return out


def step_rows(repeats, quick):
    rows = []
    for label, cfg in [("seed", SEED)] + ([] if quick else [("demo", DEMO)]):
        t = side_by_side(steps_for(cfg, ("float32", "float64")), repeats)
        med = {k: v[1] for k, v in t.items()}
        rows += [
            dict(row=1, name=f"CLs step / BCE step, float32 network ({label})", value=med["cls float32"] / med["bce float32"],
                 goal="<= 1.1", ok=med["cls float32"] / med["bce float32"] <= 1.1,
                 detail={"cls_s": med["cls float32"], "bce_s": med["bce float32"]}),
            dict(row=2, name=f"CLs step / bare network fwd+bwd, float32 ({label})", value=med["cls float32"] / med["net float32"],
                 goal="<= 1.15", ok=med["cls float32"] / med["net float32"] <= 1.15,
                 detail={"cls_s": med["cls float32"], "net_s": med["net float32"]}),
            dict(row=3, name=f"float64 / float32 network, CLs step ({label})", value=med["cls float64"] / med["cls float32"],
                 goal=">= 2", ok=med["cls float64"] / med["cls float32"] >= 2,
                 detail={"float64_s": med["cls float64"], "float32_s": med["cls float32"],
                         "first_call_s": {k: v[0] for k, v in t.items()}}),
        ]
    return rows


def first_step_rows(quick):
    "Row 4: `neos train` twice in fresh processes sharing a fresh cache folder."
    configs = [("seed", [])] + ([] if quick else [("demo", ["--batch-size", "2000", "--hidden", "1024,1024", "--bins", "4",
                                                             "--bandwidth", "0.09", "--learn-bins"])])
    rows = []
    for label, argv in configs:
        with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
            env = {**os.environ, "NEOS_CACHE_DIR": cache}
            env.pop("NEOS_NO_CACHE", None)
            first, wall = [], []
            for k in range(2):
                t0 = time.perf_counter()
                subprocess.run([sys.executable, "-c", "import sys; from neos.cli import main; sys.exit(main())", "train",
                                "--steps", "2", "--no-animation", "--quiet", "--out", f"{out}/{k}", *argv],
                               env=env, check=True, capture_output=True)
                wall.append(time.perf_counter() - t0)
                first.append(json.load(open(f"{out}/{k}/metrics.json"))["summary"]["compile_and_first_step_s"])
        rows += [dict(row=4, name=f"neos train first step, cold ({label})", value=first[0], goal="", ok=None,
                      detail={"process_s": wall[0]}),
                 dict(row=4, name=f"neos train first step, cached ({label})", value=first[1], goal="<= 1 s", ok=first[1] <= 1.0,
                      detail={"process_s": wall[1], "cold_over_cached": first[0] / first[1]})]
    return rows


def hypotest_rows(repeats):
    "Row 5: value+grad of neos's hypotest vs pyhf's (numpy) value, first call and steady state."
    import pyhf
    pyhf.set_backend("numpy")
    sig, bkg, unc, obs = [5.0, 7.0, 3.0], [50.0, 52.0, 40.0], [5.0, 6.0, 4.0], [53.0, 65.0, 38.0]
    pm = pyhf.simplemodels.uncorrelated_background(sig, bkg, unc)
    pdata = obs + pm.config.auxdata

    def cls(y):
        m = models.uncorrelated_background(y[:3], y[3:6], y[6:])
        return infer.hypotest(1.0, jnp.concatenate([jnp.asarray(obs), m.config.auxdata]), m)

    y = jnp.asarray(sig + bkg + unc)
    vg = jax.jit(jax.value_and_grad(cls))
    t = side_by_side({"neos": lambda: vg(y), "pyhf": lambda: pyhf.infer.hypotest(1.0, pdata, pm)}, repeats)
    (f_n, s_n), (f_p, s_p) = t["neos"], t["pyhf"]
    agree = abs(float(vg(y)[0]) / float(pyhf.infer.hypotest(1.0, pdata, pm)) - 1)
    return [dict(row=5, name="hypotest first call: neos value+grad / pyhf numpy value", value=f_n / f_p, goal="", ok=None,
                 detail={"neos_s": f_n, "pyhf_s": f_p}),
            dict(row=5, name="hypotest steady state: pyhf numpy value / neos value+grad", value=s_p / s_n, goal="", ok=None,
                 detail={"neos_s": s_n, "pyhf_s": s_p, "CLs_rel_diff": agree})]


_RSS_RUN = """
import json, resource, jax, optax, numpy as np
from neos import data, objectives, train
from neos.cli import _mlp
init_fn, predict = _mlp((256, 256))
ana = objectives.Analysis(predict, bins=np.linspace(0, 1, 4), precision="float32")
params = ana.init_params(init_fn(jax.random.PRNGKey(1), (-1, 2))[1])
rss = {}
def rss_now(step, params, history):
    kb = [int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS")][0]
    rss[step + 1] = kb / 1024  # after step + 1 steps
sampler = jax.jit(lambda k: data.generate_blobs(k, 4, NMC=500)())
train.train(objectives.objective("cls", ana), params, optax.adam(1e-3), STEPS, sampler=sampler, key=jax.random.PRNGKey(2),
            callback=rss_now, callback_every=100, progress=False)
print(json.dumps({"rss_mb": rss, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def rss_rows(steps=1000):
    "Row 6: a 1000-step run in a fresh process: peak RSS and RSS after 100 vs after 1000 steps."
    res = subprocess.run([sys.executable, "-c", _RSS_RUN.replace("STEPS", str(steps))], check=True, capture_output=True, text=True)
    r = json.loads(res.stdout.strip().splitlines()[-1])
    at = {int(k): v for k, v in r["rss_mb"].items()}  # steps done -> MB: 1, 101, ..., 901 and `steps`
    growth = at[steps] / at[101] - 1
    return [dict(row=6, name=f"peak RSS of a {steps}-step run (MB)", value=r["peak_mb"], goal="", ok=None, detail={}),
            dict(row=6, name=f"RSS at step {steps} / step 100 - 1", value=growth, goal="within 5 %", ok=abs(growth) <= 0.05,
                 detail={"rss_mb": at})]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=15, help="timed calls per variant (medians reported)")
    ap.add_argument("--quick", action="store_true", help="the seed configuration only, 200-step memory run (a smoke run)")
    ap.add_argument("--json", default=None, help="where to write the table (default: benchmarks/results/bench_train-<time>.json)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    rows = step_rows(args.repeats, args.quick) + first_step_rows(args.quick) + hypotest_rows(args.repeats)
    rows += rss_rows(200 if args.quick else 1000)
    print(f"neos {neos.__version__}, jax {jax.__version__} on {jax.devices()[0].device_kind} ({os.cpu_count()} CPUs), "
          f"{args.repeats} repeats, {time.perf_counter() - t0:.0f} s")
    print(f"{'#':>2} {'measure':66s} {'value':>9s}  {'goal':10s} ok")
    for r in rows:
        ok = "" if r["ok"] is None else ("yes" if r["ok"] else "NO")
        print(f"{r['row']:>2} {r['name']:66s} {r['value']:9.3g}  {r['goal']:10s} {ok}")
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = pathlib.Path(args.json or ROOT / "results" / f"bench_train-{stamp}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"time": stamp, "neos": neos.__version__, "jax": jax.__version__, "device": jax.devices()[0].device_kind,
            "platform": platform.platform(), "cpus": os.cpu_count(), "repeats": args.repeats, "quick": args.quick}
    path.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1, default=float))
    print(f"written: {path}")


if __name__ == "__main__":
    main()
