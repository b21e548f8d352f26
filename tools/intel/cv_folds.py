#!/usr/bin/env python3
"""Splits a labelled JSONL file into K folds by instruction family, for model selection without
touching the held-out file: each fold's validation part holds families its training part never
saw, like the real held-out split.

    python3 tools/intel/cv_folds.py data/intel/train.jsonl --folds 5 --out /tmp/cv
    for i in 0 1 2 3 4; do sluice intel train /tmp/cv/train-$i.jsonl --heldout /tmp/cv/val-$i.jsonl; done
"""

import argparse
import json
import os
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rows = [json.loads(line) for line in open(args.data) if line.strip()]
    families = sorted({r["family"] for r in rows})
    random.Random(args.seed).shuffle(families)
    fold_of = {f: i % args.folds for i, f in enumerate(families)}
    os.makedirs(args.out, exist_ok=True)
    for k in range(args.folds):
        with open(f"{args.out}/train-{k}.jsonl", "w") as t, open(f"{args.out}/val-{k}.jsonl", "w") as v:
            for r in rows:
                (v if fold_of[r["family"]] == k else t).write(json.dumps(r, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
