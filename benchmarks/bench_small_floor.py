"""How far the small-model hypotest is from the floor of any XLA:CPU design: neos's hypotest against a *bare*
Newton hypotest on the same models, side by side in one run.

    python benchmarks/bench_small_floor.py [--iterations N] [--repeats N]

The bare hypotest is not a solver to use. Each of its fits is `--iterations` undamped Newton steps on neos's
own `nll_grad_hess`, clipped to the bounds, with no convergence test, damping, restarts, kink handling or
checks of the minimum; its gradient is neos's: the envelope gradient, and the
implicit derivative of the fit that makes the Asimov data. The test statistics and p-values
are neos's own (`infer._qstat`, `infer._pvalues`), so where the bare fits converge both give the same CLs
(printed). What is left is the least a jit-compiled hypotest through neos's model costs on this machine:
four fits, the Asimov data, four NLLs and their gradient. It also prints the bare hypotest with no Newton
step at all (the fits' starting points as results): the part that is not the fits.

Prints per model: value+gradient steady state (µs) and first call (trace + compile + run, s) of neos and of
the bare hypotest with `--iterations` and with 0 Newton steps, and pyhf's one-shot hypotest (numpy backend,
value only, model built in the timing). Not a test: timings depend on the machine.
"""
import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np
import pyhf

import neos  # noqa: F401  (float64)
from bench_hypotest import cases, per_call
from neos import infer
from neos.fit import fit_problem
from neos.nll import nll, nll_grad_hess


def bare_fit(core, data, x0, free, bounds, n_iter):
    "`n_iter` undamped Newton steps from `x0` (parameters not `free` held), clipped to `bounds`."
    def step(_, x):
        _, g, h = nll_grad_hess(core, x, data)[:3]
        h = jnp.where(free[:, None] & free[None, :], h, jnp.eye(x.shape[0]))
        d = -jax.scipy.linalg.cho_solve((jnp.linalg.cholesky(h), True), jnp.where(free, g, 0.0))
        return jnp.clip(x + d, bounds[:, 0], bounds[:, 1])
    return jax.lax.fori_loop(0, n_iter, step, x0)


def live_minimum(x, core, data, free, core_c, data_c):
    "`x` (a minimum, constant) with the implicit derivative of the minimum w.r.t. `core` and `data`: x − H⁻¹∇f (∇f = 0 there)."
    h = nll_grad_hess(core_c, x, data_c)[2]
    h = jnp.where(free[:, None] & free[None, :], h, jnp.eye(x.shape[0]))
    g = jax.grad(nll)(x, data, core)
    g = g - jax.lax.stop_gradient(g)  # its value is ~0 at the minimum: keep only the derivative
    return x - jnp.where(free, jnp.linalg.solve(h, jnp.where(free, g, 0.0)), 0.0)


def bare_cls(poi_test, data, model, n_iter):
    "CLs (qtilde) of `poi_test` with the fits replaced by `bare_fit`; neos's test statistic and p-values."
    p, poi, stop = fit_problem(data, model), model.config.poi_index, jax.lax.stop_gradient
    core, data_c = stop((p.core, p.data))  # the envelope gradient: the fitted points are constants
    free_mu = p.free.at[poi].set(False)
    inits = jnp.stack([p.init.at[poi].set(poi_test), p.init, p.init.at[poi].set(0.0)])
    fits = jax.vmap(lambda x0, free: bare_fit(core, data_c, x0, free, p.bounds, n_iter))(inits, jnp.stack([free_mu, p.free, free_mu]))
    theta_a = live_minimum(fits[2], p.core, p.data, free_mu, core, data_c)
    data_a = infer._asimov_data(p.core, theta_a)  # live, as neos's
    fit_a = bare_fit(core, stop(data_a), inits[0], free_mu, p.bounds, n_iter)
    t = 2.0 * jnp.stack([nll(fits[0], p.data, p.core), nll(fits[1], p.data, p.core), nll(fit_a, data_a, p.core),
                         nll(theta_a, data_a, p.core)])
    q = infer._qstat(t[0], t[1], fits[1, poi], poi_test, False)
    q_a = infer._qstat(t[2], t[3], fits[2, poi], poi_test, False)
    return infer._pvalues(q, q_a, True)[0][2]


def first_and_steady(fn, y, repeats):
    "(first call s, steady µs) of `fn(y)`, `fn` freshly jitted."
    t0 = time.perf_counter()
    out = jax.block_until_ready(fn(y))
    return time.perf_counter() - t0, per_call(lambda: fn(y), repeats) * 1e6, out


def main(n_iter=8, repeats=3):
    print(f"jax {jax.__version__} on {jax.devices()[0].platform}, pyhf {pyhf.__version__}; bare fits: {n_iter} Newton steps")
    print(f"{'model':42s} {'neos µs':>8s} {'1st s':>6s} | {'bare µs':>8s} {'1st s':>6s} | {'0-step µs':>9s} {'1st s':>6s} | "
          f"{'pyhf 1-shot s':>13s} | {'CLs neos':>10s} {'CLs bare':>10s} {'max |Δgrad|':>11s}")
    for name, y, make, pmodel, obs in cases():
        y = jnp.asarray(y)
        data_of = lambda m: jnp.concatenate([jnp.asarray(obs), m.config.auxdata])
        neos_cls = lambda y: infer.hypotest(1.0, data_of(make(y)), make(y))
        bare = lambda k: lambda y: bare_cls(1.0, data_of(make(y)), make(y), k)
        rows = [first_and_steady(jax.jit(jax.value_and_grad(f)), y, repeats) for f in (neos_cls, bare(n_iter), bare(0))]
        spec, aux = pmodel.spec, list(map(float, pmodel.config.auxdata))
        t0 = time.perf_counter()
        pyhf.infer.hypotest(1.0, obs + aux, pyhf.Model(spec, poi_name=pmodel.config.poi_name))
        t_pyhf = time.perf_counter() - t0
        (v_n, g_n), (v_b, g_b) = rows[0][2], rows[1][2]
        cells = " | ".join(f"{r[1]:{8 if i < 2 else 9}.0f} {r[0]:6.2f}" for i, r in enumerate(rows))
        print(f"{name[:42]:42s} {cells} | {t_pyhf:13.2f} | {float(v_n):10.6f} {float(v_b):10.6f} {float(jnp.max(jnp.abs(g_n - g_b))):11.1e}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iterations", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    pyhf.set_backend("numpy")
    main(args.iterations, args.repeats)
