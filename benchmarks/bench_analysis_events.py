"""Step rate and memory of training your own analysis with 10^4 and 10^6 weighted events per sample.

    python benchmarks/bench_analysis_events.py [--steps 60] [--batch-size 2000] [--sizes 10000 1000000]

Each size runs in a fresh process (so resident memory is its own): an in-memory analysis
(`neos.analysis_config.Config` with numpy columns) with a signal, a background with a weight
systematic and an alternate sample (symmetrised `NormPlusShape`), staterror, a network region
histogramming a 3-feature MLP's output (KDE) and the expected CLs as the loss. A step draws a fresh
minibatch of `--batch-size` events per event set (the draw included in the timing) and updates the
network with Adam. Printed per size: time to build the analysis, compile + first step, median and
minimum step time after that, and the process's resident memory (RSS) after steps 1, 10, half way
and at the end — flat memory means it stops changing once the first steps have warmed up. A minibatched step should cost the same at every size.
"""
import argparse
import json
import os
import subprocess
import sys
import time


def rss_mb():
    "Current resident set size of this process in MB (Linux /proc)."
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def one(n, steps, batch_size):
    import jax
    import numpy as np
    import optax

    from neos import analysis, objectives, train
    from neos.analysis_config import Config, NormFactor, Region, Sample, Systematic, Training, Variation

    rng = np.random.default_rng(0)

    def events(mean, w):
        x = rng.normal(mean, 1.0, size=(n, 3))
        ws = w / n * rng.lognormal(0, 0.3, n)
        return {"a": x[:, 0], "b": x[:, 1], "c": x[:, 2], "w": ws, "w_up": ws * (1 + 0.1 * np.tanh(x[:, 0])),
                "w_dn": ws * (1 - 0.1 * np.tanh(x[:, 0]))}

    t0 = time.perf_counter()
    cfg = Config([Region("SR")], [Sample("sig", events=events([1, 1, 0], 50.0), weight="w"),
                                  Sample("bkg", events=events([-1, -1, 0], 1000.0), weight="w")],
                 [NormFactor("mu", samples="sig", bounds=[0, 10])],
                 [Systematic("wsys", "NormPlusShape", Variation(weight="w_up"), Variation(weight="w_dn")),
                  Systematic("alt", "NormPlusShape", Variation(events=events([-0.8, -1, 0.2], 1000.0)), Variation(symmetrize=True),
                             samples="bkg")],
                 poi="mu", training=Training(features=("a", "b", "c"), regions=("SR",), hidden=(64, 64), batch_size=batch_size))
    ana = analysis.build(cfg)
    build_s = time.perf_counter() - t0
    params = ana.init_params(ana.init_network())
    opt, step = train.make_step(objectives.objective("cls", ana).with_aux, optax.adam(1e-3), has_aux=True)
    state, draw, key = opt.init(params), ana.sampler(batch_size), jax.random.PRNGKey(1)
    times, rss = [], {}
    for i in range(steps):
        t = time.perf_counter()
        state, loss, _ = step(i, state, draw(jax.random.fold_in(key, i)))
        jax.block_until_ready(loss)
        times.append(time.perf_counter() - t)
        if i in (0, 9, steps // 2):
            rss[i] = rss_mb()
    return {"events": n, "build_s": build_s, "first_step_s": times[0], "median_step_ms": 1e3 * float(np.median(times[1:])),
            "min_step_ms": 1e3 * float(np.min(times[1:])), "rss_first_mb": rss[0], "rss_10_mb": rss[9],
            "rss_mid_mb": rss[steps // 2], "rss_last_mb": rss_mb(),
            "device": str(jax.devices()[0])}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--batch-size", type=int, default=2000)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one, args.steps, args.batch_size)))
        return 0
    rows = []
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n), "--steps", str(args.steps),
                              "--batch-size", str(args.batch_size)], capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"device: {rows[0]['device']} | steps: {args.steps} | batch: {args.batch_size} events per event set (3 sets)")
    print(f"{'events/sample':>13} {'build [s]':>9} {'compile+1st [s]':>15} {'median step [ms]':>16} {'min step [ms]':>13} "
          f"{'RSS [MB] after step 1 / 10 / half / last':>42}")
    for r in rows:
        print(f"{r['events']:>13} {r['build_s']:>9.2f} {r['first_step_s']:>15.1f} {r['median_step_ms']:>16.1f} "
              f"{r['min_step_ms']:>13.1f} {r['rss_first_mb']:>24.0f} / {r['rss_10_mb']:.0f} / {r['rss_mid_mb']:.0f} / {r['rss_last_mb']:.0f}")
    if len(rows) > 1:
        print(f"step-time ratio {rows[-1]['events']:.0e} / {rows[0]['events']:.0e} events: "
              f"{rows[-1]['median_step_ms'] / rows[0]['median_step_ms']:.2f} (median), "
              f"{rows[-1]['min_step_ms'] / rows[0]['min_step_ms']:.2f} (min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
