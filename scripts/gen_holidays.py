#!/usr/bin/env python3
"""Generate crates/kedai-core/data/holidays.csv from the PyPI package `holidays`.

Run once per refresh, then commit the CSV and README it writes:

    python3 -m venv /tmp/hv && /tmp/hv/bin/pip install holidays==0.109
    /tmp/hv/bin/python scripts/gen_holidays.py

Only national (country-level) official public holidays are kept: no
subdivision is passed, and only the package's default `public` category is
used (so no Indonesian collective leave, Thai bank days or US half days).
Observed/substitute days stay in, since they are days off.
"""

import datetime
import sys
import unicodedata
from pathlib import Path

try:
    import holidays
except ImportError:
    sys.exit("the `holidays` package is missing: pip install holidays==0.109")

# The CSV must be reproducible: a different release may move or rename days.
HOLIDAYS_VERSION = "0.109"
COUNTRIES = ["MY", "SG", "PH", "ID", "TH", "VN", "US"]
YEARS = range(2025, 2028)
LANGUAGE = "en_US"  # the one language every country above supports

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "crates" / "kedai-core" / "data"

# Typographic punctuation the package may use; everything else goes through NFKD.
ASCII_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": "", "\u201d": "", "\u2013": "-", "\u2014": "-"})


def ascii_name(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.translate(ASCII_FOLD))
    folded = folded.encode("ascii", "ignore").decode("ascii").strip()
    # The Rust reader splits plainly on commas, so no field may need quoting.
    if not folded or any(c in folded for c in ',"\r\n'):
        sys.exit(f"cannot write holiday name {name!r} as a plain CSV field")
    return folded


def rows():
    for country in COUNTRIES:
        table = holidays.country_holidays(country, years=YEARS, language=LANGUAGE)
        for date in sorted(table):
            # Observed days can spill into a neighbouring year; keep the covered span only.
            if date.year in YEARS:
                names = "; ".join(ascii_name(n) for n in table.get_list(date))
                yield country, date.isoformat(), names


def main() -> None:
    if holidays.__version__ != HOLIDAYS_VERSION:
        sys.exit(
            f"holidays {holidays.__version__} is installed, this script is pinned to "
            f"{HOLIDAYS_VERSION}: pip install holidays=={HOLIDAYS_VERSION} "
            "(or bump HOLIDAYS_VERSION and review the diff)"
        )
    print(f"holidays {holidays.__version__}")

    # COUNTRIES is not alphabetical; the CSV is sorted by country then date.
    table = sorted(rows())
    DATA.mkdir(parents=True, exist_ok=True)
    with open(DATA / "holidays.csv", "w", encoding="ascii", newline="\n") as out:
        out.write("country,date,name\n")
        out.writelines(f"{c},{d},{n}\n" for c, d, n in table)

    counts = {}
    for country, date, _ in table:
        key = (country, int(date[:4]))
        counts[key] = counts.get(key, 0) + 1
    count_lines = [
        f"| {c} | " + " | ".join(str(counts.get((c, y), 0)) for y in YEARS) + " |"
        for c in sorted(COUNTRIES)
    ]
    (DATA / "README.md").write_text(
        README.format(
            version=holidays.__version__,
            generated=datetime.date.today().isoformat(),
            countries=", ".join(sorted(COUNTRIES)),
            years=f"{YEARS.start}-{YEARS.stop - 1}",
            year_header=" | ".join(str(y) for y in YEARS),
            year_rule=" | ".join("---:" for _ in YEARS),
            count_lines="\n".join(count_lines),
            total=len(table),
        ),
        encoding="utf-8",
    )
    for line in count_lines:
        print(line)
    print(f"{len(table)} rows written to {DATA / 'holidays.csv'}")


README = """\
# kedai-core data

This file is written by `scripts/gen_holidays.py`; edit the script, not this file.

## holidays.csv

Official national public holidays for {countries}, {years}, embedded into
`kedai-core` by `src/calendar.rs`.

- Source: the PyPI package `holidays` version {version} (https://pypi.org/project/holidays/).
- Generated: {generated}, with
  `python3 -m venv /tmp/hv && /tmp/hv/bin/pip install holidays=={version} && /tmp/hv/bin/python scripts/gen_holidays.py`
  from the workspace root.
- Scope: no subdivision and the package's default `public` category only
  (MY is the federal list, without state holidays; US is the federal list).
  Observed and substitute days that the package lists are included.
  Names are the package's `en_US` names, folded to ASCII.
  Islamic dates the package has not confirmed carry its "(estimated)" suffix.
- Format: plain CSV, header `country,date,name`, date `YYYY-MM-DD`, sorted by
  country then date, one row per country and date; several holidays on one
  date are joined with `; `. No field is quoted.

Rows per country and year ({total} in all):

| country | {year_header} |
| --- | {year_rule} |
{count_lines}
"""


if __name__ == "__main__":
    main()
