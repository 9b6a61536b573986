"""``python -m benchmarks [--json]``: time each step against its target (``make bench``)."""

import argparse
import sys

from . import bench

parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
parser.add_argument(
    "--limits",
    action="store_true",
    help="instead: peak memory and time of the largest accepted and rejected inputs",
)
args = parser.parse_args()
if args.limits:
    from . import limits

    print(limits.format_table(limits.run()))
    sys.exit(0)
results = bench.run()
print(bench.to_json(results) if args.json else bench.format_table(results))
sys.exit(0 if all(r.ok is not False for r in results) else 1)
