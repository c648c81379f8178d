"""The readers' clients, for the browser test: JupyterLab (untrusted as in a fresh clone, then
trusted) and a GitHub-like sanitised view of nbconvert's HTML, both in headless Chromium.

Nothing here starts a kernel: opening a notebook shows its stored outputs, and the JupyterLab
started here has no kernel to start. Nothing reaches the network: every request a page makes to
another host is refused, and MathJax comes from the local copy npm installs (package.json).
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
MATHJAX = HERE / "node_modules" / "mathjax"  # MathJax 3, as GitHub and JupyterLab 4 use
MATHJAX2 = HERE / "node_modules" / "mathjax2"  # MathJax 2, as nbconvert's own template loads it
WIDTH = 1000  # the viewport: an ordinary laptop window
HEIGHT = 800

LAB = "JupyterLab, untrusted"
LAB_TRUSTED = "JupyterLab, trusted"
GITHUB = "sanitised view"
NBCONVERT = "nbconvert HTML"
VIEWS = (LAB, LAB_TRUSTED, GITHUB)


@dataclass
class Finding:
    """One thing a reader would see wrong: what, in which cell (0-based, -1 for the page) and
    the text around it as the client shows it."""

    kind: str
    cell: int
    text: str

    def line(self, cells=None) -> str:
        where = f"cell {self.cell + 1}" if self.cell >= 0 else "page"
        if cells is not None and 0 <= self.cell < len(cells):
            where += f" (id {cells[self.cell].get('id', '?')}, {cells[self.cell]['cell_type']})"
        return f"{where}: {self.kind}: {self.text}"


@dataclass
class Page:
    """What one view of one notebook showed."""

    view: str
    name: str
    findings: list = field(default_factory=list)
    maths: int = 0  # maths nodes typeset (also reported as findings)
    cells: int = 0  # cells rendered
    texts: list = field(default_factory=list)  # each cell's visible text
    screenshot: Path | None = None
    seconds: float = 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# What the pages are checked for, in the page itself. `lab` picks JupyterLab's markup; the
# sanitised view marks its cells and outputs with data-cc-* attributes before the classes go.

DETECT = r"""
async ({lab, root}) => {
  const host = root ? document.getElementById(root) : document.body;
  const cellSel = lab ? '.jp-Cell' : '[data-cc-cell]';
  const outSel = lab ? '.jp-OutputArea-output' : '[data-cc-output]';
  const cells = [...host.querySelectorAll(cellSel)];
  const cellOf = el => { const c = el.closest(cellSel); return c ? cells.indexOf(c) : -1; };
  const clip = (s, n = 160) => {
    s = s.replace(/\s+/g, ' ').trim(); return s.length > n ? s.slice(0, n) + '…' : s; };
  const findings = [];
  const add = (kind, el, text) => findings.push({kind, cell: cellOf(el), text: clip(text)});

  // images: wait (at most 5 s) for each to load or fail
  const imgs = [...host.querySelectorAll('img')];
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => {
    i.addEventListener('load', r); i.addEventListener('error', r); setTimeout(r, 5000); })));

  // 1. maths: MathJax 3 (JupyterLab, GitHub) makes mjx-container, MathJax 2 (nbconvert) a script
  const maths = [...host.querySelectorAll('mjx-container, script[type^="math/tex"]')];
  for (const m of maths) {
    const block = m.parentElement.closest('p, li, td, th, h1, h2, h3, h4, h5, h6, pre, div')
      || m.parentElement;
    const copy = block.cloneNode(true);
    for (const c of copy.querySelectorAll('mjx-container, script[type^="math/tex"]')) {
      const tex = c.tagName === 'SCRIPT' ? c.textContent
        : (c.querySelector('mjx-assistive-mml') || c).textContent;
      c.replaceWith(document.createTextNode(` ⟦maths: ${tex}⟧ `));
    }
    for (const c of copy.querySelectorAll(
      '.MathJax_Preview, .MathJax, .MathJax_CHTML, .mjx-chtml')) c.remove();
    add('typeset as maths', m, copy.textContent);
  }

  // 2. an output shown as an object's repr instead of what it should show
  const repr = [
    /<[A-Za-z_][\w.]*(?: object)? at 0x[0-9a-fA-F]+>/,
    /<(?:IPython|matplotlib|pandas|numpy|statsmodels|scipy)\.[^<>\n]*>/,
    /<Figure size [^<>\n]*>/, /<Axes:[^<>\n]*>/, /^Text\(-?[\d.]+, -?[\d.]+, /m,
  ];
  for (const out of host.querySelectorAll(outSel)) {
    for (const pattern of repr) {
      const hit = out.textContent.match(pattern);
      if (hit) { add('raw object repr', out, hit[0]); break; }
    }
  }

  // 3. broken images
  for (const i of imgs) {
    if (!i.complete || i.naturalWidth === 0) {
      // JupyterLab shows a Markdown image's path as this server's /files/ address: name the path
      const src =
        (i.getAttribute('src') || '').replace(/^https?:\/\/127\.0\.0\.1:\d+\/files\//, '')
        .replace(/\?.*$/, '');
      add('broken image', i,
          `${src.startsWith('data:') ? src.slice(0, 30) + '…' : src} (alt: ${i.alt})`);
    }
  }

  // 4. tables wider than the notebook (JupyterLab: than the cell's rendered area; the
  // sanitised view: than the page), and 5. text that the reader's client right-aligns only
  // because CSS says so (no align attribute or inline style chose it)
  for (const t of host.querySelectorAll('table')) {
    let room;
    if (lab) {
      const box = t.closest('.jp-RenderedHTMLCommon') || t.parentElement;
      const s = getComputedStyle(box);
      room = box.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    } else {
      room = document.documentElement.clientWidth - 16;  // the body's default margins
    }
    const width = t.getBoundingClientRect().width;
    const head = t.querySelector('th, td');
    if (width > room + 1) {
      add('table wider than the notebook', t,
          `${Math.round(width)} px in ${Math.round(room)} px ` +
          `(first cell: ${head ? head.textContent : ''})`);
    }
    const right = [...t.querySelectorAll('td, th')].filter(c => {
      const text = c.textContent;
      const letters = (text.match(/[A-Za-z]/g) || []).length,
        digits = (text.match(/\d/g) || []).length;
      const chosen = c.getAttribute('align') || c.style.textAlign;
      const align = getComputedStyle(c).textAlign;
      return letters >= 3 && letters > digits && !chosen && (align === 'right' || align === 'end');
    });
    if (right.length) {
      add('text right-aligned by CSS', t, `${right.length} cells, first: ${right[0].textContent}`);
    }
  }

  // 6. printed lines that JupyterLab wraps in the middle of a word (its CSS lets a long line
  // break anywhere): find where each long line really breaks, character by character
  if (lab) {
    for (const pre of host.querySelectorAll(`${outSel} pre`)) {
      const s = getComputedStyle(pre);
      const probe = document.createElement('span');
      probe.textContent = 'x'.repeat(100);
      pre.appendChild(probe);
      const perChar = probe.getBoundingClientRect().width / 100;
      probe.remove();
      const room =
        (pre.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)) / perChar;
      if (!pre.textContent.split('\n').some(l => l.length > room)) continue;
      const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
      const chars = [];  // [character, top of its box]
      const range = document.createRange();
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.length; i++) {
          range.setStart(node, i); range.setEnd(node, i + 1);
          const box = range.getClientRects()[0];
          chars.push([node.data[i], box ? box.top : null]);
        }
      }
      let top = null;
      for (let i = 0; i < chars.length; i++) {
        const [c, y] = chars[i];
        if (c === '\n' || y === null) { top = null; continue; }
        if (top !== null && y > top + 2 && i > 0 && /\S/.test(chars[i - 1][0]) && /\S/.test(c)) {
          const line = chars.map(x => x[0]).join('');
          const from = line.lastIndexOf('\n', i) + 1, to = line.indexOf('\n', i);
          const text = line.slice(from, to < 0 ? undefined : to);
          add('printed line wraps mid-word', pre,
              `at “${line.slice(Math.max(from, i - 12), i)}|${line.slice(i, i + 12)}” ` +
              `in: ${text}`);
          break;
        }
        top = y;
      }
    }
  }

  return {findings, maths: maths.length, cells: cells.length,
          // what each cell shows: its outputs (a code cell), or itself (a Markdown cell)
          texts: cells.map(c => { const outs = [...c.querySelectorAll(outSel)];
            return (outs.length ? outs.map(o => o.innerText).join(' ') : c.innerText)
              .replace(/\s+/g, ' ').trim(); })};
}
"""

# Wait until the page has not changed for `ms` milliseconds (rendering and typesetting are done),
# or 15 s at most (a page that never stops changing is checked as it is then).
QUIET = """(ms) => new Promise(resolve => {
  let timer;
  const observer = new MutationObserver(() => {
    clearTimeout(timer); timer = setTimeout(() => done(true), ms); });
  function done(quiet) {
    observer.disconnect(); clearTimeout(timer); clearTimeout(limit); resolve(quiet); }
  observer.observe(document.body,
                   {subtree: true, childList: true, attributes: true, characterData: true});
  timer = setTimeout(() => done(true), ms);
  const limit = setTimeout(() => done(false), 15000);
})"""


def _page_result(view, name, raw, seconds, screenshot) -> Page:
    return Page(
        view=view,
        name=name,
        findings=[Finding(**f) for f in raw["findings"]],
        maths=raw["maths"],
        cells=raw["cells"],
        texts=raw["texts"],
        screenshot=screenshot,
        seconds=seconds,
    )


# ---------------------------------------------------------------------------------------------
# JupyterLab


class JupyterLab:
    """The pinned JupyterLab on a free port on 127.0.0.1, serving `site`, with a temporary Jupyter
    data, runtime and config folder (so no notebook is trusted, as in a fresh clone, unless `trust`
    signs it there), notebook windowing off (every cell renders) and no kernel to start."""

    def __init__(self, site: Path, home: Path):
        self.site, self.home = site, home
        self.data, self.runtime, self.config = home / "data", home / "runtime", home / "config"
        self.settings, self.workspaces = home / "settings", home / "workspaces"
        self.token = secrets.token_hex(16)
        self.process = None
        home.mkdir(parents=True, exist_ok=True)
        self.log = home / "jupyterlab.log"

    def _settings(self):
        for folder in (self.data, self.runtime, self.config, self.workspaces):
            folder.mkdir(parents=True, exist_ok=True)
        # the secret that trust signatures are made with, written first so that this process
        # and the server sign alike
        secret = self.data / "notebook_secret"
        secret.write_bytes(base64.encodebytes(os.urandom(1024)))
        secret.chmod(0o600)
        user = {
            # every cell in the page, not only those scrolled into view
            "notebook-extension/tracker": {"windowingMode": "none"},
            # no pop-up asking to fetch news, no update check (no network)
            "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        }
        for name, values in user.items():
            path = self.settings / "@jupyterlab" / f"{name}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")

    def start(self):
        """Start the server (`wait` waits until it answers)."""
        if not (self.data / "notebook_secret").exists():
            self._settings()
        env = {
            **os.environ,
            "JUPYTER_DATA_DIR": str(self.data),
            "JUPYTER_RUNTIME_DIR": str(self.runtime),
            "JUPYTER_CONFIG_DIR": str(self.config),
        }
        env.pop("JUPYTER_PATH", None)
        self.port = free_port()
        args = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.site}",
            f"--LabApp.user_settings_dir={self.settings}",
            f"--LabApp.workspaces_dir={self.workspaces}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            # no kernel can start: opening a notebook needs none
            "--KernelSpecManager.allowed_kernelspecs=no-kernel-for-the-browser-test",
        ]
        with self.log.open("a", encoding="utf-8") as log:
            self.process = subprocess.Popen(
                args, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        return self

    def wait(self):
        for _attempt in range(3):  # a port taken meanwhile: start again on another
            if self._wait_ready():
                return self
            self._stop()
            self.start()
        raise RuntimeError(f"JupyterLab did not start; its log:\n{self.log.read_text()[-3000:]}")

    def __enter__(self):
        if self.process is None:
            self.start()
        return self.wait()

    def _wait_ready(self, timeout=90) -> bool:
        url = f"{self.base}/api/status?token={self.token}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:
                    if answer.status == 200:
                        return True
            except OSError:
                time.sleep(0.2)
        return False

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, workspace: str) -> str:
        return f"{self.base}/lab/workspaces/{workspace}?reset&token={self.token}"

    def trust(self, paths):
        """Trust notebooks as `jupyter trust` does, in this server's data folder."""
        if not (self.data / "notebook_secret").exists():
            self._settings()
        import nbformat
        from nbformat.sign import NotebookNotary

        notary = NotebookNotary(data_dir=str(self.data))
        for path in paths:
            with contextlib.suppress(Exception):  # a file that is no notebook stays untrusted
                notary.sign(nbformat.read(path, as_version=4))

    def _stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def __exit__(self, *exc):
        self._stop()


# A page of JupyterLab as the test uses it: the main area empty, the side bars closed (the notebook
# gets the window's width), and notebooks opened with no kernel, as the "No Kernel" choice of the
# kernel dialog does (the factory's preference says start none; this server has none to start).
PREPARE = """() => {
  const app = window.jupyterapp;
  for (const w of [...app.shell.widgets('main')]) w.dispose();
  app.shell.collapseLeft(); app.shell.collapseRight();
  const factory = app.docRegistry.getWidgetFactory('Notebook');
  factory._preferKernel = false; factory._canStartKernel = false;
}"""

OPEN = """async ({path, timeout}) => {
  const app = window.jupyterapp;
  const dialog = () => [...document.querySelectorAll('.jp-Dialog')].find(
    d => !d.innerText.startsWith('Select Kernel'));
  const opened = app.commands.execute('docmanager:open', {path, factory: 'Notebook'})
    .then(async w => { await w.context.ready; await w.revealed; return w; });
  const failed = new Promise(r => {
    const t0 = Date.now();
    const poll = setInterval(() => {
      if (dialog() || Date.now() - t0 > timeout) { clearInterval(poll); r(null); }
    }, 100);
  });
  const widget = await Promise.race([opened, failed]);
  if (!widget) {
    const text = dialog() ? dialog().innerText : `not open after ${timeout} ms`;
    // dismiss the error, close what is left of the document (discarding, never saving)
    for (let i = 0; i < 20 && document.querySelector('.jp-Dialog'); i++) {
      const buttons = [...document.querySelectorAll('.jp-Dialog button')];
      (buttons.find(b => /^(Discard|Dismiss|Ok|Cancel|No Kernel)$/i.test(b.innerText.trim()))
        || buttons[0]).click();
      await new Promise(r => setTimeout(r, 100));
    }
    for (const w of [...app.shell.widgets('main')]) {
      if (w.context && w.context.path === path) { w.context.model.dirty = false; w.dispose(); }
    }
    return {error: text};
  }
  // every cell in the page (windowing off), every Markdown cell rendered
  const t0 = Date.now();
  while (Date.now() - t0 < timeout) {
    const nodes = widget.content.node.querySelectorAll('.jp-Cell');
    const md = widget.content.widgets.filter(c => c.model.type === 'markdown');
    if (nodes.length === widget.content.model.cells.length && md.every(c => c.rendered)) break;
    await new Promise(r => setTimeout(r, 100));
  }
  return {id: widget.id, cells: widget.content.model.cells.length};
}"""

CLOSE = """(id) => {
  for (const w of window.jupyterapp.shell.widgets('main')) {
    if (w.id === id) { if (w.context) w.context.model.dirty = false; w.dispose(); }
  }
}"""


def lab_session(
    browser, lab: JupyterLab, view: str, paths: dict, shots: Path | None, timeout=60_000, log=print
):
    """Open each notebook (`paths`: name -> path relative to the server's root) in one JupyterLab
    page, in turn, and check it; return a Page per notebook."""
    context = _context(browser)
    page = context.new_page()
    page.set_default_timeout(timeout)
    page.goto(lab.url(f"cc-{secrets.token_hex(4)}"))
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.commands.hasCommand('docmanager:open')"
    )
    page.evaluate("() => window.jupyterapp.restored")
    page.evaluate(PREPARE)
    results = {}
    for name, rel in paths.items():
        start = time.monotonic()
        opened = page.evaluate(OPEN, {"path": rel, "timeout": 30_000})
        if "error" in opened:
            results[name] = Page(
                view=view,
                name=name,
                seconds=time.monotonic() - start,
                findings=[Finding("does not open", -1, opened["error"][:300])],
            )
            continue
        page.evaluate(QUIET, 700)
        raw = page.evaluate(DETECT, {"lab": True, "root": opened["id"]})
        if raw["cells"] != opened["cells"]:
            raw["findings"].append(
                {
                    "kind": "not every cell rendered",
                    "cell": -1,
                    "text": f"{raw['cells']} of {opened['cells']} cells",
                }
            )
        shot = None
        if shots is not None:
            shot = shots / f"{Path(name).stem}.png"
            # the whole notebook in one picture: a window as tall as the notebook
            tall = page.evaluate(
                """(id) => { const w = document.getElementById(id);
                const s = w.querySelector('.jp-WindowedPanel-outer');
                return s.scrollHeight + (window.innerHeight - s.clientHeight); }""",
                opened["id"],
            )
            page.set_viewport_size({"width": WIDTH, "height": min(int(tall), 60_000)})
            page.evaluate(QUIET, 300)
            page.screenshot(path=str(shot), type="png")
            page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
        page.evaluate(CLOSE, opened["id"])
        results[name] = _page_result(view, name, raw, time.monotonic() - start, shot)
        log(f"  {view}: {name} in {results[name].seconds:.1f} s")
    context.close()
    return results


def _context(browser):
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1
    )
    # offline: refuse every request that leaves this machine (nbconvert's CDN scripts, news)
    context.route(
        re.compile(r"^(?!https?://127\.0\.0\.1[:/]|data:|blob:|about:).*"),
        lambda route: route.abort(),
    )
    return context


# ---------------------------------------------------------------------------------------------
# nbconvert, sanitised as GitHub does

# GitHub's sanitizer (html-pipeline's allowlist): these elements, these attributes; the contents
# of script, style, svg and a few others are dropped whole, any other element is unwrapped.
ALLOWED_TAGS = set(
    """h1 h2 h3 h4 h5 h6 h7 h8 br b i strong em a pre code img tt div ins del sup sub p ol
    ul table thead tbody tfoot blockquote dl dt dd kbd q samp var hr ruby rt rp li tr td th s
    strike summary details caption figure figcaption abbr bdo cite dfn mark small span time
    wbr""".split()
)
ALLOWED_ATTRIBUTES = set(
    """abbr accept accept-charset accesskey action align alt aria-describedby
    aria-hidden aria-label aria-labelledby axis border cellpadding cellspacing char charoff charset
    checked clear cols colspan color compact coords datetime dir disabled enctype for frame headers
    height hreflang hspace ismap label lang maxlength media method multiple name nohref noshade
    nowrap open progress prompt readonly rel rev role rows rowspan rules scope selected shape size
    span start summary tabindex target title type usemap valign value vspace width
    itemprop""".split()
)
LINK_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "longdesc"},
    "blockquote": {"cite"},
    "del": {"cite"},
    "ins": {"cite"},
    "q": {"cite"},
}
DROPPED_WITH_CONTENT = {
    "script",
    "style",
    "svg",
    "math",
    "iframe",
    "noscript",
    "noembed",
    "noframes",
    "plaintext",
    "xmp",
    "template",
    "head",
    "title",
    "textarea",
    "select",
    "button",
}
VOID = {
    "br",
    "hr",
    "img",
    "wbr",
    "input",
    "meta",
    "link",
    "col",
    "area",
    "base",
    "embed",
    "source",
}
SAFE_URL = re.compile(
    r"^(?:https?:|mailto:|#|/|\.|[\w-]+(?:[/.#?]|$))|^data:image/(?:png|jpeg|gif|webp);", re.I
)


class Sanitiser(HTMLParser):
    """nbconvert's HTML as GitHub shows it: no <style>, no <script>, no class, style or id
    attributes, only allowlisted elements and attributes. Before the classes go, each cell gets
    data-cc-cell (its index) and each output data-cc-output, for the checks only."""

    def __init__(self, cell_ids: list[str]):
        super().__init__(convert_charrefs=True)
        self.cell_index = {cid: i for i, cid in enumerate(cell_ids)}
        self.out, self.skip, self.stack = [], 0, []

    def handle_starttag(self, tag, attrs, void=False):
        if self.skip:
            if tag in DROPPED_WITH_CONTENT and not void and tag not in VOID:
                self.skip += 1
            return
        if tag in DROPPED_WITH_CONTENT:
            if not void and tag not in VOID:
                self.skip = 1
            return
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        marks = []
        if "jp-Cell" in classes:
            cid = (attributes.get("id") or "").removeprefix("cell-id=")
            marks.append(("data-cc-cell", str(self.cell_index.get(cid, -1))))
        if "jp-OutputArea-output" in classes:
            marks.append(("data-cc-output", ""))
        if tag not in ALLOWED_TAGS:
            if marks:  # an unwrapped element keeps its marks on a plain div
                tag = "div"
            else:
                if not (void or tag in VOID):
                    self.stack.append(None)
                return
        kept = []
        for name, value in attrs:
            if value is None:
                value = ""
            if name in LINK_ATTRIBUTES.get(tag, ()):
                if SAFE_URL.match(value.strip()):
                    kept.append((name, value))
            elif name in ALLOWED_ATTRIBUTES:
                kept.append((name, value))
        kept += marks
        text = "".join(f' {n}="{html.escape(v, quote=True)}"' for n, v in kept)
        self.out.append(f"<{tag}{text}>")
        if not (void or tag in VOID):
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs, void=True)

    def handle_endtag(self, tag):
        if self.skip:
            if tag in DROPPED_WITH_CONTENT:
                self.skip -= 1
            return
        if tag in DROPPED_WITH_CONTENT or tag in VOID:
            return
        # close up to the matching open element (html.parser does not fix bad nesting)
        if not self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            if top is not None:
                self.out.append(f"</{top}>")
            if top == tag or (top is None and tag not in ALLOWED_TAGS):
                break

    def handle_data(self, data):
        if not self.skip:
            self.out.append(html.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        while self.stack:
            top = self.stack.pop()
            if top:
                self.out.append(f"</{top}>")
        return "".join(self.out)


def sanitise(document: str, cell_ids: list[str]) -> str:
    """The <body> of nbconvert's page, sanitised (see Sanitiser)."""
    body = re.search(r"<body[^>]*>(.*)</body>", document, flags=re.S | re.I)
    parser = Sanitiser(cell_ids)
    parser.feed(body.group(1) if body else document)
    return parser.result()


MATHJAX_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<script>
window.MathJax = {{
  tex: {{inlineMath: [['$', '$'], ['\\\\(', '\\\\)']],
        displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
        processEscapes: true, processEnvironments: true}},
  options: {{enableMenu: false}}
}};
</script>
<script src="{mathjax}"></script>
<style>img {{max-width: 100%; height: auto}}</style>  <!-- GitHub's page CSS does as much -->
</head><body>
{body}
</body></html>
"""


def _export(path: str, mathjax2_url: str | None):
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    exporter = HTMLExporter(mathjax_url=mathjax2_url) if mathjax2_url else HTMLExporter()
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": Path(path).stem}})
    return body, [c.get("id", "") for c in nb.cells]


def nbconvert_pages(site: Path, paths: dict, shipped: set) -> dict:
    """Write, beside each notebook in `site`, its sanitised view (NAME.sanitised.html) and, for
    the notebooks in `shipped`, nbconvert's page as nbconvert writes it (NAME.nbconvert.html) with
    its MathJax 2 loaded from the local copy. Returns name -> {view: relative URL or error}."""
    pages = {}
    for name, rel in paths.items():
        source = site / rel
        stem = source.with_suffix("")
        pages[name] = {}
        try:
            document, cell_ids = _export(str(source), None)
        except Exception as exc:  # noqa: BLE001 - any failure to convert is the finding
            pages[name][GITHUB] = (
                f"nbconvert cannot convert it: {type(exc).__name__}: {str(exc)[:200]}"
            )
            continue
        page = MATHJAX_PAGE.format(
            title=html.escape(name),
            mathjax="/_mathjax/es5/tex-chtml.js",
            body=sanitise(document, cell_ids),
        )
        out = stem.parent / f"{stem.name}.sanitised.html"
        out.write_text(page, encoding="utf-8")
        pages[name][GITHUB] = "/" + out.relative_to(site).as_posix()
        if name in shipped:
            document, _ = _export(
                str(source), "/_mathjax2/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
            )
            # the cells, marked as in the sanitised view, so that findings name them
            marked = re.sub(
                r'(<div class="jp-Cell [^"]*" id="cell-id=([^"]+)")',
                lambda m, ids=cell_ids: f'{m.group(1)} data-cc-cell="{ids.index(m.group(2))}"',
                document,
            )
            marked = re.sub(
                r'(<div class="[^"]*jp-OutputArea-output[^"]*")', r"\1 data-cc-output", marked
            )
            out = stem.parent / f"{stem.name}.nbconvert.html"
            out.write_text(marked, encoding="utf-8")
            pages[name][NBCONVERT] = "/" + out.relative_to(site).as_posix()
    return pages


class StaticServer:
    """`site` over HTTP on 127.0.0.1 (MathJax's fonts do not load from file:// pages)."""

    def __init__(self, site: Path):
        class Quiet(SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
        )
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


# MathJax has typeset the page: each a promise that rejects after 30 s rather than waiting forever
TYPESET = {
    GITHUB: """() => Promise.race([
        new Promise(r => { const poll = setInterval(() => {
            if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
                clearInterval(poll); MathJax.startup.promise.then(() => r(true)); } }, 50); }),
        new Promise((_, no) => setTimeout(
            () => no(new Error('MathJax 3 did not finish in 30 s')), 30000))])""",
    NBCONVERT: """() => Promise.race([
        new Promise(r => { const poll = setInterval(() => {
            if (window.MathJax && MathJax.isReady) {
                clearInterval(poll); MathJax.Hub.Queue(() => r(true)); } }, 50); }),
        new Promise((_, no) => setTimeout(
            () => no(new Error('MathJax 2 did not finish in 30 s')), 30000))])""",
}


def static_session(
    browser,
    server: StaticServer,
    view: str,
    urls: dict,
    shots: Path | None,
    timeout=60_000,
    log=print,
):
    """Open each page (`urls`: name -> URL path or an error text) and check it."""
    context = _context(browser)
    page = context.new_page()
    page.set_default_timeout(timeout)
    results = {}
    for name, url in urls.items():
        start = time.monotonic()
        if not url.startswith("/"):
            results[name] = Page(
                view=view, name=name, findings=[Finding("does not open", -1, url)]
            )
            continue
        page.goto(server.base + url)
        page.wait_for_function("() => document.readyState === 'complete'")
        page.evaluate(TYPESET[view])
        page.evaluate(QUIET, 300)
        raw = page.evaluate(DETECT, {"lab": False, "root": None})
        shot = None
        if shots is not None:
            shot = shots / f"{Path(name).stem}.png"
            page.screenshot(path=str(shot), full_page=True, type="png")
        results[name] = _page_result(view, name, raw, time.monotonic() - start, shot)
        log(f"  {view}: {name} in {results[name].seconds:.1f} s")
    context.close()
    return results


# ---------------------------------------------------------------------------------------------
# Reports


def source_cells(path: Path):
    import nbformat

    try:
        return nbformat.read(path, as_version=4).cells
    except Exception:  # noqa: BLE001 - a notebook that does not open has no cells to name
        return None


def describe(page, path: Path) -> list[str]:
    """One line per finding (the same line once), and under a Markdown cell's first maths finding
    that cell's source lines with a dollar sign, where the fix goes."""
    cells = source_cells(path)
    out, shown = [], set()
    for finding in page.findings:
        line = finding.line(cells)
        if line in out:
            continue
        out.append(line)
        if (
            finding.kind == "typeset as maths"
            and cells
            and 0 <= finding.cell < len(cells)
            and cells[finding.cell].cell_type == "markdown"
            and finding.cell not in shown
        ):
            shown.add(finding.cell)
            out += [
                f"    source: {x[:200]}"
                for x in cells[finding.cell].source.splitlines()
                if "$" in x
            ]
    return out


# ---------------------------------------------------------------------------------------------
# Everything, once


def build_site(home: Path, notebooks: dict) -> tuple[Path, dict]:
    """A copy of what the notebooks need (notebooks/, figures/) in `home`/site, with the extra
    notebooks (name -> path) beside them; returns the site and name -> path in the site."""
    site = home / "site"
    (site / "notebooks").mkdir(parents=True)
    if (ROOT / "figures").is_dir():
        shutil.copytree(ROOT / "figures", site / "figures")
    for name in ("mathjax", "mathjax2"):
        if (HERE / "node_modules" / name).is_dir():
            (site / f"_{name}").symlink_to(HERE / "node_modules" / name)
    paths = {}
    for name, source in notebooks.items():
        target = site / "notebooks" / name
        shutil.copyfile(source, target)
        paths[name] = f"notebooks/{name}"
    return site, paths


def check_mathjax():
    missing = [
        p for p in (MATHJAX / "es5" / "tex-chtml.js", MATHJAX2 / "MathJax.js") if not p.is_file()
    ]
    if missing:
        raise RuntimeError(
            f"no local MathJax ({missing[0]}): run `npm ci --prefix {HERE.relative_to(ROOT)}`"
        )
    if not Path(CHROMIUM).is_file():
        raise RuntimeError(
            f"no Chromium at {CHROMIUM}: `apt-get install chromium` (or set CHROMIUM)"
        )


def render_all(
    home: Path, notebooks: dict, shipped: set = frozenset(), shots: Path | None = None, log=print
) -> dict:
    """Every notebook (name -> path) in every view: {(view, name): Page}. `shipped` names the
    notebooks also shown as nbconvert writes them (MathJax 2, its own styles).

    Two JupyterLab servers share the work on two cores: one with a fresh data folder (every
    notebook untrusted, as in a fresh clone), one whose data folder trusts every notebook (as
    `jupyter trust` does); each has its own browser. nbconvert runs meanwhile in a process of its
    own, and the sanitised views follow the untrusted JupyterLab."""
    check_mathjax()
    home.mkdir(parents=True, exist_ok=True)
    site, paths = build_site(home, notebooks)
    converting = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "nbconvert",
            str(site),
            json.dumps(paths),
            json.dumps(sorted(shipped)),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    untrusted, trusted = JupyterLab(site, home / "untrusted"), JupyterLab(site, home / "trusted")
    trusted.trust(site / rel for rel in paths.values())
    untrusted.start(), trusted.start()
    results, errors = {}, []

    def folder(view):
        if shots is None:
            return None
        path = shots / re.sub(r"[^a-z]+", "-", view.lower()).strip("-")
        path.mkdir(parents=True, exist_ok=True)
        return path

    def in_browser(work):
        """Run work(browser) in a browser of its own (a thread each: Playwright's sync API is
        per thread); an exception is raised again in the main thread."""
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM,
                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
                )
                try:
                    work(browser)
                finally:
                    browser.close()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    def lab_views(lab, view):
        def work(browser):
            start = time.monotonic()
            results.update(
                {
                    (view, n): page
                    for n, page in lab_session(
                        browser, lab, view, paths, folder(view), log=log
                    ).items()
                }
            )
            log(f"{view}: {len(paths)} notebooks in {time.monotonic() - start:.0f} s")

        return work

    def static_views(browser):
        out, err = converting.communicate(timeout=300)
        if converting.returncode:
            raise RuntimeError(f"nbconvert failed:\n{err[-3000:]}")
        pages = json.loads(out)
        with StaticServer(site) as server:
            for view in (GITHUB, NBCONVERT):
                urls = {name: views[view] for name, views in pages.items() if view in views}
                if urls:
                    start = time.monotonic()
                    results.update(
                        {
                            (view, n): page
                            for n, page in static_session(
                                browser, server, view, urls, folder(view), log=log
                            ).items()
                        }
                    )
                    log(f"{view}: {len(urls)} notebooks in {time.monotonic() - start:.0f} s")

    with untrusted, trusted:
        workers = [
            threading.Thread(target=in_browser, args=(work,))
            for work in (lab_views(untrusted, LAB), lab_views(trusted, LAB_TRUSTED), static_views)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    if converting.poll() is None:
        converting.kill()
    if errors:
        raise errors[0]
    return results


if __name__ == "__main__":  # the nbconvert step of render_all, in a process of its own
    _, command, site_arg, paths_arg, shipped_arg = sys.argv
    assert command == "nbconvert"
    print(
        json.dumps(
            nbconvert_pages(Path(site_arg), json.loads(paths_arg), set(json.loads(shipped_arg)))
        )
    )
