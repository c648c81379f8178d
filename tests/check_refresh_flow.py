"""The README's refresh flow, offline and end to end, on a copy of the repository (run by .ci/run;
not collected by pytest, so the suite the benchmark times does not include it).

    python tests/check_refresh_flow.py [--keep]

1. Copies the committed files of the repository into a temporary folder (a git repository of
   its own, so `git status` there shows what the flow changed).
2. Records a download for every ticker of data/market/tickers.csv and for the long NVDA history,
   in yfinance's own CSV layout (what `yf.download(..., auto_adjust=False).to_csv()` writes),
   holding the bars the repository already has: the issue's case of a refresh with identical bars.
   A close-only file (its source kept only the adjusted close) is recorded with open = high = low
   = close and a volume of 1 share, a consistent bar.
3. Runs the README's refresh section in the copy, with that recording in place of the network:
   `python -m claimcheck.refresh`, `python -m claimcheck.refresh --history`, the notebooks
   re-executed with CLAIMCHECK_REGENERATE=1, `python -m claimcheck.ledger`, and then `pytest`.
Exit status 0 if every step succeeds and `pytest` is green; the copy is removed unless --keep.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = "notebooks/0[1-9]*.ipynb notebooks/00_claims_ledger.ipynb"

# The refresh with the recording in place of the network: run in the copy, as `python -m` would.
REFRESH = """
import sys
from pathlib import Path

import pandas as pd

from claimcheck import refresh

recorded = Path(sys.argv[1])
assert Path(refresh.__file__).is_relative_to(Path.cwd()), refresh.__file__  # the copy's package


def fetch(ticker, start=refresh.START, end=refresh.END):
    name = "history" if start == refresh.HISTORY_START else ticker.lstrip("^")
    frame = pd.read_csv(
        recorded / f"{name}.csv", header=[0, 1], index_col=0, skiprows=[2], parse_dates=True
    )
    frame.index.name = "Date"
    frame.columns.names = ["Price", "Ticker"]
    return frame


refresh.network_available = lambda *args, **kwargs: True
raise SystemExit(refresh.main(sys.argv[2:], fetch=fetch))
"""


def run(command, cwd, env=None, shell=False, shown=None):
    shown = shown or (command if shell else " ".join(command))
    print(f"== {shown}", flush=True)
    done = subprocess.run(command, cwd=cwd, env=env, shell=shell)
    if done.returncode != 0:
        sys.exit(f"check_refresh_flow: `{shown}` failed (exit {done.returncode})")


def copy_repository(target: Path) -> None:
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    for name in filter(None, files.decode().split("\0")):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    git = ["git", "-c", "user.name=ci", "-c", "user.email=ci@localhost"]
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)
    subprocess.run(["git", "add", "-A"], cwd=target, check=True)
    subprocess.run(
        [*git, "commit", "-q", "-m", "the repository as committed"], cwd=target, check=True
    )


def as_download(bars, ticker: str):
    """A frame in yf.download's layout (auto_adjust=False) holding `bars` (a loaded file)."""
    import pandas as pd

    close = bars["close"]
    columns = {
        "Adj Close": bars["adj_close"] if "adj_close" in bars else close,
        "Close": close,
        "High": bars.get("high", close),
        "Low": bars.get("low", close),
        "Open": bars.get("open", close),
        "Volume": bars["volume"].astype("int64")
        if "volume" in bars
        else pd.Series(1, index=bars.index),
    }
    frame = pd.DataFrame(columns, index=bars.index.rename("Date"))
    frame.columns = pd.MultiIndex.from_product(
        [list(frame.columns), [ticker]], names=["Price", "Ticker"]
    )
    return frame


def record(copy: Path, recorded: Path) -> None:
    sys.path.insert(0, str(copy / "notebooks"))
    from claimcheck import refresh
    from claimcheck.load import load_prices, load_table, load_tickers

    recorded.mkdir()
    data = copy / "data"
    for ticker in load_tickers(data).index:
        bars = load_prices(ticker, root=data)
        as_download(bars, ticker).to_csv(recorded / f"{ticker.lstrip('^')}.csv")
    history = load_table(refresh.HISTORY, data).set_index("date")
    as_download(history, refresh.HISTORY_TICKER).to_csv(recorded / "history.csv")


def main(argv) -> int:
    keep = "--keep" in argv
    folder = Path(tempfile.mkdtemp(prefix="refresh-flow-"))
    copy, recorded = folder / "repo", folder / "recorded"
    copy.mkdir()
    try:
        copy_repository(copy)
        record(copy, recorded)
        env = dict(os.environ, PYTHONPATH=str(copy / "notebooks"))
        env.pop("CLAIMCHECK_REGENERATE", None)
        python = sys.executable
        run(
            [python, "-c", REFRESH, str(recorded)],
            copy,
            env,
            shown="python -m claimcheck.refresh (the recorded download in place of the network)",
        )
        run(
            [python, "-c", REFRESH, str(recorded), "--history"],
            copy,
            env,
            shown=(
                "python -m claimcheck.refresh --history "
                "(the recorded download in place of the network)"
            ),
        )
        # the README's re-execution, figures and results allowed to change
        run(
            f"CLAIMCHECK_REGENERATE=1 {shlex_quote(python)} -m jupyter nbconvert --to notebook "
            f"--execute --inplace --ExecutePreprocessor.record_timing=False {NOTEBOOKS}",
            copy,
            env,
            shell=True,
        )
        run([python, "-m", "claimcheck.ledger"], copy, env)
        print("== files the flow changed (git status in the copy)", flush=True)
        subprocess.run(["git", "status", "--short"], cwd=copy, check=True)
        run([python, "-m", "pytest"], copy, env)
    finally:
        if keep:
            print(f"check_refresh_flow: the copy is kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print("check_refresh_flow: the README's refresh flow leaves pytest green")
    return 0


def shlex_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
