"""Published ATLAS pyhf likelihoods vendored under tests/data/workspaces/ (see its README.md).

    from tools.published_workspaces import load, names, patches
    spec = load("atlas_sbottom_regionA")                          # background-only workspace
    spec = load("atlas_sbottom_regionA", "sbottom_1300_205_60")   # with that signal patch applied

    python tools/published_workspaces.py            # table: npars, channels, bins, pyhf fit/hypotest s
    python tools/published_workspaces.py NAME ...   # only these

Everything is read from the gzip files in the repository; nothing is downloaded.
Patches come in the two layouts HEPData used:
  * `<name>_patchset.json.gz`: a pyhf PatchSet (patches selected by name), and
  * `<name>_patches/patch.<patch>.json.gz`: one RFC 6902 JSON Patch (a list of ops) per signal point
    (the original 2019 HEPData layout; also the SModelS test patch).
"""
import copy
import gzip
import json
import sys
import time
from pathlib import Path

import jsonpatch

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "workspaces"

# name -> default signal patch used for the hypotest in the table (None: no signal available)
DEFAULT_PATCH = {
    "atlas_3l_erjr": "ERJR_500p0_0p0",
    "atlas_sbottom_regionA": "sbottom_1300_205_60",
    "atlas_sbottom_regionC": "sbottom_1300_205_60",
    "atlas_ditau_combined": "DS_400_40_Staus",
    "atlas_2l_compressed_ewkinos": "smodels_bsm_test_patch",
    "atlas_3l_wz_onshell": None,
    "atlas_3l_wz_offshell": None,
}


def _read(path: Path):
    with gzip.open(path, "rt") as f:
        return json.load(f)


def names():
    "Short names of the vendored workspaces (file stems without `_bkgonly.json.gz`)."
    return sorted(p.name[: -len("_bkgonly.json.gz")] for p in DATA.glob("*_bkgonly.json.gz"))


def patches(name: str):
    "Names of the signal patches shipped for workspace `name` ([] if none)."
    ps = DATA / f"{name}_patchset.json.gz"
    if ps.exists():
        return [p["metadata"]["name"] for p in _read(ps)["patches"]]
    d = DATA / f"{name}_patches"
    if d.is_dir():
        return sorted(p.name[: -len(".json.gz")].removeprefix("patch.") for p in d.glob("*.json.gz"))
    return []


def _patch_ops(name: str, patch: str):
    ps = DATA / f"{name}_patchset.json.gz"
    if ps.exists():
        for p in _read(ps)["patches"]:
            if p["metadata"]["name"] == patch:
                return p["patch"]
    d = DATA / f"{name}_patches"
    for cand in (d / f"patch.{patch}.json.gz", d / f"{patch}.json.gz"):
        if cand.exists():
            return _read(cand)
    raise KeyError(f"no patch {patch!r} for {name!r}; available: {patches(name)}")


def load(name: str, patch: str | None = None) -> dict:
    """The workspace spec (a dict for `pyhf.Workspace`) of `name`; with `patch`, that signal patch
    applied (a new dict; the background-only spec is not modified)."""
    name = name.removesuffix(".json.gz").removesuffix("_bkgonly")
    path = DATA / f"{name}_bkgonly.json.gz"
    if not path.exists():
        raise KeyError(f"unknown workspace {name!r}; available: {names()}")
    spec = _read(path)
    if patch is None:
        return spec
    return jsonpatch.apply_patch(copy.deepcopy(spec), _patch_ops(name, patch))


def summary(name: str, patch: str | None = "default"):
    "(name, patch, npars, channels, bins, fit seconds, hypotest seconds) with pyhf's numpy backend."
    import pyhf

    pyhf.set_backend("numpy", "scipy")
    if patch == "default":
        patch = DEFAULT_PATCH.get(name)
    ws = pyhf.Workspace(load(name, patch))
    model = ws.model() if patch else ws.model(poi_name=None)
    data = ws.data(model)
    t0 = time.perf_counter()
    pyhf.infer.mle.fit(data, model)
    t_fit = time.perf_counter() - t0
    t_hypo = None
    if patch:
        t0 = time.perf_counter()
        pyhf.infer.hypotest(1.0, data, model, test_stat="qtilde")
        t_hypo = time.perf_counter() - t0
    cfg = model.config
    return name, patch, cfg.npars, len(cfg.channels), sum(cfg.channel_nbins.values()), t_fit, t_hypo


def main(argv):
    sel = argv or names()
    print(f"{'name':30s} {'patch':24s} {'npars':>5s} {'chan':>4s} {'bins':>4s} {'fit s':>7s} {'hypotest s':>10s}")
    for n in sel:
        name, patch, npars, nch, nbins, tf, th = summary(n)
        ths = f"{th:10.2f}" if th is not None else f"{'n/a':>10s}"
        print(f"{name:30s} {str(patch):24s} {npars:5d} {nch:4d} {nbins:4d} {tf:7.2f} {ths}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
