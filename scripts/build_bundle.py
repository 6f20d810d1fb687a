#!/usr/bin/env python3
"""Rebuild src/upward/bundle/ from the official files (default: ../shared/data beside the project).

    python scripts/build_bundle.py [--data-dir PATH] [--check]

--check rebuilds in memory and reports every difference from the committed bundle, changing nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from upward.bundle.build import verify, write_bundle  # noqa: E402
from upward.errors import UpwardError  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--check", action="store_true", help="compare a fresh build with the committed bundle")
    args = ap.parse_args()
    t0 = time.perf_counter()
    try:
        if args.check:
            problems = verify(args.data_dir)
            for p in problems:
                print(f"DIFFERS {p}")
            print("bundle identical to a fresh build" if not problems else f"{len(problems)} difference(s)")
            return 1 if problems else 0
        prov = write_bundle(args.data_dir, progress=lambda name: print(f"  {name}", flush=True))
    except UpwardError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    total = sum((ROOT / "src/upward/bundle" / r["file"]).stat().st_size for r in prov["files"].values())
    print(f"wrote {len(prov['files'])} files, {total / 1e6:.1f} MB, in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
