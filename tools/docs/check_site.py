"""Check the built docs site in a real headless browser (Debian's chromium) — `make docs-check`.

    python tools/docs/check_site.py            # build (tools/docs/build.py), then check
    python tools/docs/check_site.py --no-build # check an existing _docs/

Serves _docs/ on 127.0.0.1 (a free port), then
- crawls every internal link and asset with urllib: no 404s, no missing #anchors, no remote (CDN)
  scripts/stylesheets/images, no `#|` directive lines or `In [ ]:` prompts in any page, a page for
  every notebook in nbs/;
- opens the home page, one API page, every demo page and a chapter with figures in headless Chromium
  (driven over the DevTools protocol on a pipe, tools/docs/cdp.py: no driver, no extra package) and
  asserts on what the browser rendered: titles, navigation, API signatures and docstrings, images
  with naturalWidth > 0 (the home page's training GIF), offline search results, and that the browser
  requested nothing outside 127.0.0.1 and got no error status;
- saves screenshots (PNG) and what each page reported (JSON) to _docs_check/.
Chromium: $CHROMIUM, else /usr/bin/chromium (`apt-get update && apt-get install -y chromium`).
Prints `docs-check: N passed, M failed` and exits non-zero on any failure.
"""
from __future__ import annotations

import argparse, json, os, re, shutil, subprocess, sys, threading, time, urllib.request, urllib.error
from functools import partial
from html.parser import HTMLParser
from http.server import ThreadingHTTPServer, SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import urljoin, urlparse, unquote

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

results: list[tuple[bool, str]] = []


def check(ok, what, detail=''):
    results.append((bool(ok), what))
    print(f"  {'PASS' if ok else 'FAIL'}  {what}" + (f'  -- {detail}' if detail and not ok else ''), flush=True)
    return bool(ok)


# ---------------------------------------------------------------- local server
class Handler(SimpleHTTPRequestHandler):
    log = []

    def log_request(self, code='-', size='-'):
        Handler.log.append((urlparse(self.path).path, int(code) if str(code).isdigit() else code))

    def log_message(self, *a): pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a browser cancelling a download is no failure
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def serve(site: Path):
    srv = Server(('127.0.0.1', 0), partial(Handler, directory=str(site)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f'http://127.0.0.1:{srv.server_address[1]}/'


# ---------------------------------------------------------------- crawl
class Links(HTMLParser):
    def __init__(self):
        super().__init__(); self.refs, self.ids, self.remote_assets = [], set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get('id'): self.ids.add(a['id'])
        if a.get('name') and tag == 'a': self.ids.add(a['name'])
        for k in ('href', 'src'):
            v = a.get(k)
            if not v: continue
            asset = tag in ('script', 'img', 'iframe', 'source', 'video') or (tag == 'link' and 'stylesheet' in (a.get('rel') or ''))
            if asset and re.match(r'^(https?:)?//', v): self.remote_assets.append(f'<{tag} {k}={v}>')
            self.refs.append((tag, v))


def crawl(base: str, max_pages=2000):
    "BFS over same-origin links from index.html. Returns pages {url: (status, parser, text)} and problems."
    pages, todo, seen, bad, anchors = {}, [urljoin(base, 'index.html')], set(), [], []
    while todo and len(seen) < max_pages:
        url = todo.pop(0)
        if url in seen: continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                status, ctype, body = r.status, r.headers.get('Content-Type', ''), r.read()
        except urllib.error.HTTPError as e:
            bad.append(f'{e.code} {url[len(base) - 1:]}'); continue
        if 'html' not in ctype: continue
        p = Links(); text = body.decode('utf-8', 'replace'); p.feed(text)
        pages[url] = (status, p, text)
        for tag, ref in p.refs:
            full = urljoin(url, ref)
            if not full.startswith(base) or ref.startswith(('mailto:', 'javascript:')): continue
            path, _, frag = full.partition('#')
            if frag and path.endswith('.html'): anchors.append((url, path, unquote(frag)))
            if path not in seen: todo.append(path)
    return pages, bad, anchors


# ---------------------------------------------------------------- chromium
def chromium_bin():
    for c in (os.environ.get('CHROMIUM'), '/usr/bin/chromium', shutil.which('chromium'), shutil.which('chromium-browser')):
        if c and Path(c).exists(): return c
    raise SystemExit('docs-check: chromium not found; install it with: apt-get update && apt-get install -y chromium')


# what the browser rendered, read in the page once its images are loaded (and search results shown)
PROBE_JS = r'''new Promise(resolve => {
  const t0 = Date.now(), query = new URLSearchParams(location.search).get('q');
  const q = (s) => [...document.querySelectorAll(s)];
  (function poll() {
    const imgs = q('article img').map(i => ({src: i.getAttribute('src'), w: i.naturalWidth, h: i.naturalHeight, complete: i.complete}));
    const hits = q('.md-search-result__item').length;
    if ((!imgs.every(i => i.complete) || (query && !hits)) && Date.now() - t0 < 15000) { setTimeout(poll, 200); return; }
    resolve({
      title: document.title, h1: (document.querySelector('article h1') || {}).textContent || '',
      headings: q('article h2[id], article h3[id], article h4[id]').map(h => h.id),
      code: q('article pre code').map(c => c.textContent).join('\n'),
      text: (document.querySelector('article') || document.body).innerText,
      nav: q('.md-nav--primary a.md-nav__link').map(a => a.getAttribute('href')),
      imgs: imgs, search_hits: hits, search_input: !!document.querySelector('input.md-search__input'),
      edit: (document.querySelector('a.md-content__button') || {}).href || '',
      width: document.documentElement.scrollWidth, vw: window.innerWidth});
  })();
})'''


def visit(browser, base, page, shot: Path | None = None):
    "Open `page` in a fresh tab; returns the probe dict plus the tab's network traffic."
    from cdp import CDPError
    tab = browser.new_page(1280, 900)
    try:
        tab.goto(base + page)
        doc = [st for u, st in tab.responses() if u == base + page]
        if not doc or doc[0] != 200: return {'error': f'{page}: HTTP status {doc[:1]}'}
        res = tab.eval(PROBE_JS)
        if shot: tab.screenshot(str(shot))
        if shot and res.get('imgs') and '?q=' not in page:  # a second picture, scrolled to the first figure
            tab.eval("document.querySelector('article img').scrollIntoView({block: 'center'}); new Promise(r => setTimeout(r, 300))")
            tab.screenshot(str(shot.with_name(shot.stem + '-figure.png')))
        res['responses'] = tab.responses()
        res['requests'] = tab.requests()
        res['failed'] = [f.get('errorText', '') + ' ' + f.get('requestId', '') for f in tab.failed()]
        return res
    except CDPError as e:
        return {'error': str(e)}
    finally:
        try: browser.send('Target.closeTarget', {'targetId': tab.target})
        except Exception: pass


def traffic_checks(res, page, base):
    remote = [u for u in res['requests'] if not u.startswith((base, 'data:', 'blob:', 'about:'))]
    check(not remote, f'{page}: the browser requested nothing outside 127.0.0.1', f'{remote[:5]}')
    bad = [f'{s} {u}' for u, s in res['responses'] if s >= 400]
    check(not bad, f'{page}: every request the browser made succeeded', f'{bad[:5]}')


# ---------------------------------------------------------------- main
def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument('--site', default=str(ROOT / '_docs'))
    ap.add_argument('--out', default=str(ROOT / '_docs_check'))
    ap.add_argument('--no-build', action='store_true')
    ap.add_argument('--nbs', default=str(ROOT / 'nbs'), help='notebook folder the site was built from')
    a = ap.parse_args(argv)
    t0 = time.time()
    site, out = Path(a.site).resolve(), Path(a.out)
    chromium_bin()
    if not a.no_build:
        r = subprocess.run([sys.executable, str(ROOT / 'tools' / 'docs' / 'build.py'), '--site', str(site), '--nbs', a.nbs])
        if r.returncode: print('docs-check: the build failed\ndocs-check: 0 passed, 1 failed'); return 1
    if out.exists(): shutil.rmtree(out)
    out.mkdir(parents=True)
    srv, base = serve(site)
    print(f'docs-check: serving {site} at {base}', flush=True)
    try:
        run_checks(base, out, Path(a.nbs))
    finally:
        srv.shutdown()
    (out / 'server_log.json').write_text(json.dumps(Handler.log, indent=0))
    n_ok = sum(ok for ok, _ in results); n_bad = len(results) - n_ok
    print(f'docs-check: artefacts in {out} ({time.time() - t0:.0f}s)')
    print(f'docs-check: {n_ok} passed, {n_bad} failed')
    return 1 if n_bad else 0


def run_checks(base, out, nbs_dir):
    from build import list_notebooks, page_slug
    nbs = list_notebooks(nbs_dir)
    slugs = [page_slug(p) for p in nbs]

    print('docs-check: crawling internal links')
    pages, bad, anchors = crawl(base)
    names = {u[len(base):] for u in pages}
    check(len(pages) >= len(slugs), f'crawl reached {len(pages)} pages from index.html')
    check(not bad, 'no 404s among internal links and assets', '; '.join(bad[:10]))
    missing = [s for s in slugs if f'{s}.html' not in names]
    check(not missing, f'a linked page for every notebook in nbs/ ({len(slugs)})', f'missing: {missing}')
    broken = sorted({f'{src[len(base):]} -> {dst[len(base):]}#{frag}' for src, dst, frag in anchors
                     if dst in pages and frag not in pages[dst][1].ids})
    check(not broken, f'every #anchor of {len(anchors)} internal links exists', '; '.join(broken[:10]))
    remote = sorted({f'{u[len(base):]}: {r}' for u, (s, p, t) in pages.items() for r in p.remote_assets})
    check(not remote, 'no remote (CDN) scripts, stylesheets or images', '; '.join(remote[:5]))
    directive = [u[len(base):] for u, (s, p, t) in pages.items() if re.search(r'(^|\n|>)\s*#\|', t)]
    check(not directive, 'no `#|` directive lines in any page', f'{directive[:5]}')
    prompts = [u[len(base):] for u, (s, p, t) in pages.items() if re.search(r'In&nbsp;\[|In \[[ 0-9]*\]:|Out\[[0-9]*\]:', t)]
    check(not prompts, 'no In [ ]: / Out[ ]: prompts in any page', f'{prompts[:5]}')
    check('search/search_index.json' in {p for p, c in Handler.log if c == 200} or
          _get(base + 'search/search_index.json'), 'search index served')

    from cdp import Browser
    with Browser(chromium_bin()) as browser:
        print(f"docs-check: browser {browser.version.get('product')} (headless, DevTools over a pipe)")
        browser_checks(browser, base, out, nbs, slugs, names, nbs_dir)


def browser_checks(browser, base, out, nbs, slugs, names, nbs_dir):
    from build import page_slug
    # --- home page
    print('docs-check: home page in headless chromium')
    home = visit(browser, base, 'index.html', out / 'home.png')
    _save(out / 'home.json', home)
    if not check('error' not in home, 'home page rendered in chromium', home.get('error', '')): return
    check('neos' in home['title'], f"home title {home['title']!r}")
    check(home['h1'].strip().startswith('neos'), f"home h1 {home['h1'].strip().rstrip('¶')[:40]!r}")
    nav_pages = {Path(urlparse(h).path).name for h in home['nav']}
    check(all(f'{s}.html' in nav_pages for s in slugs), f'navigation lists all {len(slugs)} notebook pages',
          f"missing {[s for s in slugs if f'{s}.html' not in nav_pages]}")
    check(any(h.startswith('api/') for h in home['nav']), 'navigation has the API reference')
    check(home['search_input'], 'search box present')
    gifs = [i for i in home['imgs'] if (i['src'] or '').lower().endswith('.gif')]
    check(gifs and all(i['w'] > 0 for i in gifs),
          f"home page shows the training animation: {[i['src'] for i in gifs]} loaded (naturalWidth > 0)",
          f"images on the home page: {home['imgs']}; GIFs in nbs/assets: {sorted(p.name for p in (nbs_dir / 'assets').glob('*.gif'))}")
    check(all(i['w'] > 0 for i in home['imgs']), f"all {len(home['imgs'])} images on the home page load", f"{home['imgs']}")
    check(home['width'] <= home['vw'], 'home page has no horizontal overflow', f"{home['width']} > {home['vw']}")
    traffic_checks(home, 'index.html', base)
    check(Path(out / 'home.png').stat().st_size > 5000, f'screenshot {out.name}/home.png')

    # --- one API page: every name in the module's __all__, with signature and docstring
    api = sorted(n for n in names if n.startswith('api/'))
    pick = next((p for p in ('api/neos.fit.html', 'api/neos.infer.html', 'api/neos.smooth.html') if p in api),
                api[0] if api else None)
    if check(pick, 'an API reference page exists'):
        print(f'docs-check: API page {pick} in headless chromium')
        res = visit(browser, base, pick, out / 'api.png')
        _save(out / 'api.json', res)
        if check('error' not in res, f'{pick} rendered in chromium', res.get('error', '')):
            import importlib, inspect
            sys.path.insert(0, str(ROOT))
            modname = Path(pick).stem
            mod = importlib.import_module(modname)
            names_ = list(getattr(mod, '__all__', []))
            check(res['h1'].strip().startswith(modname), f"API page h1 {res['h1'].strip().rstrip('¶')!r}")
            lost = [n for n in names_ if n.lower() not in res['headings']]
            check(names_ and not lost, f'API page has an entry for each of the {len(names_)} names in {modname}.__all__', f'missing {lost}')
            fns = [n for n in names_ if inspect.isfunction(getattr(mod, n, None))]
            nosig = [n for n in fns if not re.search(rf'def {re.escape(n)}\(', res['code'])]
            check(fns and not nosig, f'API page shows the signature `def name(` of each of {len(fns)} functions', f'{nosig}')
            documented = [n for n in fns if (getattr(mod, n).__doc__ or '').strip()]
            first = lambda n: (getattr(mod, n).__doc__ or '').strip().splitlines()[0][:40].replace('`', '')
            nodoc = [n for n in documented if first(n) not in res['text']]
            check(not nodoc, f'API page shows the docstring of each of {len(documented)} documented functions', f'{nodoc}')
            check('github.com' in res['edit'] and res['edit'].endswith('.ipynb'),
                  'API page: "edit" button links to the source notebook on GitHub', res['edit'])
            traffic_checks(res, pick, base)
            check(Path(out / 'api.png').stat().st_size > 5000, f'screenshot {out.name}/api.png')

    # --- every demo page and one chapter with figures: executed outputs and figures
    demos = [f'{page_slug(p)}.html' for p in nbs if p.stem.startswith('demo')]
    chapters = [f'{page_slug(p)}.html' for p in nbs if re.match(r'\d', p.stem)]
    with_figs = [c for c in chapters if '<img' in (_fetch(base + c) or '')]
    chap = (with_figs or chapters[1:] or chapters or [None])[0]
    if not demos: print('  NOTE  no demo_*.ipynb notebook in nbs/')
    demo_figs = 0
    for pg in filter(None, dict.fromkeys(demos + [chap])):
        shot = out / f'{Path(pg).stem}.png'
        res = visit(browser, base, pg, shot)
        _save(out / f'{Path(pg).stem}.json', res)
        if check('error' not in res, f'{pg} rendered in chromium', res.get('error', '')):
            if pg in demos: demo_figs += len(res['imgs'])
            check(all(i['w'] > 0 for i in res['imgs']), f"all {len(res['imgs'])} figures on {pg} load", f"{res['imgs']}")
            check('#|' not in res['code'], f'no `#|` in the code shown on {pg}')
            traffic_checks(res, pg, base)
            check(shot.stat().st_size > 5000, f'screenshot {out.name}/{shot.name}')
    if demos:
        check(demo_figs > 0, f'the demo pages show executed figures ({demo_figs})')

    # --- search works offline (Material's lunr worker, ?q= opens it with the query)
    sq = 'histogram' if (nbs_dir / '20_smooth.ipynb').exists() else 'neos'
    res = visit(browser, base, f'index.html?q={sq}', out / 'search.png')
    _save(out / 'search.json', res)
    check(res.get('search_hits', 0) > 0, f'offline search for {sq!r} returns results ({res.get("search_hits")})', res.get('error', ''))


def _save(path, res):
    path.write_text(json.dumps({k: v for k, v in res.items() if k != 'text'}, indent=1))


def _fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r: return r.read().decode('utf-8', 'replace')
    except Exception: return None


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r: return r.status == 200
    except Exception: return False


if __name__ == '__main__':
    sys.exit(main())
