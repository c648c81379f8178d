"""Validate CITATION.cff against the Citation File Format 1.2.0 JSON schema (vendored in
tests/schemas/, see its README), offline, with jsonschema and PyYAML (requirements-dev.txt).

    python tests/check_citation.py [FILE ...]      # default: the repository's CITATION.cff

YAML dates (date-released: 2026-11-26) are read as the text they are, as the CFF project's own
validator does: the schema wants a string in the form YYYY-MM-DD, not a date object. Exit 0
when every file is valid, 1 with one line per problem otherwise.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = Path(__file__).resolve().parent / "schemas" / "citation-file-format-1.2.0.json"


class _TextDates(yaml.SafeLoader):
    """A safe loader that keeps timestamps as their text."""


_TextDates.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def problems(path: Path) -> list[str]:
    """Every schema violation of one CFF file, as 'file: where: what' lines (empty if valid)."""
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextDates)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [f"{shown}: cannot be read as YAML ({exc})".replace("\n", " ")]
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    found = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        where = "/".join(map(str, error.path)) or "(top level)"
        found.append(f"{shown}: {where}: {error.message}")
    return found


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p).resolve() for p in (argv or [])] or [ROOT / "CITATION.cff"]
    found = [line for path in paths for line in problems(path)]
    for line in found:
        print(line, file=sys.stderr)
    if not found:
        names = ", ".join(str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p) for p in paths)
        print(f"{names}: valid Citation File Format 1.2.0")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
