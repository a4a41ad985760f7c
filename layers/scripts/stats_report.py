#!/usr/bin/env python3
"""Stats report: reads a Nightshift stats export and writes report.md and report.json.

Input (the local path the runner downloaded the artifact to), one of:
  * CSV with a header containing day, metric, count, sum (min, max optional); every other
    column (or a `dims` column like `store=s01&channel=web`) names the group;
  * JSON as GET /stats returns it: {"metric": ..., "items": [{"day", "dims", "count", "sum", ...}]},
    or a list of such item objects carrying their own "metric".
Standard library only: the Lambda image has no pip packages.
"""
import argparse
import csv
import json
import math
import os
import sys
from collections import defaultdict

CORE = {"day", "metric", "count", "sum", "min", "max", "dims"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True)
    parser.add_argument("--title", default="Stats report")
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--z-threshold", type=float, default=2.5)
    return parser.parse_args()


def number(text, field, where):
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {field} is not a number: {text!r}")
    if not math.isfinite(value):
        raise ValueError(f"{where}: {field} is not finite")
    return value


def group_of(row):
    if row.get("dims") not in (None, "", "-"):
        dims = row["dims"]
        return dims if isinstance(dims, str) else "&".join(f"{k}={v}" for k, v in sorted(dims.items()))
    extra = sorted((k, v) for k, v in row.items() if k not in CORE and v not in (None, ""))
    return "&".join(f"{k}={v}" for k, v in extra) or "-"


def read_rows(path):
    with open(path, "rb") as handle:
        head = handle.read(1).strip()
    if head in (b"{", b"["):
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        items = data.get("items", []) if isinstance(data, dict) else data
        default_metric = data.get("metric") if isinstance(data, dict) else None
        for index, item in enumerate(items):
            yield dict(item, metric=item.get("metric", default_metric)), f"items[{index}]"
        return
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"day", "metric", "count", "sum"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"the CSV header lacks {', '.join(sorted(missing))} (has: {', '.join(reader.fieldnames or [])})")
        for line, row in enumerate(reader, start=2):
            yield row, f"line {line}"


def mean_sd(values):
    if not values:
        return 0.0, 0.0
    mean = sum(values) / len(values)
    var = sum((v - mean) ** 2 for v in values) / (len(values) - 1) if len(values) > 1 else 0.0
    return mean, math.sqrt(var)


def analyse(rows, top, z_threshold):
    days = defaultdict(lambda: defaultdict(lambda: {"count": 0.0, "sum": 0.0}))
    groups = defaultdict(lambda: defaultdict(float))
    extremes = defaultdict(lambda: {"min": math.inf, "max": -math.inf})
    count = 0
    for row, where in rows:
        metric, day = row.get("metric"), row.get("day")
        if not metric or not day:
            raise ValueError(f"{where}: metric and day are required")
        c, s = number(row.get("count"), "count", where), number(row.get("sum"), "sum", where)
        days[metric][day]["count"] += c
        days[metric][day]["sum"] += s
        groups[metric][group_of(row)] += s
        if row.get("min") not in (None, ""):
            extremes[metric]["min"] = min(extremes[metric]["min"], number(row["min"], "min", where))
        if row.get("max") not in (None, ""):
            extremes[metric]["max"] = max(extremes[metric]["max"], number(row["max"], "max", where))
        count += 1
    report = {}
    for metric in sorted(days):
        series = [{"day": d, "count": v["count"], "sum": round(v["sum"], 6)} for d, v in sorted(days[metric].items())]
        sums = [p["sum"] for p in series]
        mean, sd = mean_sd(sums)
        total = sum(sums)
        moves = []
        for before, after in zip(series, series[1:]):
            if before["sum"] != 0:
                moves.append({"day": after["day"], "change": round((after["sum"] - before["sum"]) / abs(before["sum"]), 4)})
        moves.sort(key=lambda m: -abs(m["change"]))
        outliers = []
        if len(sums) >= 4 and sd > 0:
            for p in series:
                z = (p["sum"] - mean) / sd
                if abs(z) >= z_threshold:
                    outliers.append({"day": p["day"], "sum": p["sum"], "z": round(z, 2)})
        ranked = sorted(groups[metric].items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        ext = extremes[metric]
        report[metric] = {
            "days": len(series),
            "from": series[0]["day"],
            "to": series[-1]["day"],
            "count": sum(p["count"] for p in series),
            "sum": round(total, 6),
            "meanPerDay": round(mean, 6),
            "sdPerDay": round(sd, 6),
            "min": None if ext["min"] == math.inf else ext["min"],
            "max": None if ext["max"] == -math.inf else ext["max"],
            "series": series,
            "largestMoves": moves[:3],
            "outliers": outliers,
            "topGroups": [{"group": g, "sum": round(s, 6), "share": round(s / total, 4) if total else 0} for g, s in ranked],
        }
    return report, count


def markdown(title, source, report):
    lines = [f"# {title}", "", f"Source: `{source}`", ""]
    for metric, r in report.items():
        lines += [f"## {metric}", "", f"{r['days']} day(s), {r['from']} → {r['to']}: count {r['count']:g}, sum {r['sum']:g}, mean/day {r['meanPerDay']:g} (sd {r['sdPerDay']:g})", ""]
        lines += ["| day | count | sum |", "|---|---:|---:|"] + [f"| {p['day']} | {p['count']:g} | {p['sum']:g} |" for p in r["series"]] + [""]
        if r["largestMoves"]:
            lines.append("Largest day-over-day moves: " + ", ".join(f"{m['day']} {m['change']:+.1%}" for m in r["largestMoves"]))
        lines.append("Outlier days: " + (", ".join(f"{o['day']} (z={o['z']})" for o in r["outliers"]) or "none"))
        lines += ["", "| group | sum | share |", "|---|---:|---:|"] + [f"| {g['group']} | {g['sum']:g} | {g['share']:.1%} |" for g in r["topGroups"]] + [""]
    return "\n".join(lines)


def main():
    args = parse_args()
    output_dir = os.environ.get("NIGHTSHIFT_OUTPUT_DIR")
    if not output_dir:
        print("NIGHTSHIFT_OUTPUT_DIR is not set", file=sys.stderr)
        return 2
    try:
        report, rows = analyse(read_rows(args.input), args.top, args.z_threshold)
    except (ValueError, json.JSONDecodeError, UnicodeDecodeError) as error:
        print(f"stats-report: cannot read {os.path.basename(args.input)}: {error}", file=sys.stderr)
        return 1
    if not report:
        print("stats-report: the input has no rows", file=sys.stderr)
        return 1
    source = os.path.basename(args.input)
    with open(os.path.join(output_dir, "report.json"), "w", encoding="utf-8") as handle:
        json.dump({"title": args.title, "source": source, "rows": rows, "metrics": report}, handle, indent=2)
    with open(os.path.join(output_dir, "report.md"), "w", encoding="utf-8") as handle:
        handle.write(markdown(args.title, source, report))
    print(f"stats-report: {rows} rows, {len(report)} metric(s): " + ", ".join(f"{m} sum={r['sum']:g} over {r['days']} day(s)" for m, r in report.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
