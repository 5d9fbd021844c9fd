"""Cost of one training step of the neos 0.1.x README example next to a plain BCE step.

    python benchmarks/bench_seed_step.py [--steps 20] [--nmc 500]

Same network (Dense(1024)-Relu-Dense(1024)-Relu-Dense(1)-Sigmoid), same events (4 blobs x NMC), same
optimiser (Adam 1e-3). Three steps are timed side by side in one run, interleaved so that load on a
shared machine hits all of them alike:

- ``cls (README)``: the README's step as written, ``jax.value_and_grad(loss)`` + ``opt_update`` without
  an outer ``jit`` (the CLs getter jit-compiles itself);
- ``cls (jit)``: the same step under one ``jax.jit``;
- ``bce (jit)``: binary cross-entropy (signal = 1, the three background blobs = 0) under ``jax.jit``.

Then where the time goes: network + KDE histograms alone (value and gradient of the summed yields),
i.e. everything but the statistics, and the statistics alone (model + fits + CLs, value and gradient
with respect to fixed yields). Printed: compile (first call) time, steady-state median step time and ratios.
"""
import argparse
import time

import jax
import jax.example_libraries.optimizers as optimizers
import jax.example_libraries.stax as stax
import jax.numpy as jnp
import numpy as np

import neos
from neos import data, infer, makers, models


def _block(x):
    return jax.tree_util.tree_map(lambda a: a.block_until_ready() if hasattr(a, "block_until_ready") else a, x)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=20, help="timed steady-state steps per variant")
    ap.add_argument("--nmc", type=int, default=500, help="events per blob")
    args = ap.parse_args(argv)

    init_random_params, predict = stax.serial(
        stax.Dense(1024), stax.Relu, stax.Dense(1024), stax.Relu, stax.Dense(1), stax.Sigmoid)
    data_gen = data.generate_blobs(jax.random.PRNGKey(22), blobs=4, NMC=args.nmc)
    hist_maker = makers.hists_from_nn(data_gen, predict, method="kde")
    model_maker = makers.histosys_model_from_hists(hist_maker)
    get_cls = infer.expected_CLs(model_maker, solver_kwargs=dict(pdf_transform=True))
    hyper = dict(bins=np.linspace(0, 1, 4), bandwidth=0.27)

    def cls_loss(params):
        return get_cls(params, 1.0, hyperparams=hyper)[0]

    sig, bnom, bup, bdown = data_gen()
    x = jnp.concatenate([sig, bnom, bup, bdown])
    y = jnp.concatenate([jnp.ones(len(sig)), jnp.zeros(len(x) - len(sig))])

    def bce_loss(params):
        p = jnp.clip(predict(params, x).ravel(), 1e-7, 1 - 1e-7)
        return -jnp.mean(y * jnp.log(p) + (1 - y) * jnp.log1p(-p))

    def hist_loss(params):  # network + KDE only: the non-statistics part of the CLs step
        return sum(h.sum() for h in hist_maker([params, hyper]))

    def stats_loss(yields):  # model + fits + p-value alone, from fixed yields
        model = models.Model(makers.histosys_spec(*yields))
        bonly = model.config.suggested_init().at[model.config.poi_index].set(0.0)
        return infer.expected_pvalues(model, bonly, 1.0)[0]

    opt_init, opt_update, opt_params = optimizers.adam(1e-3)

    def step_fn(loss):
        def step(i, state):
            v, g = jax.value_and_grad(loss)(opt_params(state))
            return opt_update(i, g, state), v
        return step

    steps = {
        "cls (README)": step_fn(cls_loss),
        "cls (jit)": jax.jit(step_fn(cls_loss)),
        "bce (jit)": jax.jit(step_fn(bce_loss)),
        "hist only (jit)": jax.jit(step_fn(hist_loss)),
    }
    _, params = init_random_params(jax.random.PRNGKey(1), (-1, 2))
    states = {k: opt_init(params) for k in steps}
    stats_vg = jax.jit(jax.value_and_grad(stats_loss))
    yields0 = hist_maker([params, hyper])
    _block(stats_vg(yields0))
    t0 = time.perf_counter()
    for _ in range(50):
        out = stats_vg(yields0)
    _block(out)
    stats_only = (time.perf_counter() - t0) / 50

    compile_s, times, values = {}, {k: [] for k in steps}, {k: [] for k in steps}
    for k, f in steps.items():
        t0 = time.perf_counter()
        states[k], v = _block(f(0, states[k]))
        compile_s[k] = time.perf_counter() - t0
        values[k].append(float(v))
    for i in range(1, args.steps + 1):
        for k, f in steps.items():  # interleaved
            t0 = time.perf_counter()
            states[k], v = _block(f(i, states[k]))
            times[k].append(time.perf_counter() - t0)
            values[k].append(float(v))

    med = {k: float(np.median(t)) for k, t in times.items()}
    print(f"device: {jax.devices()[0].device_kind} | jax {jax.__version__} | neos {neos.__version__}"
          f" | events: 4 x {args.nmc} | steady-state steps: {args.steps}")
    print(f"{'step':<18}{'first call [s]':>16}{'median step [ms]':>18}{'min step [ms]':>15}")
    for k in steps:
        print(f"{k:<18}{compile_s[k]:>16.3f}{1e3 * med[k]:>18.2f}{1e3 * min(times[k]):>15.2f}")
    print(f"CLs over training (jit): {values['cls (jit)'][0]:.5f} -> {values['cls (jit)'][-1]:.5f}")
    mins = {k: min(t) for k, t in times.items()}
    r_jit, r_jit_min = med["cls (jit)"] / med["bce (jit)"], mins["cls (jit)"] / mins["bce (jit)"]
    r_readme, r_readme_min = med["cls (README)"] / med["bce (jit)"], mins["cls (README)"] / mins["bce (jit)"]
    print(f"ratio cls(jit) / bce(jit)    = {r_jit:.2f} (median)  {r_jit_min:.2f} (min)   target <= 1.5")
    print(f"ratio cls(README) / bce(jit) = {r_readme:.2f} (median)  {r_readme_min:.2f} (min)")
    print(f"statistics alone (model + fits + CLs, value and gradient w.r.t. the yields, jit): {1e3 * stats_only:.2f} ms"
          f" = {100 * stats_only / mins['bce (jit)']:.1f}% of a BCE step")
    print("the README loop's extra cost over cls (jit) is its un-jitted outer value_and_grad and Adam update")
    print("(min is the least load-sensitive estimate on a shared machine; medians include other processes' noise)")
    return r_jit


if __name__ == "__main__":
    main()
