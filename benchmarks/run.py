"""Run every benchmark in this folder, one after the other, each in its own process so that one
benchmark's memory and caches never colour the next one's figures.

``make bench`` calls this; pass ``--scale N`` to run each at another size.
"""

from __future__ import annotations

import argparse
import pkgutil
import subprocess
import sys
from pathlib import Path


def benchmark_modules() -> list[str]:
    folder = Path(__file__).parent
    return sorted(
        f"benchmarks.{module.name}"
        for module in pkgutil.iter_modules([str(folder)])
        if module.name != "run"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=None, help="grants in the demo borough")
    args = parser.parse_args()
    extra = ["--scale", str(args.scale)] if args.scale else []
    failed = 0
    for module in benchmark_modules():
        print(f"\n## {module}", flush=True)
        failed += (
            subprocess.run([sys.executable, "-m", module, *extra], check=False).returncode != 0
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
