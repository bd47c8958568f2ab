#!/usr/bin/env python3
"""Checks the feed's JSON Schema against the feeds we ship and the feeds it must refuse.

    check_schema.py SCHEMA VALID.json... [--reject INVALID.json...]

Every VALID file (the sample feed, tests/fixtures/valid/*.json) must pass, and every
INVALID file must fail. Without --reject, the invalid set is
tests/fixtures/invalid/schema-*.json beside this script. An empty set on either side
is an error, so the test cannot pass by checking nothing. An invalid feed may name
the place it is broken in a top-level "_expect_refused_at" (a JSON Pointer); the
schema must then refuse it there.

Format checking is on for date and date-time. Debian's python3-jsonschema (4.10)
checks `date-time` only when rfc3339-validator is installed, which Debian does not
pull in, so a strict RFC 3339 checker is registered here when the validator lacks
one; the schema's patterns say the same thing, this is belt and braces.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError as e:  # say what to install rather than a bare traceback
    sys.exit(f"check_schema: python3-jsonschema is needed ({e}); run scripts/setup.sh")

HERE = Path(__file__).resolve().parent
DEFAULT_INVALID = sorted((HERE.parent / "fixtures" / "invalid").glob("schema-*.json"))

RFC3339 = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def is_rfc3339(text: object) -> bool:
    if not isinstance(text, str):
        return True  # formats apply to strings only; `type` catches the rest
    m = RFC3339.match(text)
    if not m:
        return False
    try:
        dt.date.fromisoformat(m.group(1))
    except ValueError:
        return False
    hour, minute, second = int(m.group(2)), int(m.group(3)), int(m.group(4))
    offset = m.group(6)
    if offset not in ("Z", "z") and (int(offset[1:3]) > 23 or int(offset[4:6]) > 59):
        return False
    return hour <= 23 and minute <= 59 and second <= 60


def format_checker() -> jsonschema.FormatChecker:
    checker = getattr(Draft202012Validator, "FORMAT_CHECKER", None) or jsonschema.draft202012_format_checker
    if "date-time" not in checker.checkers:
        checker = jsonschema.FormatChecker(formats=list(checker.checkers))
        checker.checks("date-time")(is_rfc3339)
    if "date" not in checker.checkers:
        raise SystemExit("check_schema: this jsonschema cannot check the `date` format")
    return checker


def load(path: Path):
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def where(error: jsonschema.ValidationError) -> str:
    return "/" + "/".join(str(p) for p in error.absolute_path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("schema", type=Path)
    parser.add_argument("valid", type=Path, nargs="+", help="feeds that must be accepted")
    parser.add_argument("--reject", type=Path, nargs="*", default=None,
                        help="feeds that must be refused (default: tests/fixtures/invalid/schema-*.json)")
    args = parser.parse_args()
    invalid = DEFAULT_INVALID if args.reject is None else args.reject
    if not invalid:
        print("check_schema: no invalid feeds to check: the schema would never be shown to refuse anything",
              file=sys.stderr)
        return 1

    schema = load(args.schema)
    Draft202012Validator.check_schema(schema)  # the schema itself is well formed
    validator = Draft202012Validator(schema, format_checker=format_checker())

    failures = 0
    for path in args.valid:
        errors = sorted(validator.iter_errors(load(path)), key=lambda e: list(e.absolute_path))
        if errors:
            failures += 1
            print(f"FAIL {path}: should be valid, but:", file=sys.stderr)
            for e in errors[:20]:
                print(f"     {where(e)}: {e.message}", file=sys.stderr)
        else:
            print(f"ok   {path}: valid")
    for path in invalid:
        feed = load(path)
        errors = list(validator.iter_errors(feed))
        # A broken fixture may say where it is broken, so that it cannot pass by
        # being refused for some other, accidental reason.
        expected = feed.get("_expect_refused_at") if isinstance(feed, dict) else None
        at_expected = [e for e in errors if expected is None or where(e) == expected]
        if not errors:
            failures += 1
            print(f"FAIL {path}: should be refused, but the schema accepts it", file=sys.stderr)
        elif not at_expected:
            failures += 1
            print(f"FAIL {path}: refused, but not at {expected}:", file=sys.stderr)
            for e in errors[:20]:
                print(f"     {where(e)}: {e.message}", file=sys.stderr)
        else:
            first = at_expected[0]
            print(f"ok   {path}: refused ({where(first)}: {first.message})")
    if failures:
        print(f"check_schema: {failures} file(s) wrong", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
