"""Build the neos docs site from nbs/ without Quarto: nbdev processing -> Markdown -> MkDocs.

    python tools/docs/build.py                 # nbs/ -> _proc/docs/md -> `mkdocs build --strict` -> _docs/
    python tools/docs/build.py --no-mkdocs     # only write the Markdown (what `mkdocs serve` reads)
    python tools/docs/build.py --execute none  # never run notebooks: stored outputs only

Per notebook in nbs/ (taken from the folder listing; nothing is hard-coded):
1. Outputs. Pages show the outputs stored in the notebooks (nbdev-clean keeps them). The demo
   notebooks (demo_*, and index) with no stored outputs are executed here (`--execute demos`, the
   default; `missing` does this for every notebook without outputs, `all` for all, `none` for none)
   the way nbdev-test runs them: cells flagged with pyproject's `tst_flags` (`notest`, `slow`) and
   `#| eval: false` skipped, `IN_TEST=1` set as under nbdev-test, plus `NEOS_DOCS_BUILD=1` — so
   demos run at their reduced `make test` length. The executed copy is cached in _proc/docs/exec,
   keyed by the notebook's and neos/'s content.
2. nbdev's own doc processors (`FilterDefaults`): frontmatter from the `# Title` / `> description`
   cell, `#| hide` / `#| export` cells removed, a `show_doc` cell after every exported definition,
   rendered with nbdev's show_doc renderer from the exported module (`render_show_docs` below).
3. What Quarto would do with the remaining options is done here: `echo: false`, `output: false|asis`,
   `include: false`; every remaining `#|` line is dropped.
4. nbconvert's Markdown exporter with a small template (tools/docs/templates) writes page + figures.
   Links to `*.ipynb` and nbdev doc links (https://<doc_host>/<baseurl>/page.html#sym) become
   relative; a link to a name without a doc entry (e.g. a private helper) is reduced to its text.

It also writes an API reference page per module (api/neos.<module>.md: every name in `__all__`, and
the public methods of classes, rendered by nbdev's show_doc renderer), the navigation
(_proc/docs/nav.json, read by tools/docs/hooks.py), then runs `mkdocs build --strict` (mkdocs.yml).
"""
from __future__ import annotations

import argparse, base64, hashlib, importlib, inspect, json, os, re, shutil, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
IMG_EXTS = {'.png', '.gif', '.jpg', '.jpeg', '.svg', '.webp', '.mp4'}


def log(*a):
    print('docs:', *a, flush=True)


# ---------------------------------------------------------------- notebooks, pages, nav
def list_notebooks(nbs: Path) -> list[Path]:
    "Every notebook in `nbs` (no hidden/underscore files): index, then numbered chapters, then the rest."
    nbs_ = [p for p in nbs.glob('*.ipynb') if not p.name.startswith(('.', '_'))]
    def key(p):
        if p.stem == 'index': return (0, 0, p.stem)
        m = re.match(r'^(\d+)[_-]', p.stem)
        if m: return (1, int(m.group(1)), p.stem)
        return (2 if p.stem.startswith('demo') else 3, 0, p.stem)
    return sorted(nbs_, key=key)


def page_slug(nb: Path) -> str:
    "nbdev's page name: `02_fit.ipynb` -> `fit` (same rule as nbdev's doc links)."
    from nbdev.config import nbpath2html
    return nbpath2html(Path(nb.name)).stem


# chapters by layer: the number's tens say which (core, then analysis, training/CLI, the seed API)
LAYERS = [(0, 'Core: model, fits, inference'), (20, 'Your analysis and objectives'), (30, 'Training and CLI'),
          (90, 'Compatibility: the seed API')]
SECTIONS = [name for _, name in LAYERS] + ['Demos', 'More']


def section_of(nb: Path) -> str:
    if nb.stem == 'index': return ''
    m = re.match(r'^(\d+)[_-]', nb.stem)
    if m: return [name for start, name in LAYERS if int(m.group(1)) >= start][-1]
    if nb.stem.startswith('demo'): return 'Demos'
    return 'More'


# ---------------------------------------------------------------- step 1: outputs
def has_outputs(nb) -> bool:
    return any(c.get('outputs') for c in nb['cells'] if c['cell_type'] == 'code')


def has_code(nb) -> bool:
    return any(c['cell_type'] == 'code' and c['source'].strip() for c in nb['cells'])


def _hash(*paths) -> str:
    h = hashlib.sha256()
    for p in paths:
        for f in sorted(Path(p).rglob('*.py')) if Path(p).is_dir() else [Path(p)]:
            h.update(f.name.encode()); h.update(f.read_bytes())
    return h.hexdigest()[:16]


EXEC_ONE = r'''
import os, sys
from pathlib import Path
from fastcore.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from nbdev.config import get_config
from nbdev.process import NBProcessor
from nbdev.test import _skip_cell
src, dst = Path(sys.argv[1]), Path(sys.argv[2])
# run the cells nbdev-test runs (tst_flags cells and `eval: false` skipped), keep the original sources
flags = str(get_config().get('tst_flags', '')).split()
nb = NBProcessor(src, rm_directives=False, process=True).nb
skip = _skip_cell(nb, flags)
os.chdir(src.parent)
k = CaptureShell(src)
k.run_all(nb, exc_stop=True, preproc=skip)
orig = read_nb(src)
for c, r in zip(orig.cells, nb.cells):
    if c.cell_type == 'code': c['outputs'] = r.get('outputs', []); c['execution_count'] = r.get('execution_count')
write_nb(orig, dst)
'''


class ExecError(Exception): pass


def ensure_outputs(nb_path: Path, mode: str, cache: Path, timeout: int):
    "Path of the notebook to document: `nb_path` itself, or an executed copy (see module docstring)."
    from fastcore.nbio import read_nb
    nb = read_nb(nb_path)
    runs = {'none': False, 'all': True, 'missing': not has_outputs(nb),
            'demos': not has_outputs(nb) and (nb_path.stem.startswith('demo') or nb_path.stem == 'index')}[mode]
    if not runs or not has_code(nb):
        return nb_path, 'stored outputs' if has_outputs(nb) else 'no stored outputs'
    cache.mkdir(parents=True, exist_ok=True)
    dst = cache / f'{nb_path.stem}-{_hash(nb_path, ROOT / "neos")}.ipynb'
    if dst.exists(): return dst, 'executed (cached)'
    for old in cache.glob(f'{nb_path.stem}-*.ipynb'): old.unlink()
    t = time.time()
    # IN_TEST=1 as under nbdev-test, so notebooks pick the same (reduced) settings as in `make test`
    env = dict(os.environ, NEOS_DOCS_BUILD='1', IN_TEST='1', MPLBACKEND='Agg', PYTHONPATH=str(ROOT))
    tmp = dst.with_suffix('.tmp')
    try:
        r = subprocess.run([sys.executable, '-c', EXEC_ONE, str(nb_path), str(tmp)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ExecError(f'executing {nb_path.name} took more than {timeout}s (--exec-timeout)')
    if r.returncode:
        raise ExecError(f'executing {nb_path.name} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}')
    tmp.rename(dst)
    return dst, f'executed in {time.time() - t:.0f}s'


# ---------------------------------------------------------------- steps 2-3: nbdev processing
_re_dir = re.compile(r'^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')


def _pop_directives(src: str):
    "Split leading `#| key: value` lines (what nbdev leaves for Quarto) from the code."
    lines, d = src.splitlines(), {}
    while lines and (m := _re_dir.match(lines[0])):
        d[m.group(1)] = m.group(2).strip('"\''); lines.pop(0)
    # any other `#|` line (e.g. after a blank line) is never shown either
    return d, '\n'.join(l for l in lines if not l.lstrip().startswith('#|')).strip('\n')


class render_show_docs:
    """Stands in for nbdev's `exec_show_docs`: renders each `show_doc(name)` cell that `add_show_docs`
    inserted from the exported module (`neos.<default_exp>`) instead of re-running notebook cells in a
    shell, so a page never depends on which cells nbdev guesses it must execute."""
    def __init__(self, nb): self.nb = nb

    def begin(self):
        from nbdev.showdoc import show_doc
        self.ns, mod = {'show_doc': show_doc}, getattr(self.nb, 'default_exp_', None)
        self.allow = getattr(self.nb, 'allow_errors_', False)
        if mod:
            name = 'neos' if mod == '__init__' else f'neos.{mod}'
            try: self.ns.update(vars(importlib.import_module(name)))
            except Exception as e:
                msg = f'{Path(self.nb.path_).name}: cannot import {name} to render its show_doc entries: {e!r}'
                if not self.allow: raise SystemExit(f'docs: {msg}\n(DOCS_ALLOW_ERRORS=1 builds anyway)')
                log(f'WARNING (--allow-errors): {msg}')

    def __call__(self, cell):
        if cell.cell_type != 'code': return
        expr = '\n'.join(l for l in cell.source.splitlines() if not l.lstrip().startswith('#|')).strip()
        inserted = getattr(cell, 'has_sd', False)
        # inserted cells always; a hand-written `show_doc(...)` only when the notebook has no output for it
        if not (inserted or (re.fullmatch(r'show_doc\([^\n]*\)', expr) and not cell.get('outputs'))): return
        try: r = eval(expr, dict(self.ns))
        except Exception as e:
            if not inserted or self.allow: return
            raise RuntimeError(f'{self.nb.path_}: cannot render `{expr}` from the exported module: {e!r}')
        cell['outputs'] = [{'output_type': 'execute_result', 'execution_count': None, 'metadata': {},
                            'data': {'text/markdown': r._repr_markdown_(), 'text/plain': repr(r)}}]


def process_notebook(src: Path, nb_file: Path, allow_errors=False):
    "nbdev's doc processors on `nb_file` (a copy of `src` with outputs); returns (nb, frontmatter)."
    from fastcore.nbio import read_nb, mk_cell
    from nbdev.process import NBProcessor
    from nbdev.processors import FilterDefaults, add_fold, insert_warning, exec_show_docs
    from nbdev.processors import _default_exp
    nb = read_nb(nb_file)
    nb.path_, nb.default_exp_, nb.allow_errors_ = str(src), _default_exp(read_nb(src)), allow_errors
    procs = [render_show_docs if p is exec_show_docs else p for p in FilterDefaults().procs()
             if p not in (add_fold, insert_warning)]
    NBProcessor(nb=nb, procs=procs, rm_directives='quarto').process()
    fm = dict(getattr(nb, 'frontmatter_', {}) or {})
    cells = []
    for c in nb.cells:
        if c.cell_type == 'raw':
            continue  # the frontmatter cell nbdev inserts; we write our own
        if c.cell_type == 'code':
            d, code = _pop_directives(c.source)
            if str(d.get('include', '')).lower() == 'false': continue
            outs = c.get('outputs', [])
            if str(d.get('output', '')).lower() == 'false': outs = []
            if d.get('output') == 'asis':  # show_doc: its Markdown goes straight into the page
                md = [anchor_show_doc_headings(_md_of(o)) for o in outs]
                cells.append(mk_cell('\n\n'.join(m for m in md if m), 'markdown'))
                if str(d.get('echo', '')).lower() != 'false' and code: cells.append(_code(code, []))
                continue
            if str(d.get('echo', '')).lower() == 'false' or not code.strip():
                if outs: cells.append(_code('', outs, hide_input=True))
                continue
            cells.append(_code(code, outs))
        else:
            if c.source.strip(): cells.append(c)
    nb.cells = cells
    return nb, fm


def _md_of(o):
    data = o.get('data', {})
    md = data.get('text/markdown')
    if md is None: return ''
    return ''.join(md) if isinstance(md, list) else md


def _code(src, outputs, hide_input=False):
    from fastcore.nbio import mk_cell
    c = mk_cell(src, 'code')
    c['outputs'] = list(outputs)
    if hide_input: c.metadata['tags'] = ['remove_input']
    return c


_re_sd_head = re.compile(r'^(#{2,6}) +([\w.]+) *$', re.MULTILINE)


def anchor_show_doc_headings(md: str) -> str:
    "`### Model.fit` -> explicit id `model.fit`: the anchors nbdev's doc links (_modidx) point at."
    md = md.replace('#LNone)', ')')  # nbdev's source link when it cannot find the line
    return _re_sd_head.sub(lambda m: f'{m.group(1)} {m.group(2)} {{ #{m.group(2).lower()} }}', md)


# ---------------------------------------------------------------- step 4: Markdown
def to_markdown(nb, resources_dir: str):
    import nbformat
    from nbconvert import MarkdownExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    nbn = nbformat.reads(json.dumps(_plain(nb)), as_version=4)  # also re-joins multi-line strings
    # images nbconvert's Markdown exporter does not extract (GIF animations shown with
    # IPython.display.Image, WebP) become files + Markdown image links here
    extra = {}
    for i, c in enumerate(nbn.cells):
        for j, o in enumerate(c.get('outputs', [])):
            mime = next((m for m in o.get('data', {}) if m in ('image/gif', 'image/webp')), None)
            if mime:
                name = f'{resources_dir}/output_{i}_{j}.{mime.split("/")[1]}'
                extra[name] = base64.b64decode(o['data'][mime])
                o['data'] = {'text/markdown': f'![{mime.split("/")[1]}]({name})'}
    ex = MarkdownExporter(template_file=str(HERE / 'templates' / 'neos_md.md.j2'))
    ex.register_preprocessor(TagRemovePreprocessor(remove_input_tags={'remove_input'}), enabled=True)
    body, res = ex.from_notebook_node(nbn, resources={'output_files_dir': resources_dir,
                                                     'unique_key': resources_dir.split('/')[-1]})
    return body, {**res.get('outputs', {}), **extra}


def _plain(nb):
    "A plain nbformat-4 dict of the processed notebook (nbdev's cells carry extra attributes)."
    cells = []
    for c in nb.cells:
        d = {'id': f'c{len(cells)}', 'cell_type': c.cell_type, 'source': c.source,
             'metadata': dict(c.get('metadata', {}))}
        if c.cell_type == 'code':
            d['outputs'] = [dict(o) for o in c.get('outputs', [])]
            d['execution_count'] = None
        cells.append(d)
    return {'cells': cells, 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}


# ---------------------------------------------------------------- links
_re_link = re.compile(r'(!?)\[([^\]]*)\]\((<?)([^)\s>]+)(>?)((?:\s+"[^"]*")?)\)')
_re_html_src = re.compile(r'''((?:src|href)=["'])([^"']+)(["'])''')
_re_anchor = re.compile(r'\{ *#([^\s}]+) *\}')


class Linker:
    "Makes links relative to the site; run after every page is written, so anchors can be checked."
    def __init__(self, slugs, md_dir: Path, doc_url: str, missing: list):
        self.slugs, self.md_dir, self.doc_url, self.missing = slugs, md_dir, doc_url.rstrip('/') + '/', missing
        self.anchors: dict[str, set] = {}

    def collect_anchors(self):
        from markdown.extensions.toc import slugify
        for f in self.md_dir.rglob('*.md'):
            text, ids = f.read_text(), set()
            for line in text.splitlines():
                if m := re.match(r'^#{1,6}\s+(.*?)\s*$', line):
                    h = m.group(1)
                    if a := _re_anchor.search(h): ids.add(a.group(1))
                    else: ids.add(slugify(re.sub(r'[`*_]', '', h), '-'))
            ids.update(re.findall(r'\bid="([^"]+)"', text))
            self.anchors[f.relative_to(self.md_dir).as_posix()] = ids

    def target(self, url: str, page: str):
        "(new url, ok) for one link target as seen from docs page `page` (e.g. 'fit.md', 'api/fit.md')."
        up = '../' * page.count('/')
        if url.startswith(self.doc_url):  # nbdev doc link (backticked name) -> page on this site
            path, _, anchor = url[len(self.doc_url):].partition('#')
            stem = re.sub(r'\.(html|html\.md|md)$', '', path) or 'index'
            if stem not in self.slugs: return url, True
            ok = not anchor or anchor in self.anchors.get(stem + '.md', set())
            return up + stem + '.md' + ('#' + anchor if anchor else ''), ok  # not ok: private name, no entry
        if re.match(r'^[a-z]+:', url) or url.startswith(('#', '/')): return url, True
        path, _, anchor = url.partition('#')
        tail = '#' + anchor if anchor else ''
        if path.endswith('.ipynb') and page_slug(Path(path)) in self.slugs: return up + page_slug(Path(path)) + '.md' + tail, True
        if path.endswith('.html') and Path(path).stem in self.slugs: return up + Path(path).stem + '.md' + tail, True
        return url, True

    def fix(self, md: str, page: str) -> str:
        def sub(m):
            bang, text, lt, url, gt, title = m.groups()
            new, ok = self.target(url, page)
            if not ok: return text  # keep the `name`, drop a link to an entry that does not exist
            if bang and not re.match(r'^[a-z]+:', new) and not (self.md_dir / Path(page).parent / new.partition('#')[0]).exists():
                self.missing.append(f'{page}: image {new}')
                return f'*(image `{new}` not built yet)*'
            return f'{bang}[{text}]({lt}{new}{gt}{title})'
        md = _re_link.sub(sub, md)
        return _re_html_src.sub(lambda m: m.group(1) + self.target(m.group(2), page)[0] + m.group(3), md)

    def fix_all(self):
        self.collect_anchors()
        for f in self.md_dir.rglob('*.md'):
            f.write_text(self.fix(f.read_text(), f.relative_to(self.md_dir).as_posix()))


# ---------------------------------------------------------------- API reference pages
def api_pages(md_dir: Path, linker: Linker, slugs, nbs: Path, allow_errors=False):
    "api/<module>.md: every name in `neos.<module>.__all__`, rendered by nbdev's show_doc renderer."
    from nbdev.showdoc import BasicMarkdownRenderer
    sys.path.insert(0, str(ROOT))
    modidx = {}
    try:
        modidx = importlib.import_module('neos._modidx').d.get('syms', {})
    except Exception: pass
    out = []
    mods = sorted(p for p in (ROOT / 'neos').glob('*.py') if not p.name.startswith('_')) + [ROOT / 'neos' / '__init__.py']
    for p in mods:
        modname = 'neos' if p.name == '__init__.py' else f'neos.{p.stem}'
        try:
            mod = importlib.import_module(modname)
        except Exception as e:
            msg = f'cannot import {modname} for its API page: {type(e).__name__}: {e}'
            if not allow_errors: raise SystemExit(f'docs: {msg}\n(DOCS_ALLOW_ERRORS=1 builds anyway)')
            log(f'WARNING (--allow-errors): {msg}')
            continue
        names = list(getattr(mod, '__all__', []))
        if not names: continue
        src_nb = _source_nb(p)
        page = f'api/{modname}.md'
        lines = [f'---\ntitle: {modname}\nnotebook: {src_nb}\n---\n', f'# {modname}\n']
        doc = (mod.__doc__ or '').strip().split('\n\nDocs:')[0].strip()
        if doc: lines.append(doc + '\n')
        chapter = page_slug(Path(src_nb)) if src_nb else None
        if chapter in slugs:
            lines.append(f'Narrative, examples and tests: the chapter [{modname}](../{chapter}.md).\n')
        lines.append('| name | summary |\n| --- | --- |')
        for n in names:
            o = getattr(mod, n, None)
            summ = ((getattr(o, '__doc__', '') or '').strip().splitlines() or [''])[0] if callable(o) else ''
            summ = summ.replace('|', r'\|')
            lines.append(f'| [`{n}`](#{n.lower()}) | {summ} |')
        lines.append('')
        for n in names:
            o = getattr(mod, n, None)
            if callable(o) or isinstance(o, type):
                md = BasicMarkdownRenderer(o, name=n, title_level=2)._repr_markdown_()
                if isinstance(o, type):  # its documented public methods/properties, as nbdev shows `Class.method`
                    for mn, mo in vars(o).items():
                        if mn.startswith('_'): continue
                        f = mo.fget if isinstance(mo, property) else getattr(mo, '__func__', mo)
                        if not inspect.isfunction(f) or not (f.__doc__ or '').strip(): continue  # documented ones
                        try: md += '\n\n' + BasicMarkdownRenderer(f, name=f'{n}.{mn}', title_level=3)._repr_markdown_()
                        except Exception as e: log(f'WARNING: show_doc({n}.{mn}): {e!r}')
            else:
                md = f'---\n\n## {n}\n\n```python\n{n} = {o!r}\n```'
            md = anchor_show_doc_headings(md)
            key = f'{modname}.{n}'
            if key in modidx and chapter in slugs:
                anchor = modidx[key][0].partition('#')[2]
                md += f'\n\n[In the chapter](../{chapter}.md#{anchor})' + '{ .nb-chapter-link }'
            lines.append(md + '\n')
        text = '\n'.join(lines)
        (md_dir / 'api').mkdir(exist_ok=True)
        (md_dir / page).write_text(text)
        out.append((modname, page, src_nb))
    # same order as the chapters they come from
    order = {p.name: i for i, p in enumerate(list_notebooks(nbs))}
    out.sort(key=lambda t: (order.get(Path(t[2]).name, 10**6), t[0]))
    return [(m, pg) for m, pg, _ in out]


def _source_nb(py: Path) -> str:
    m = re.search(r'File to edit: \.\./(\S+\.ipynb)', py.read_text())
    return m.group(1) if m else ''


# ---------------------------------------------------------------- main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--nbs', default=str(ROOT / 'nbs'))
    ap.add_argument('--work', default=str(ROOT / '_proc' / 'docs'), help='Markdown + caches (gitignored)')
    ap.add_argument('--site', default=str(ROOT / '_docs'))
    ap.add_argument('--execute', choices=['demos', 'missing', 'all', 'none'], default=os.environ.get('DOCS_EXECUTE', 'demos'),
                    help='which notebooks to run: demo_*/index without stored outputs (default), every notebook '
                         'without stored outputs, all, none')
    ap.add_argument('--exec-timeout', type=int, default=int(os.environ.get('DOCS_EXEC_TIMEOUT', 600)))
    ap.add_argument('--jobs', type=int, default=int(os.environ.get('DOCS_JOBS', 2)), help='notebooks executed at once')
    ap.add_argument('--allow-errors', action='store_true', default=bool(os.environ.get('DOCS_ALLOW_ERRORS')),
                    help='a notebook that fails to execute is shown with its stored outputs (warning) instead of failing')
    ap.add_argument('--no-mkdocs', action='store_true', help='write the Markdown only')
    a = ap.parse_args(argv)
    t0 = time.time()
    os.chdir(ROOT); sys.path.insert(0, str(ROOT))
    os.environ.setdefault('MPLBACKEND', 'Agg')
    from nbdev.config import get_config
    cfg = get_config()
    nbs, work = Path(a.nbs), Path(a.work)
    md_dir = work / 'md'
    if md_dir.exists(): shutil.rmtree(md_dir)
    md_dir.mkdir(parents=True)

    notebooks = list_notebooks(nbs)
    if not any(p.stem == 'index' for p in notebooks):
        raise SystemExit('docs: nbs/index.ipynb is missing (it is the home page)')
    slugs = {page_slug(p) for p in notebooks}
    missing = []
    linker = Linker(slugs, md_dir, f"{cfg.doc_host}{cfg.doc_baseurl}", missing)
    git_url, branch = cfg.git_url.rstrip('/'), cfg.get('branch', 'main')
    nbs_rel = nbs.resolve().relative_to(ROOT).as_posix() if nbs.resolve().is_relative_to(ROOT) else 'nbs'
    nav = {'Home': 'index.md'}
    sections: dict[str, list] = {}
    # 1. outputs (executing notebooks without stored outputs, a few at a time)
    from concurrent.futures import ThreadPoolExecutor
    def _outputs(p):
        try: return ensure_outputs(p, a.execute, work / 'exec', a.exec_timeout)
        except ExecError as e:
            if not a.allow_errors: raise
            log(f'WARNING (--allow-errors): {e}'); return p, 'FAILED to execute: stored outputs'
    t = time.time()
    try:
        with ThreadPoolExecutor(max(1, a.jobs)) as ex: outputs = dict(zip(notebooks, ex.map(_outputs, notebooks)))
    except ExecError as e:
        raise SystemExit(f'docs: {e}\n(use --allow-errors / DOCS_ALLOW_ERRORS=1 to build anyway)')
    log(f'outputs ready in {time.time() - t:.1f}s')
    # static files (after execution: a demo may write its animation there): nbs/assets, images next to
    # the notebooks, our stylesheet
    if (nbs / 'assets').is_dir(): shutil.copytree(nbs / 'assets', md_dir / 'assets')
    for f in nbs.iterdir():
        if f.suffix.lower() in IMG_EXTS: shutil.copy2(f, md_dir / f.name)
    (md_dir / 'stylesheets').mkdir(exist_ok=True)
    shutil.copy2(HERE / 'extra.css', md_dir / 'stylesheets' / 'extra.css')
    for p in notebooks:
        t = time.time()
        nb_file, how = outputs[p]
        nb, fm = process_notebook(p, nb_file, a.allow_errors)
        slug = page_slug(p)
        title = str(fm.get('title') or slug)
        desc = str(fm.get('description') or '').strip()
        body, figs = to_markdown(nb, f'{slug}_files')
        for name, data in figs.items():
            (md_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (md_dir / name).write_bytes(data)
        src_url = f'{git_url}/blob/{branch}/{nbs_rel}/{p.name}'
        head = ['---', f'title: {json.dumps(title)}', f'notebook: {nbs_rel}/{p.name}']
        if desc: head.append(f'description: {json.dumps(desc)}')
        head += ['---', '', f'# {title}', '']
        if desc: head += [desc, '{ .nb-description }', '']
        head += [f'[Source notebook: `{nbs_rel}/{p.name}`]({src_url}){{ .nb-source }}', '']
        md = '\n'.join(head) + '\n' + body
        (md_dir / f'{slug}.md').write_text(md)
        if slug != 'index':
            sections.setdefault(section_of(p), []).append({title: f'{slug}.md'})
        log(f'{p.name:28s} -> {slug}.md  ({how}; processed in {time.time() - t:.1f}s)')
    apis = api_pages(md_dir, linker, slugs, nbs, a.allow_errors)
    linker.fix_all()
    navl = [{'Home': 'index.md'}]
    for s in SECTIONS:
        if s in sections: navl.append({s: sections[s]})
    if apis: navl.append({'API reference': [{m: pg} for m, pg in apis]})
    (work / 'nav.json').write_text(json.dumps(navl, indent=1))
    for m in missing: log('WARNING: skipped missing', m)
    log(f'{len(notebooks)} notebooks, {len(apis)} API pages -> {md_dir.relative_to(ROOT)} in {time.time() - t0:.1f}s')
    if a.no_mkdocs: return
    t = time.time()
    env = dict(os.environ, NO_MKDOCS_2_WARNING='1')
    r = subprocess.run([sys.executable, '-m', 'mkdocs', 'build', '--strict', '--clean', '-f', str(ROOT / 'mkdocs.yml'),
                        '-d', str(Path(a.site).resolve())], cwd=ROOT, env=env)
    if r.returncode: raise SystemExit(f'docs: mkdocs build failed (exit {r.returncode})')
    log(f'site -> {Path(a.site).resolve().relative_to(ROOT) if Path(a.site).resolve().is_relative_to(ROOT) else a.site}'
        f' (mkdocs {time.time() - t:.1f}s; total {time.time() - t0:.1f}s)')


if __name__ == '__main__':
    main()
