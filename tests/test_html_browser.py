"""The HTML report opened as people open it: headless Chromium through selenium.

Opens the report of samples/rtr_e200.xlsx and of a generated BOM of about 100,000 indented
lines, takes a screenshot, and checks from the DOM that the overview, the verdicts, the tree
(expand a node, search a part number and see its path open) and the issues are there, and
that the browser console has no errors (a Content-Security-Policy violation is one).

Skipped, with the reason, where selenium, Chromium or chromedriver is missing (``.ci/run``
installs Debian's ``chromium`` and ``chromium-driver`` when it can). With
``BOMTRACE_UPDATE_SCREENSHOT=1`` the router report's screenshot is saved as docs/report.png
(reduced to 96 colours when Pillow is installed).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import bomtrace
from bomtrace.report.formats import write

ROOT = Path(__file__).resolve().parent.parent
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _browser() -> str | None:
    return next((p for p in map(shutil.which, BROWSERS) if p), None)


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install '.[test]')")
    binary, chromedriver = _browser(), shutil.which("chromedriver")
    if binary is None:
        pytest.skip("no Chromium on this machine (Debian: apt-get install chromium)")
    if chromedriver is None:
        pytest.skip("no chromedriver on this machine (Debian: apt-get install chromium-driver)")
    opts = Options()
    opts.binary_location = binary
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1400,1000"):  # fmt: skip
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(chromedriver), options=opts)
    d.set_page_load_timeout(120)
    try:
        yield d
    finally:
        d.quit()


def _open(driver: Any, page: Path) -> float:
    """Load ``page``; the seconds until its script has run (``data-ready``)."""
    driver.get_log("browser")  # drop what an earlier page logged
    t = time.perf_counter()
    driver.get(page.resolve().as_uri())
    for _ in range(600):
        if driver.execute_script("return document.body.getAttribute('data-ready')") == "1":
            return time.perf_counter() - t
        time.sleep(0.05)
    raise AssertionError("the report's script did not run")


def _errors(driver: Any) -> list[dict[str, Any]]:
    return [e for e in driver.get_log("browser") if e.get("level") in ("SEVERE", "ERROR")]


def _js(driver: Any, code: str, *args: Any) -> Any:
    return driver.execute_script(code, *args)


def _map(driver: Any, selector: str, fn: str) -> Any:
    """``fn`` (a JavaScript arrow function) of every element ``selector`` finds."""
    return driver.execute_script(
        f"return Array.from(document.querySelectorAll(arguments[0]), {fn})", selector
    )


def _search(driver: Any, tree: int, pn: str) -> str:
    """Find ``pn`` in product tree ``tree`` (1-based); the highlighted row's part number."""
    form = driver.find_element("css selector", f"#tree-{tree} form")
    box = form.find_element("css selector", "input")
    box.clear()
    box.send_keys(pn)
    form.find_element("css selector", "button").click()
    return str(_js(driver, "var r = document.querySelector('.tr.hit');"
                   "return r ? r.querySelector('.pn').textContent : null;"))  # fmt: skip


def test_router_report_in_chromium(driver: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(ROOT)
    r = bomtrace.analyze(
        "samples/rtr_e200.xlsx", as_of=date(2023, 6, 1), destinations=["CN", "RU", "IR"]
    )
    page = tmp_path / "rtr.html"
    page.write_text(str(write("analyze", "html", r, None)), encoding="utf-8")
    _open(driver, page)
    shot = tmp_path / "rtr.png"
    driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    # the overview and the verdicts
    cells = _map(driver, "#overview-table td[data-verdict]", "c => c.dataset.verdict")
    assert cells == ["not-subject", "subject", "subject"]
    assert driver.find_element("css selector", "#overview-table").is_displayed()
    verdicts = _map(driver, "table.verdicts td:nth-child(7)", "c => c.textContent.trim()")
    assert verdicts == ["not-subject", "subject", "subject"]
    assert _js(driver, "return document.querySelectorAll('svg.chart').length") >= 2

    # the tree: the product and its first level, then a node expanded
    def rows() -> list[str]:
        return list(
            _map(driver, "#tree-1 .tr[data-node]", "r => r.querySelector('.pn').textContent")
        )

    assert rows() == ["RTR-E200", "20-1187-03", "20-1201-02", "20-1300-01"]
    board = driver.find_element("css selector", "#tree-1 .nd .nd .tg")
    board.click()
    assert board.get_attribute("aria-expanded") == "true"
    assert "0063-0001" in rows() and len(rows()) > 4
    # controlled value per destination: the product's for RU
    assert _js(driver, "return document.querySelector('#tree-1 .tr .ctl').textContent") == "865.00"
    _js(driver, "var s = document.getElementById('tree-dest'); s.selectedIndex = 1;"
        "s.dispatchEvent(new Event('change'));")  # fmt: skip
    assert (
        _js(driver, "return document.querySelector('#tree-1 .tr .ctl').textContent") == "1,636.00"
    )
    # search: a part under the fan tray (not shown yet) and its path opened
    assert "0065-0101" not in rows()
    kid = r.tree_data()
    leaf = kid["pn"][kid["kid"][kid["ptr"][kid["pn"].index("20-1310-01")]]]
    assert _search(driver, 1, leaf) == leaf
    assert leaf in rows() and "20-1310-01" in rows()
    assert driver.find_element("css selector", ".tr.hit").is_displayed()
    # the issues, with their positions
    issues = _map(driver, "#issues-table tbody tr", "r => Array.from(r.cells, c => c.textContent)")
    assert issues and issues[0][2:5] == ["samples/rtr_e200.xlsx", "BOM", "5"]
    assert _errors(driver) == []
    if os.environ.get("BOMTRACE_UPDATE_SCREENSHOT") == "1":  # the tree opened, for the docs
        driver.find_element("css selector", "#tree-1 form input").clear()
        _js(driver, "window.scrollTo(0, 0)")
        driver.set_window_size(1200, 2250)
        save_screenshot(driver.get_screenshot_as_png(), ROOT / "docs" / "report.png")


def save_screenshot(png: bytes, path: Path) -> None:
    """Write the screenshot, in 96 colours when Pillow is there (a third of the size)."""
    try:
        from PIL import Image
    except ImportError:
        path.write_bytes(png)
        return
    import io

    im = Image.open(io.BytesIO(png)).convert("RGB")
    q = im.quantize(colors=96, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    q.save(path, optimize=True)


def test_sortable_every_destination_table(driver: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(ROOT)
    r = bomtrace.analyze("samples/rtr_e200.xlsx", as_of=date(2023, 6, 1), all_destinations=True)
    page = tmp_path / "all.html"
    page.write_text(str(write("analyze", "html", r, None)), encoding="utf-8")
    _open(driver, page)
    head = driver.find_elements("css selector", "#every-table thead th")[4]  # Ratio
    head.click()
    head.click()  # descending
    got = _map(driver, "#every-table tbody tr", "r => parseFloat(r.cells[4].dataset.v)")
    assert len(got) > 100 and got == sorted(got, reverse=True)
    assert _errors(driver) == []


def _gen() -> Any:
    bench = ROOT / "benchmarks"
    if str(bench) not in sys.path:
        sys.path.insert(0, str(bench))
    spec = importlib.util.spec_from_file_location("bench_gen_html", bench / "gen.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def _deepest(t: dict[str, Any], root: int) -> list[int]:
    """A longest path down from ``root``, taking the last of equally deep children (a part
    deep in the tree, past the first lazily shown chunk where there is one)."""
    kids = [t["kid"][t["ptr"][v] : t["ptr"][v + 1]] for v in range(t["n"])]
    height: dict[int, int] = {}

    def h(v: int) -> int:
        if v not in height:
            height[v] = 1 + max((h(k) for k in kids[v]), default=-1)
        return height[v]

    path = [root]
    while kids[path[-1]]:
        ks = kids[path[-1]]
        top = max(h(k) for k in ks)
        path.append([k for k in ks if h(k) == top][-1])
    return path


def test_100k_line_bom_in_chromium(driver: Any, tmp_path: Path) -> None:
    gen = _gen()
    stats = gen.generate(gen.Spec(seed=1, target_rows=100_000, formats=("indented-csv",)),
                         tmp_path, "big")  # fmt: skip
    assert stats["indented_rows"] > 90_000 if "indented_rows" in stats else True
    r = bomtrace.analyze(str(tmp_path / "big_indented.csv"), destinations=["CN", "RU"])
    t0 = time.perf_counter()
    html = str(write("analyze", "html", r, None))
    made = time.perf_counter() - t0
    page = tmp_path / "big.html"
    page.write_text(html, encoding="utf-8")
    loaded = _open(driver, page)
    size = page.stat().st_size
    print(f"\n100k-line BOM: report {size / 1e6:.2f} MB, written in {made:.2f} s, "
          f"loaded in Chromium in {loaded:.2f} s")  # fmt: skip
    assert loaded < 20
    t = r.tree_data()
    path = _deepest(t, t["roots"][0])
    assert len(path) >= 3
    want = t["pn"][path[-1]]
    start = time.perf_counter()
    assert _search(driver, 1, want) == want
    assert time.perf_counter() - start < 10
    opened = _js(
        driver,
        """
        var out = [], nd = document.querySelector('.tr.hit').parentNode;
        for (; nd && nd.classList.contains('nd'); nd = nd.parentNode.parentNode) {
          out.unshift(+nd.firstChild.dataset.node);
        }
        return out;""",
    )
    assert opened[0] == t["roots"][0] and t["pn"][opened[-1]] == want and len(opened) >= 3
    for a, b in zip(opened, opened[1:], strict=False):  # each step is an edge of the BOM
        assert b in t["kid"][t["ptr"][a] : t["ptr"][a + 1]]
    assert driver.find_element("css selector", ".tr.hit").is_displayed()
    driver.save_screenshot(str(tmp_path / "big.png"))
    assert _errors(driver) == []
