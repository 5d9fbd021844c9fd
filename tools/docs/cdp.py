"""A minimal Chrome DevTools Protocol client over `--remote-debugging-pipe` (stdlib only).

Chromium reads NUL-terminated JSON commands on fd 3 and writes responses/events on fd 4, so no
websocket library, no driver download and no network port are needed. Used by check_site.py.
"""
from __future__ import annotations

import base64, collections, json, os, queue, subprocess, tempfile, threading, time

FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync',
         '--disable-dev-shm-usage', '--hide-scrollbars', '--mute-audio', '--no-default-browser-check',
         '--disable-extensions', '--disable-default-apps']


class CDPError(RuntimeError): pass


class Browser:
    def __init__(self, chromium: str, extra_flags=()):
        self.profile = tempfile.TemporaryDirectory(prefix='neos-chromium-')
        cmd_r, cmd_w = os.pipe()   # we write commands -> chromium fd 3
        ev_r, ev_w = os.pipe()     # chromium fd 4 -> we read
        def child():
            os.dup2(cmd_r, 3); os.dup2(ev_w, 4)
        self.proc = subprocess.Popen(
            [chromium, *FLAGS, *extra_flags, f'--user-data-dir={self.profile.name}', '--remote-debugging-pipe',
             'about:blank'], preexec_fn=child, pass_fds=(3, 4), close_fds=True,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.close(cmd_r); os.close(ev_w)
        self._w = os.fdopen(cmd_w, 'wb', buffering=0)
        self._r = os.fdopen(ev_r, 'rb', buffering=0)
        self._id, self._lock = 0, threading.Lock()
        self._pending: dict[int, queue.Queue] = {}
        self.events: list[dict] = []
        self._ev_cond = threading.Condition()
        threading.Thread(target=self._reader, daemon=True).start()
        self.stderr = collections.deque(maxlen=30)
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        try: self.version = self.send('Browser.getVersion', timeout=30)
        except CDPError as e:
            self.close()
            raise CDPError(f'{chromium} did not start: {e}\n' + b''.join(self.stderr).decode(errors='replace'))

    def _drain_stderr(self):
        for line in self.proc.stderr: self.stderr.append(line)

    def _reader(self):
        buf = b''
        while True:
            chunk = self._r.read(65536)
            if not chunk: break
            buf += chunk
            while b'\0' in buf:
                msg, buf = buf.split(b'\0', 1)
                m = json.loads(msg)
                if 'id' in m and m['id'] in self._pending: self._pending.pop(m['id']).put(m)
                else:
                    with self._ev_cond: self.events.append(m); self._ev_cond.notify_all()

    def send(self, method, params=None, session=None, timeout=60):
        with self._lock:
            self._id += 1; i = self._id
            q = self._pending[i] = queue.Queue()
            msg = {'id': i, 'method': method, 'params': params or {}}
            if session: msg['sessionId'] = session
            self._w.write(json.dumps(msg).encode() + b'\0')
        try: m = q.get(timeout=timeout)
        except queue.Empty: raise CDPError(f'{method}: no answer in {timeout}s')
        if 'error' in m: raise CDPError(f"{method}: {m['error']}")
        return m.get('result', {})

    def wait_event(self, method, session=None, since=0, timeout=30):
        end = time.time() + timeout
        with self._ev_cond:
            while True:
                for e in self.events[since:]:
                    if e.get('method') == method and (session is None or e.get('sessionId') == session): return e
                left = end - time.time()
                if left <= 0: raise CDPError(f'no {method} event in {timeout}s')
                self._ev_cond.wait(left)

    def new_page(self, width=1280, height=900):
        return Page(self, width, height)

    def close(self):
        try: self.send('Browser.close', timeout=10)
        except Exception: pass
        try: self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired: self.proc.kill(); self.proc.wait()
        self.profile.cleanup()

    def __enter__(self): return self
    def __exit__(self, *a): self.close()


class Page:
    def __init__(self, b: Browser, width, height):
        self.b = b
        self.target = b.send('Target.createTarget', {'url': 'about:blank'})['targetId']
        self.s = b.send('Target.attachToTarget', {'targetId': self.target, 'flatten': True})['sessionId']
        for m in ('Page.enable', 'Runtime.enable', 'Network.enable'): self.cmd(m)
        self.cmd('Emulation.setDeviceMetricsOverride', {'width': width, 'height': height, 'deviceScaleFactor': 1, 'mobile': False})

    def cmd(self, method, params=None, timeout=60):
        return self.b.send(method, params, session=self.s, timeout=timeout)

    def goto(self, url, timeout=30):
        since = len(self.b.events)
        self.cmd('Page.navigate', {'url': url})
        self.b.wait_event('Page.loadEventFired', self.s, since, timeout)
        self.mark = since

    def eval(self, js, timeout=30):
        r = self.cmd('Runtime.evaluate', {'expression': js, 'awaitPromise': True, 'returnByValue': True}, timeout)
        if 'exceptionDetails' in r: raise CDPError(f"JS error: {r['exceptionDetails'].get('exception', {}).get('description', r['exceptionDetails'])}")
        return r['result'].get('value')

    def screenshot(self, path, full_page=False):
        p = {'format': 'png'}
        if full_page: p['captureBeyondViewport'] = True
        data = self.cmd('Page.captureScreenshot', p)['data']
        with open(path, 'wb') as f: f.write(base64.b64decode(data))

    def responses(self, since=0):
        "(url, status) of every network response this page got since event index `since`."
        return [(e['params']['response']['url'], e['params']['response']['status']) for e in self.b.events[since:]
                if e.get('sessionId') == self.s and e.get('method') == 'Network.responseReceived']

    def requests(self, since=0):
        return [e['params']['request']['url'] for e in self.b.events[since:]
                if e.get('sessionId') == self.s and e.get('method') == 'Network.requestWillBeSent']

    def failed(self, since=0):
        return [e['params'] for e in self.b.events[since:]
                if e.get('sessionId') == self.s and e.get('method') == 'Network.loadingFailed']
