"""Writes scripts/bench results into BENCHMARKS.md, between the results markers.

Usage: python3 bench/report.py RESULTS.tsv BENCHMARKS.md
"""
import datetime
import os
import platform
import subprocess
import sys

START, END = "<!-- results:start -->", "<!-- results:end -->"


def version(command):
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "not found"


def main(results_path, markdown_path):
    rows = [line.rstrip("\n").split("\t") for line in open(results_path) if line.strip()]
    scales = sorted({int(row[0]) for row in rows})
    lines = [
        f"Measured {datetime.date.today().isoformat()} on {platform.machine()}, "
        f"{os.cpu_count()} cores, {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB; "
        f"{version([os.environ.get('ENVDRIFT_BIN', '.build/release/envdrift'), '--version'])} (release build), "
        f"{version(['pg_dump', '--version'])}, {version(['swift', '--version'])}. "
        f"Median of {os.environ.get('BENCH_RUNS', '3')} runs; RSS is the peak over them.",
        "",
    ]
    for scale in scales:
        mine = [row for row in rows if int(row[0]) == scale]
        shape = next((row[4] for row in mine if row[1] == "shape"), "")
        lines += [f"### {scale} tenant schemas ({shape})", "", "| what | median | peak RSS | note |", "|---|---|---|---|"]
        timed = {row[1]: row for row in mine if row[1] not in ("shape", "check")}
        for name, row in timed.items():
            rss = f"{int(row[3]) // 1024} MB" if int(row[3]) else ""
            lines.append(f"| {name} | {float(row[2]):.2f} s | {rss} | {row[4]} |")
        compare = timed.get("envdrift compare")
        for other in ("pg_dump --schema-only", "migra"):
            if compare and other in timed and float(timed[other][2]) > 0:
                ratio = float(compare[2]) / float(timed[other][2])
                lines.append(f"| envdrift compare / {other} | {ratio:.2f} | | |")
        verify = timed.get("envdrift verify (names only)")
        django = timed.get("Django migrate_schemas --check (one run)")
        if verify and django and float(django[2]) > 0:
            ratio = float(verify[2]) / float(django[2])
            lines.append(f"| envdrift verify / Django migrate_schemas --check | {ratio:.2f} | | |")
        checks = [row for row in mine if row[1] == "check"]
        found = sum(int(row[2]) for row in checks)
        missed = [row[4] for row in checks if row[2] != "1"]
        lines += ["", f"Planted differences found by envdrift: {found} of {len(checks)}"
                  + (f" (missed: {', '.join(missed)})" if missed else "") + ".", ""]
    text = open(markdown_path).read() if os.path.exists(markdown_path) else f"# Benchmarks\n\n{START}\n{END}\n"
    before, _, rest = text.partition(START)
    old, _, after = rest.partition(END)
    # Keep the sections of scales that were not run this time, each under its own header.
    kept = {}
    for block in old.split("\n## ")[1:]:
        scale = block.split(" ", 1)[0]
        if scale.isdigit() and int(scale) not in scales:
            kept[int(scale)] = "## " + block.rstrip("\n") + "\n"
    header, body = lines[0], lines[2:]
    new = {}
    current = None
    for line in body:
        if line.startswith("### "):
            current = int(line.split()[1])
            new[current] = ["## " + line[4:], "", header]
        elif current is not None:
            new[current].append(line)
    sections = {**kept, **{scale: "\n".join(block).rstrip("\n") + "\n" for scale, block in new.items()}}
    result = "\n".join(sections[scale] for scale in sorted(sections))
    open(markdown_path, "w").write(before + START + "\n" + result + END + after)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
