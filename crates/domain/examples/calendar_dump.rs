//! Prints the national working-day calendar, one covered day a line: `YYYY-MM-DD,kind` with kind
//! one of workday | holiday | makeup | weekend; then `# covered YEAR` lines, one per covered year.
//! Read by `.ci/calendar-crosscheck.py`, which compares it with an independent calendar package.

use chengguan_domain::calendar::Calendar;
use std::io::Write;

fn main() {
    let cal = Calendar::national();
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    for y in cal.years() {
        writeln!(out, "# covered {y}").unwrap();
    }
    for (date, kind) in cal.covered_days() {
        writeln!(out, "{},{}", date.format("%Y-%m-%d"), kind.code()).unwrap();
    }
}
