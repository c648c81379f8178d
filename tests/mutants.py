"""Hand-made mutants: small, plausible bugs that the tests must catch (not collected by pytest).

    python tests/mutants.py                 # every mutant, against this checkout
    python tests/mutants.py --list          # what each mutant changes
    python tests/mutants.py NAME ...        # only these mutants
    python tests/mutants.py --repo PATH     # against another checkout (a worktree, a clone)

Each mutant is one textual edit of one file of the helper package (the original snippet must
occur exactly once) and the test files that should notice it. The runner copies the checkout
(its tracked and untracked, not ignored, files) into a temporary folder, never touching the live
tree; runs the selected tests there once unmutated (they must pass); then, for each mutant,
applies the edit, runs its tests (stopping at the first failure) and puts the file back.

A mutant is *killed* when its tests fail, *survives* when they pass, is *stale* when its
original snippet is no longer in the file (the code moved: update the entry) and *broken* when
pytest could not run at all (the mutant is not valid code: fix the entry). Exit status 0 when
every mutant was killed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = "notebooks/claimcheck"


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str  # relative to the repository root
    original: str
    mutated: str
    tests: tuple[str, ...]  # pytest selectors, relative to the repository root
    why: str  # the bug it stands for


VERDICT_TESTS = ("tests/test_verdict.py",)
RESULTS_TESTS = ("tests/test_results.py",)

MUTANTS = [
    # --- the verdict rule -------------------------------------------------------------------
    Mutant(
        "holds-boundary",
        f"{PKG}/verdict.py",
        "if error <= holds:",
        "if error < holds:",
        VERDICT_TESTS,
        "a figure exactly 5 % off no longer holds",
    ),
    Mutant(
        "roughly-boundary",
        f"{PKG}/verdict.py",
        "if error <= roughly:",
        "if error < roughly:",
        VERDICT_TESTS,
        "a figure exactly 15 % off no longer roughly holds",
    ),
    Mutant(
        "wrong-factor-boundary",
        f"{PKG}/verdict.py",
        'if ratio <= 0 or ratio > factor or ratio < 1 / factor:\n            return "wrong"\n'
        "        return _side(claimed > measured, direction)",
        'if ratio <= 0 or ratio >= factor or ratio < 1 / factor:\n            return "wrong"\n'
        "        return _side(claimed > measured, direction)",
        VERDICT_TESTS,
        "exactly twice the real figure is already wrong",
    ),
    Mutant(
        "direction-flipped",
        f"{PKG}/verdict.py",
        'helps = says_more == (direction == "higher")',
        'helps = says_more != (direction == "higher")',
        VERDICT_TESTS,
        "exaggerated and understated swapped",
    ),
    Mutant(
        "range-side",
        f"{PKG}/verdict.py",
        "return _side(measured < low, direction)",
        "return _side(measured > low, direction)",
        VERDICT_TESTS,
        "a range claim's side taken from the wrong bound",
    ),
    Mutant(
        "at-least-roughly",
        f"{PKG}/verdict.py",
        "if measured >= claimed * (1 - roughly):",
        "if measured >= claimed * (1 - holds):",
        VERDICT_TESTS,
        "'more than X' uses the 5 % tolerance for 'roughly holds'",
    ),
    Mutant(
        "scale-ignores-factor",
        f"{PKG}/verdict.py",
        "1 + (WRONG_FACTOR - 1) * scale",
        "WRONG_FACTOR",
        VERDICT_TESTS,
        "halving and doubling the tolerances leaves 2x alone",
    ),
    Mutant(
        "missing-is-wrong",
        f"{PKG}/verdict.py",
        'if _missing(measured):\n        return "unverifiable"',
        'if _missing(measured):\n        return "wrong"',
        VERDICT_TESTS,
        "a figure nobody measured is called wrong",
    ),
    Mutant(
        "robust-ignores-doubling",
        f"{PKG}/verdict.py",
        "for s in (0.5, 2.0))",
        "for s in (0.5,))",
        VERDICT_TESTS,
        "robust only tries halved tolerances",
    ),
    Mutant(
        "robust-ignores-halving",
        f"{PKG}/verdict.py",
        "for s in (0.5, 2.0))",
        "for s in (2.0,))",
        VERDICT_TESTS,
        "robust only tries doubled tolerances",
    ),
    Mutant(
        "combine-first-part",
        f"{PKG}/verdict.py",
        "return max(checked, key=lambda v: SEVERITY[v])",
        "return checked[0]",
        VERDICT_TESTS,
        "a compound claim takes its first part's verdict, not its worst",
    ),
    Mutant(
        "combine-best-part",
        f"{PKG}/verdict.py",
        "return max(checked, key=lambda v: SEVERITY[v])",
        "return min(checked, key=lambda v: SEVERITY[v])",
        VERDICT_TESTS,
        "a compound claim takes its best part's verdict",
    ),
    # --- verdict rows and results files ----------------------------------------------------
    Mutant(
        "row-without-sources",
        f"{PKG}/results.py",
        "if not reason or not sources:",
        "if not reason:",
        RESULTS_TESTS,
        "a verdict row with empty sources is accepted",
    ),
    Mutant(
        "row-without-reason",
        f"{PKG}/results.py",
        "if not reason or not sources:",
        "if not sources:",
        RESULTS_TESTS,
        "a verdict row with an empty reason is accepted",
    ),
    Mutant(
        "override-forgets-rule",
        f"{PKG}/results.py",
        '"rule_verdict": rule,',
        '"rule_verdict": verdict,',
        RESULTS_TESTS,
        "a hand-set verdict loses what the numeric rule said",
    ),
    Mutant(
        "override-keeps-robust",
        f"{PKG}/results.py",
        '"robust": robust_flag if verdict == rule else ""',
        '"robust": robust_flag',
        RESULTS_TESTS,
        "a hand-set verdict is still called robust or fragile",
    ),
    Mutant(
        "overall-robust-optimistic",
        f"{PKG}/results.py",
        'flag = "no" if "no" in flags else "yes" if "yes" in flags else ""',
        'flag = "yes" if "yes" in flags else "no" if "no" in flags else ""',
        RESULTS_TESTS,
        "a compound claim with one fragile part is called robust",
    ),
    Mutant(
        "duplicate-rows-accepted",
        f"{PKG}/results.py",
        "if len(keys) != len(set(keys)):",
        "if False:",
        RESULTS_TESTS,
        "a row written twice is accepted",
    ),
    Mutant(
        "hindsight-without-date",
        f"{PKG}/results.py",
        'and not row["evidence_date"]',
        "and False",
        RESULTS_TESTS,
        "a hindsight verdict without the date of its evidence",
    ),
    Mutant(
        "pin-ignores-new-verdicts",
        f"{PKG}/results.py",
        "if actual.get(k) != expected.get(k)",
        "if k in expected and actual.get(k) != expected.get(k)",
        RESULTS_TESTS,
        "a verdict missing from the pin passes unnoticed",
    ),
    Mutant(
        "results-in-two-files",
        f"{PKG}/results.py",
        "if dup.any():\n        raise DataError",
        "if False:\n        raise DataError",
        RESULTS_TESTS,
        "a claim judged in two notebooks' results files is accepted",
    ),
    # --- statistics and the closing table ---------------------------------------------------
    Mutant(
        "car-t-without-root",
        f"{PKG}/stats.py",
        "sigma * days**0.5",
        "sigma * days",
        ("tests/test_stats.py",),
        "a CAR's t divided by sigma times n, not root n",
    ),
    Mutant(
        "window-off-by-one",
        f"{PKG}/stats.py",
        "return both.iloc[-days:]",
        "return both.iloc[-days - 1 : -1]",
        ("tests/test_stats.py",),
        "the estimation window stops a day early",
    ),
    Mutant(
        "abnormal-sign",
        f"{PKG}/stats.py",
        "return (stock - (alpha + beta * market))",
        "return ((alpha + beta * market) - stock)",
        ("tests/test_stats.py",),
        "abnormal returns expected minus actual",
    ),
    Mutant(
        "found-empty-text",
        f"{PKG}/summary.py",
        ' or value == "":',
        ":",
        ("tests/test_summary.py",),
        "an empty measurement shown as ' unit', not '—'",
    ),
    Mutant(
        "parts-before-claim",
        f"{PKG}/summary.py",
        'for part in ["", *names]:',
        'for part in [*names, ""]:',
        ("tests/test_summary.py",),
        "a claim's parts listed above it",
    ),
    # --- loaders and the README (the survivors of issue 23) ---------------------------------
    Mutant(
        "quoted-newline-line",
        f"{PKG}/load.py",
        "starts.append(previous + 1)",
        "starts.append(reader.line_num)",
        ("tests/test_load.py", "tests/test_data.py"),
        "a bad value in a quoted field spanning lines names the record's last line",
    ),
    Mutant(
        "whitespace-cell-not-empty",
        f"{PKG}/load.py",
        'empty = raw.str.strip() == ""',
        'empty = raw == ""',
        ("tests/test_load.py", "tests/test_data.py"),
        "a cell holding only spaces is not treated as empty",
    ),
    Mutant(
        "cache-keyed-by-length",
        f"{PKG}/load.py",
        'hashlib.sha1(content.encode("utf-8")).hexdigest()',
        "len(content)",
        ("tests/test_load.py", "tests/test_data.py"),
        "the loader's cache misses a same-length edit",
    ),
    Mutant(
        "readme-block-optional",
        f"{PKG}/ledger.py",
        "if not pattern.search(text):",
        "if False:",
        ("tests/test_readme.py", "tests/test_ledger.py"),
        "a README missing one generated block is accepted",
    ),
    # --- the claim-first page (issues 18, 20) -------------------------------------------------
    Mutant(
        "no-mixed",
        f"{PKG}/verdict.py",
        "if any(v in SUPPORTS for v in checked) and any(v in CONTRADICTS for v in checked):",
        "if False:",
        VERDICT_TESTS,
        "a claim whose parts point both ways gets its worst part's word alone",
    ),
    Mutant(
        "unchecked-point-ignored",
        f"{PKG}/verdict.py",
        "if point_unchecked and overall in SUPPORTS:",
        "if False:",
        VERDICT_TESTS,
        "a claim 'holds' although the part that carries its point was never checked",
    ),
    Mutant(
        "unused-values-accepted",
        f"{PKG}/texts.py",
        "    if missing or unused:",
        "    if missing:",
        ("tests/test_texts.py",),
        "a value the notebook computes but no text shows goes unnoticed",
    ),
    Mutant(
        "slug-keeps-punctuation",
        f"{PKG}/pages.py",
        'if ch in " -_" or cat[0] in "LN" or cat == "Mn":',
        'if ch in " -_$%\'" or cat[0] in "LN" or cat == "Mn":',
        ("tests/test_readme.py::test_slug_follows_githubs_rules",),
        "anchors computed unlike GitHub's: every README link to a claim would miss",
    ),
]


def copy_checkout(source: Path, target: Path) -> None:
    """The checkout's tracked and untracked (not ignored) files, as they are on disk."""
    listed = subprocess.run(
        ["git", "-C", str(source), "ls-files", "-co", "--exclude-standard", "-z"],
        capture_output=True,
        text=True,
    )
    if listed.returncode != 0:
        sys.exit(f"mutants: {source} is not a git checkout ({listed.stderr.strip()})")
    for name in filter(None, listed.stdout.split("\0")):
        src = source / name
        if src.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / name)


def pytest(copy: Path, selectors) -> subprocess.CompletedProcess:
    """The selected tests in the copy, serially (no nbval, no xdist), stopping at a failure."""
    env = dict(
        os.environ,
        PYTHONPATH=str(copy / "notebooks"),
        PYTHONDONTWRITEBYTECODE="1",
        MPLBACKEND="Agg",
    )
    args = [
        sys.executable,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        *selectors,
    ]
    return subprocess.run(args, cwd=copy, env=env, capture_output=True, text=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="run only these mutants (default: all)")
    parser.add_argument("--repo", type=Path, default=ROOT, help="the checkout to mutate a copy of")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args(argv)
    known = {m.name: m for m in MUTANTS}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        parser.error(f"unknown mutant(s) {', '.join(unknown)}; see --list")
    chosen = [known[n] for n in args.names] or MUTANTS
    if args.list:
        for m in chosen:
            print(f"{m.name:28} {m.file}: {m.why}")
        return 0

    results = {}
    with tempfile.TemporaryDirectory(prefix="claimcheck-mutants-") as tmp:
        copy = Path(tmp)
        copy_checkout(args.repo.resolve(), copy)
        live = [
            m
            for m in chosen
            if (copy / m.file).is_file()
            and (copy / m.file).read_text(encoding="utf-8").count(m.original) == 1
        ]
        for m in chosen:
            if m not in live:
                results[m.name] = "stale"
        selectors = sorted({s for m in live for s in m.tests})
        baseline = pytest(copy, selectors)
        if baseline.returncode != 0:
            print(baseline.stdout[-3000:] + baseline.stderr[-2000:])
            print(
                f"mutants: the unmutated tests fail ({' '.join(selectors)}); fix them first",
                file=sys.stderr,
            )
            return 1
        for m in live:
            path = copy / m.file
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace(m.original, m.mutated), encoding="utf-8")
            start = time.perf_counter()
            try:
                done = pytest(copy, m.tests)
            finally:
                path.write_text(text, encoding="utf-8")
            seconds = time.perf_counter() - start
            results[m.name] = {0: "survived", 1: "killed"}.get(done.returncode, "broken")
            print(f"{results[m.name]:9} {m.name:28} {seconds:5.1f} s  {m.why}", flush=True)
            if results[m.name] == "broken":
                print(done.stdout[-1500:] + done.stderr[-1500:])
    for m in chosen:
        if results[m.name] == "stale":
            print(
                f"{'stale':9} {m.name:28}         {m.file}: its original snippet is not there once"
            )
    counts = {
        word: list(results.values()).count(word)
        for word in ("killed", "survived", "stale", "broken")
    }
    print(", ".join(f"{n} {word}" for word, n in counts.items()) + f" of {len(chosen)} mutants")
    return 0 if counts["killed"] == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
