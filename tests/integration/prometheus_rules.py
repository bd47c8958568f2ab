#!/usr/bin/env python3
"""The Prometheus files shipped for watching a fleet (assets/prometheus/):
every campus_kiosk_* metric an alert reads is one the kiosk writes
(sync/metrics_file.cpp), and with Debian's promtool (package prometheus) the
config and the rules check, and the alerts fire when they should
(prometheus/campus-kiosk.rules.test.yml: offline for 15 minutes, the feed
older than a school day). Without promtool only the first part runs, on the
YAML as python3-yaml reads it, and the script says so.

Usage: prometheus_rules.py SOURCE_DIR
"""

import os
import re
import shutil
import subprocess
import sys

import yaml


def main():
    root = sys.argv[1]
    assets = os.path.join(root, "assets", "prometheus")
    rules_path = os.path.join(assets, "campus-kiosk.rules.yml")
    config_path = os.path.join(assets, "prometheus.yml")
    problems = []
    with open(os.path.join(root, "sync", "metrics_file.cpp"), encoding="utf-8") as f:
        written = set(re.findall(r'"(campus_kiosk_[a-z_]+)"', f.read()))
    if len(written) < 10:
        problems.append(f"sync/metrics_file.cpp: found only {sorted(written)}")
    # What the node exporter adds to the kiosk's own: the scrape and the file's age.
    exporter = {"up", "node_textfile_mtime_seconds"}
    with open(rules_path, encoding="utf-8") as f:
        rules = yaml.safe_load(f)
    alerts = [r for g in rules["groups"] for r in g["rules"]]
    for rule in alerts:
        names = set(re.findall(r"\b([a-z_][a-z0-9_]*)\s*(?:\{|\[|\s*[=<>!]|\)|$)", rule["expr"]))
        metrics = {n for n in names if n.startswith(("campus_kiosk_", "node_"))} | (names & exporter)
        if not metrics:
            problems.append(f"{rules_path}: {rule['alert']}: reads no metric: {rule['expr']}")
        for name in sorted(metrics):
            if name not in written and name not in exporter:
                problems.append(f"{rules_path}: {rule['alert']}: {name} is not a metric the kiosk writes "
                                f"({', '.join(sorted(written))})")
        if "for" not in rule and rule.get("labels", {}).get("severity") != "info":
            problems.append(f"{rules_path}: {rule['alert']}: no `for:` (a blip would page someone)")
    with open(config_path, encoding="utf-8") as f:
        config = yaml.safe_load(f)
    if config.get("rule_files") != ["campus-kiosk.rules.yml"]:
        problems.append(f"{config_path}: rule_files is not the rules beside it: {config.get('rule_files')}")
    jobs = [j["job_name"] for j in config["scrape_configs"]]
    if "campus-kiosk" not in jobs:
        problems.append(f"{config_path}: no campus-kiosk job: {jobs}")
    print(f"{len(alerts)} alerts read {len(written)} kiosk metrics' names; job {jobs}")

    promtool = shutil.which("promtool")
    if promtool:
        tests = os.path.join(root, "tests", "integration", "prometheus", "campus-kiosk.rules.test.yml")
        for cmd in ([promtool, "check", "config", config_path], [promtool, "check", "rules", rules_path],
                    [promtool, "test", "rules", tests]):
            run = subprocess.run(cmd, capture_output=True, text=True)
            print(" ".join(os.path.basename(c) for c in cmd) + ":", run.stdout.strip().splitlines()[-1:])
            if run.returncode != 0:
                problems.append(f"{' '.join(cmd)}: exit {run.returncode}:\n{run.stdout}{run.stderr}")
    else:
        print("promtool not installed (Debian package prometheus): the YAML and the metric names only")
    for p in problems:
        print("FAIL", p, file=sys.stderr)
    if not problems:
        print("PASS prometheus rules")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
