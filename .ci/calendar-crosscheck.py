#!/usr/bin/env python3
"""Cross-check our working-day calendar against an independent one.

Our calendar (rules/holidays.toml, transcribed from the State Council notices) is dumped by the
Rust example `calendar_dump` as `YYYY-MM-DD,workday|holiday|makeup|weekend` lines. This script
compares every day of every covered year with the third-party PyPI package `chinesecalendar`
(module `chinese_calendar`), which keeps its own data, and fails on any disagreement:

  - working day or not, for every day;
  - a day we call `holiday` must be a named holiday in the package;
  - a day we call `makeup` must be a weekend day the package makes a working day;
  - a weekend day the package names as a holiday while we call it `weekend` fails, unless it is
    joined to one of our holidays by an unbroken run of days off ("与周末连休": the notice names only
    the holiday itself and the package names the joined weekend in some years and not in others).
    Those are listed as labelling notes: both calendars agree they are days off.

Every covered year the package has no data for is listed by name and fails the check, unless it
is named in --allow-missing (so a year is never skipped silently).

Usage:
  python3 .ci/calendar-crosscheck.py [--dump FILE] [--allow-missing 2027,2028]
Without --dump the script runs `cargo run -q --locked -p chengguan-domain --example calendar_dump`.
"""

import argparse
import datetime
import os
import subprocess
import sys
from collections import Counter, defaultdict

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KINDS = {"workday", "holiday", "makeup", "weekend"}


def load_dump(path):
    if path:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    else:
        text = subprocess.run(
            ["cargo", "run", "-q", "--locked", "-p", "chengguan-domain", "--example", "calendar_dump"],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    covered, days = [], {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("# covered "):
            covered.append(int(line.split()[-1]))
            continue
        date_s, kind = line.split(",")
        if kind not in KINDS:
            sys.exit(f"dump line {n}: unknown kind {kind!r}")
        d = datetime.date.fromisoformat(date_s)
        if d in days:
            sys.exit(f"dump line {n}: {d} twice")
        days[d] = kind
    return covered, days


def joined_to_holiday(days, d):
    """True when d lies in an unbroken run of days off (in our dump) that holds one of our holidays."""
    for step in (-1, 1):
        e = d
        while True:
            e += datetime.timedelta(days=step)
            kind = days.get(e)
            if kind == "holiday":
                return True
            if kind != "weekend":
                break
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dump", help="read the calendar dump from FILE instead of running cargo")
    ap.add_argument("--allow-missing", default="", help="comma-separated covered years the package may lack")
    args = ap.parse_args()
    allowed_missing = {int(y) for y in args.allow_missing.split(",") if y.strip()}

    try:
        import chinese_calendar as cc
    except ImportError:
        sys.exit("the independent oracle is missing: pip install chinesecalendar (module chinese_calendar)")
    version = getattr(cc, "__version__", "?")

    covered, days = load_dump(args.dump)
    if not covered:
        sys.exit("the dump lists no covered year")
    print(f"our calendar covers {covered[0]}-{covered[-1]} ({len(covered)} years); "
          f"oracle: chinesecalendar {version}")

    failures = []
    # every day of every covered year is in the dump, and nothing else
    for y in covered:
        d = datetime.date(y, 1, 1)
        while d.year == y:
            if d not in days:
                failures.append(f"{d}: missing from our dump")
            d += datetime.timedelta(days=1)
    for d in days:
        if d.year not in covered:
            failures.append(f"{d}: in the dump but {d.year} is not a covered year")

    missing, notes = [], []
    per_year = defaultdict(Counter)
    for y in covered:
        try:
            cc.is_workday(datetime.date(y, 7, 1))
        except NotImplementedError:
            missing.append(y)
            continue
        d = datetime.date(y, 1, 1)
        while d.year == y:
            ours = days.get(d)
            if ours is None:
                d += datetime.timedelta(days=1)
                continue
            per_year[y]["days"] += 1
            per_year[y][ours] += 1
            theirs_work = cc.is_workday(d)
            _, theirs_name = cc.get_holiday_detail(d)
            weekend = d.weekday() >= 5
            ours_work = ours in ("workday", "makeup")
            if ours_work != theirs_work:
                failures.append(f"{d} ({d.strftime('%a')}): ours {ours}, oracle "
                                f"{'working day' if theirs_work else 'day off'} {theirs_name or ''}".rstrip())
            elif ours == "holiday" and theirs_name is None:
                failures.append(f"{d} ({d.strftime('%a')}): ours holiday, oracle names no holiday")
            elif ours == "makeup" and not (weekend and theirs_work):
                failures.append(f"{d} ({d.strftime('%a')}): ours makeup, oracle does not make a weekend day a working day")
            elif ours == "weekend" and theirs_name is not None:
                if joined_to_holiday(days, d):
                    notes.append(f"{d} ({d.strftime('%a')}): weekend joined to a holiday (与周末连休); "
                                 f"the oracle names it {theirs_name}")
                else:
                    failures.append(f"{d} ({d.strftime('%a')}): ours plain weekend, oracle names it {theirs_name}")
            d += datetime.timedelta(days=1)

    for y in covered:
        if y in missing:
            continue
        c = per_year[y]
        print(f"  {y}: {c['days']} days compared "
              f"({c['workday']} workday, {c['makeup']} makeup, {c['holiday']} holiday, {c['weekend']} weekend)")

    if notes:
        print(f"{len(notes)} labelling note(s), not disagreements (both calendars: day off):")
        for n in notes:
            print(f"  {n}")

    if missing:
        print(f"COVERED YEARS THE ORACLE HAS NO DATA FOR: {', '.join(map(str, missing))}")
        for y in missing:
            if y in allowed_missing:
                print(f"  {y}: not cross-checked (allowed by --allow-missing)")
            else:
                failures.append(f"{y}: the oracle has no data for this covered year (pass --allow-missing {y} "
                                f"only if no released version of the package has it yet)")

    if failures:
        print(f"\n{len(failures)} disagreement(s):")
        for f in failures:
            print(f"  {f}")
        print("calendar cross-check FAILED")
        return 1
    checked = sum(per_year[y]["days"] for y in per_year)
    print(f"calendar cross-check passed: {checked} days agree in {len(per_year)} years")
    return 0


if __name__ == "__main__":
    sys.exit(main())
