#!/usr/bin/env python3
"""The screens look the same as the reference: `kiosk --dump` of the bundled
sample feed against the PNGs committed in tests/render/reference/.

  check_reference.py --kiosk K --png-compare P --role R --size WxH --at TIME --out DIR
  check_reference.py ... --update        (rewrite the reference from this dump)

Checks, each able to fail:
  pages    the dump has exactly the reference's pages (same file stems, same order)
  pixels   every page, shrunk 4x (8x at 4K; a box filter), differs from its reference in
           at most 0.2 % of its pixels by more than 24 levels in a channel
           (png_compare.cpp says why that passes anti-aliasing noise and fails
           a moved line, a changed colour or a missing card).

A failure leaves DIR/<stem>.diff.png (differing pixels red over the faded
reference) for a person to look at. Standard library only.
"""
import argparse
import os
import shutil
import subprocess
import sys

# Xvfb for each dump, without xvfb-run's own exit codes (tests/xvfb_run.py says why).
XVFB_RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "xvfb_run.py")

HERE = os.path.dirname(os.path.abspath(__file__))

def factor_for(width, height):
    # Blocks of about 1/270 of the short side: a 4K page is shrunk 8x, the others 4x,
    # so every reference is a few hundred pixels across.
    return 8 if min(width, height) >= 2160 else 4


TOLERANCE = 24
MAX_FRACTION = 0.002


def role_args(role):
    # The roles' own choices for the sample feed: a classroom of 3-2, a corridor of grade 3.
    return {"classroom": ["--class", "3-2"], "corridor": ["--grade", "3"]}.get(role, [])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kiosk", required=True)
    parser.add_argument("--png-compare", required=True)
    parser.add_argument("--role", required=True)
    parser.add_argument("--size", required=True)
    parser.add_argument("--at", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--update", action="store_true")
    args = parser.parse_args()

    reference = os.path.join(HERE, "reference", f"{args.role}-{args.size}")
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    width, height = args.size.split("x")
    factor = factor_for(int(width), int(height))
    command = [XVFB_RUN, "-a", "-s", f"-screen 0 {width}x{height}x24", args.kiosk, "--dump", args.out,
               "--size", args.size, "--at", args.at, "--role", args.role] + role_args(args.role)
    env = dict(os.environ)
    env.pop("DISPLAY", None)  # always the private Xvfb, never the developer's screen
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    if run.returncode != 0:
        print(run.stderr, file=sys.stderr)
        print(f"FAIL: {' '.join(command)} exited {run.returncode}", file=sys.stderr)
        return 1
    dumped = sorted(f[:-4] for f in os.listdir(args.out) if f.endswith(".png"))

    if args.update:
        shutil.rmtree(reference, ignore_errors=True)
        os.makedirs(reference)
        for stem in dumped:
            subprocess.run([args.png_compare, "shrink", os.path.join(args.out, stem + ".png"),
                            os.path.join(reference, stem + ".png"), str(factor)], check=True)
        print(f"updated {reference}: {len(dumped)} pages")
        return 0

    if not os.path.isdir(reference):
        print(f"FAIL: no reference {reference} (run with --update on a build that draws right)", file=sys.stderr)
        return 1
    expected = sorted(f[:-4] for f in os.listdir(reference) if f.endswith(".png"))
    failures = []
    if dumped != expected:
        failures.append(f"pages: dumped {dumped}, the reference has {expected}")
    for stem in sorted(set(dumped) & set(expected)):
        result = subprocess.run([args.png_compare, "diff", os.path.join(args.out, stem + ".png"),
                                 os.path.join(reference, stem + ".png"), str(factor), str(TOLERANCE),
                                 str(MAX_FRACTION), os.path.join(args.out, stem + ".diff.png")],
                                capture_output=True, text=True)
        line = (result.stdout.strip() or result.stderr.strip())
        print(f"{stem}: {line}")
        if result.returncode != 0:
            failures.append(f"{stem}: {line}")
    if failures:
        for failure in failures:
            print("FAIL:", failure, file=sys.stderr)
        return 1
    print(f"ok: {len(dumped)} pages of {args.role} at {args.size} match the reference")
    return 0


if __name__ == "__main__":
    sys.exit(main())
