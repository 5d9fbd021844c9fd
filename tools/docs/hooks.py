"""MkDocs hooks for the neos docs (see tools/docs/build.py).

- navigation: read from _proc/docs/nav.json, which build.py writes from the nbs/ listing;
- "edit on GitHub" button: points at the page's source notebook (page meta `notebook:`), not the
  generated Markdown.
"""
import json
from pathlib import Path


def on_config(config, **kw):
    nav = Path(config.config_file_path).parent / '_proc' / 'docs' / 'nav.json'
    if nav.exists() and not config.get('nav'):
        config['nav'] = json.loads(nav.read_text())
    return config


def on_page_markdown(markdown, page, config, files, **kw):
    nb = page.meta.get('notebook')
    repo = (config.get('repo_url') or '').rstrip('/')
    branch = config.get('extra', {}).get('branch', 'main')
    page.edit_url = f'{repo}/blob/{branch}/{nb}' if nb and repo else None
    return markdown
