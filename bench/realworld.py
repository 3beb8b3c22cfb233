"""Scores sovstack against ../shared/realworld: precision and recall per (file, rule); skips when absent."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
RULES = {"foreign-messenger": "foreign-messenger", "residency": "data-residency"}


def run_sovstack(files: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        cmd = [str(ROOT / ".venv/bin/sovstack"), "check", str(files), "--format", "json", "--output", str(out)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode == 2 or not out.exists():
            sys.exit(f"sovstack could not evaluate the corpus (exit {proc.returncode}): {proc.stderr}")
        return json.loads(out.read_text())


def score(manifest: list[dict], result: dict, verbose: bool) -> dict[str, tuple[float, float, int, int, int]]:
    found = {(f["file"], f["category"]) for f in result["findings"] if f["status"] == "failed"}
    scores = {}
    for rule, category in RULES.items():
        tp = fp = fn = 0
        for entry in manifest:
            expected = any(e["rule"] == rule for e in entry.get("expected") or [])
            got = (entry["name"], category) in found
            tp += expected and got
            fp += got and not expected
            fn += expected and not got
            if verbose and expected != got:
                print(f"  {'MISSED' if expected else 'FALSE '} {rule:17} {entry['name']}")
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        scores[rule] = (precision, recall, tp, fp, fn)
    return scores


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", default=os.environ.get("SOVSTACK_REALWORLD", str(ROOT.parent / "shared" / "realworld")))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not (corpus / "manifest.yaml").is_file():
        print(f"realworld corpus not found at {corpus}: skipped")
        return 0
    manifest = yaml.safe_load((corpus / "manifest.yaml").read_text())
    result = run_sovstack(corpus / "files")
    scores = score(manifest, result, args.verbose)
    print(f"real-world corpus: {len(manifest)} files")
    for rule, (p, r, tp, fp, fn) in scores.items():
        print(f"{rule:17} precision {p:.3f}  recall {r:.3f}  (tp {tp}, fp {fp}, fn {fn})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
