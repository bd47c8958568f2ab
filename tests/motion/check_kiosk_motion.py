#!/usr/bin/env python3
"""Motion (the waving flag, page transitions, calm mode, broken shaders) through
the real kiosk under Xvfb (Mesa llvmpipe).

  check_kiosk_motion.py --kiosk K --kiosk-test-hooks KH --at TIME --out DIR

Checks, each able to fail:
  transition  `kiosk --dump DIR --dump-transition` (1280x720, bundled sample):
              transition-50.png differs from both pages it blends (01, 02) in
              many pixels, and every pixel is either page 2 as it is (header,
              footer: outside the page area) or the pages' average within 3
              (the crossfade at progress 0.5, eased 0.5).
  flag        in the standings dump, every flag holder's row (theme::holder_row
              behind its rank) has red flag pixels left of the rank column, and
              no other row has any: the still shader flag of a real dump.
  calm        a windowed `--calm` lobby kiosk: two screenshots of Xvfb's
              framebuffer (-fbdir) taken 1.5 s apart are byte-identical; the
              same kiosk without --calm (background burst after the first page
              arrives) gives two different screenshots, so the check can fail.
  fallback    kiosk_test_hooks with KIOSK_TEST_BREAK_SHADER=flag,transition,background:
              the dump exits 0 with every page, logs each shader's failure,
              the flags are still red (the CPU flag), and transition-50.png is
              page 2 exactly (a hard cut, never a black screen).

Standard library only; screenshots and dumps stay in --out for a person to look at.
"""
import argparse
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

# Xvfb for each dump, without xvfb-run's own exit codes (tests/xvfb_run.py says why).
XVFB_RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "xvfb_run.py")

SIZE = (1280, 720)
HOLDER_ROW = (0xFD, 0xEC, 0xEA)  # kiosk/theme.hpp holder_row


def read_png(path):
    """(width, height, rows of RGB tuples' flat bytes) for 8-bit RGB/RGBA PNGs."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat = 8, bytearray()
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            if depth != 8 or color not in (2, 6):
                raise ValueError(f"{path}: expected 8-bit RGB(A), got depth {depth} colour type {color}")
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(bytes(idat))
    stride = width * channels
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        filt = raw[i]
        row = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = row[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if filt == 1:
                row[x] = (row[x] + a) & 0xFF
            elif filt == 2:
                row[x] = (row[x] + b) & 0xFF
            elif filt == 3:
                row[x] = (row[x] + (a + b) // 2) & 0xFF
            elif filt == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[x] = (row[x] + (a if pa <= pb and pa <= pc else (b if pb <= pc else c))) & 0xFF
        if channels == 4:
            rgb = bytearray(width * 3)
            rgb[0::3], rgb[1::3], rgb[2::3] = row[0::4], row[1::4], row[2::4]
            rows.append(rgb)
        else:
            rows.append(row)
        prev = row
    return width, height, rows


def pixel(rows, x, y):
    r = rows[y]
    return r[3 * x], r[3 * x + 1], r[3 * x + 2]


def is_flag_red(p):
    r, g, b = p
    return r >= 120 and g <= 90 and b <= 80 and r - g >= 80


def run(cmd, env=None, timeout=240):
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)


def dump(kiosk, out, at, env=None):
    shutil.rmtree(out, ignore_errors=True)
    cmd = [XVFB_RUN, "-a", "-s", "-screen 0 1280x1024x24", kiosk, "--dump", out, "--dump-transition",
           "--size", f"{SIZE[0]}x{SIZE[1]}", "--at", at]
    return run(cmd, env)


def find(out, pattern):
    names = sorted(n for n in os.listdir(out) if re.fullmatch(pattern, n))
    return [os.path.join(out, n) for n in names]


# ---- transition ------------------------------------------------------------------------

def check_transition(out, fail, hard_cut=False):
    first, second = find(out, r"001-.*\.png"), find(out, r"002-.*\.png")
    middle = os.path.join(out, "transition-50.png")
    if not first or not second or not os.path.exists(middle):
        fail(f"{out}: missing 001-*.png, 002-*.png or transition-50.png")
        return
    _, _, a = read_png(first[0])
    _, _, b = read_png(second[0])
    w, h, t = read_png(middle)
    if (w, h) != SIZE:
        fail(f"transition-50.png is {w}x{h}, asked for {SIZE[0]}x{SIZE[1]}")
        return
    differs_a = differs_b = unexplained = 0
    for y in range(h):
        ra, rb, rt = a[y], b[y], t[y]
        for i in range(0, 3 * w, 3):
            pa, pb, pt = ra[i:i + 3], rb[i:i + 3], rt[i:i + 3]
            if max(abs(pt[k] - pa[k]) for k in range(3)) > 8:
                differs_a += 1
            if max(abs(pt[k] - pb[k]) for k in range(3)) > 8:
                differs_b += 1
            if pt != pb and max(abs(2 * pt[k] - pa[k] - pb[k]) for k in range(3)) > 6:
                unexplained += 1
    total = w * h
    name = "fallback transition" if hard_cut else "transition"
    print(f"{name}: differs from page 1 in {differs_a} px, from page 2 in {differs_b} px, "
          f"neither page 2 nor the average: {unexplained} px (of {total})")
    if hard_cut:
        if differs_b != 0 or unexplained != 0:
            fail(f"{name}: with the transition's shader broken the change must be a hard cut to page 2, "
                 f"but {differs_b} px differ from it")
        return
    if differs_a < total // 50 or differs_b < total // 50:
        fail(f"transition-50.png is (nearly) one of its pages: differs from page 1 in {differs_a} px, "
             f"page 2 in {differs_b} px (want ≥ {total // 50} each)")
    if unexplained > total // 1000:
        fail(f"transition-50.png: {unexplained} px are neither page 2 nor the average of the two pages")


# ---- flag ---------------------------------------------------------------------------------

def check_flags(out, fail, label):
    pages = find(out, r"\d{3}-standings-.*\.json")
    if not pages:
        fail(f"{label}: no standings page in {out}")
        return
    for report_path in pages:
        report = json.load(open(report_path, encoding="utf-8"))
        w, h, rows = read_png(report_path[:-5] + ".png")
        texts = report["texts"]
        headers = [e for e in texts if e["text"] == "名次"]
        if not headers:
            fail(f"{report_path}: no 名次 column header")
            continue
        holders = others = 0
        for entry in texts:
            if not re.fullmatch(r"\d+", entry["text"]):
                continue
            x, y, ew, eh = entry["rect"]
            header = next((hd for hd in headers
                           if abs((hd["rect"][0] + hd["rect"][2] / 2) - (x + ew / 2)) < hd["rect"][2] and
                           hd["rect"][1] < y), None)
            if header is None:
                continue  # a number elsewhere (a score column, the title's week)
            if abs(x + ew / 2 - (header["rect"][0] + header["rect"][2] / 2)) > header["rect"][2] / 2:
                continue
            # The row's paper, just right of the rank: holder rows are tinted.
            bx, by = min(w - 1, int(x + ew + 3)), int(y + eh / 2)
            holder = max(abs(c - d) for c, d in zip(pixel(rows, bx, by), HOLDER_ROW)) <= 3
            # The flag column: left of the rank column, as tall as the rank's line.
            x1 = int(header["rect"][0])
            x0 = max(0, int(x1 - 2.5 * header["rect"][3]))
            red = sum(1 for yy in range(int(y), min(h, int(y + eh)))
                      for xx in range(x0, x1) if is_flag_red(pixel(rows, xx, yy)))
            if holder:
                holders += 1
                if red < 15:
                    fail(f"{label} {os.path.basename(report_path)}: rank {entry['text']} at y={int(y)} is a flag "
                         f"holder's row but its flag region x {x0}..{x1} has {red} red px (want ≥ 15)")
            else:
                others += 1
                if red > 0:
                    fail(f"{label} {os.path.basename(report_path)}: rank {entry['text']} at y={int(y)} holds no "
                         f"flag but has {red} red px in the flag column")
        print(f"{label} {os.path.basename(report_path)}: {holders} holder rows with red flags, {others} rows without")
        if holders == 0:
            fail(f"{label} {os.path.basename(report_path)}: no flag holder row found (the check saw nothing)")


# ---- calm ------------------------------------------------------------------------------

def screenshots(kiosk, at, extra, out, label):
    """Two copies of Xvfb's framebuffer file, 1.5 s apart, once the first frame is up."""
    fbdir = tempfile.mkdtemp(prefix="kiosk-fb-")
    cmd = [XVFB_RUN, "-a", "-s", f"-screen 0 {SIZE[0]}x{SIZE[1]}x24 -fbdir {fbdir}", kiosk, "--windowed",
           "--size", f"{SIZE[0]}x{SIZE[1]}", "--at", at, "--page-seconds", "3600"] + extra
    # Its own process group, so that the whole of it (the wrapper, Xvfb and
    # the kiosk) is stopped at the end whatever state it is in.
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    fb = os.path.join(fbdir, "Xvfb_screen0")
    shots = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.1)
            if proc.poll() is not None:
                raise RuntimeError(f"{label}: the kiosk exited ({proc.returncode}): {proc.stderr.read()[-2000:]}")
            if os.path.exists(fb):
                data = open(fb, "rb").read()
                # Up when most of the screen is no longer X's black.
                if len(data) > SIZE[0] * SIZE[1] * 4 and data.count(bytes(4)) < SIZE[0] * SIZE[1] // 2:
                    break
        else:
            raise RuntimeError(f"{label}: no frame within 60 s")
        time.sleep(0.3)  # the first frame is whole
        shots.append(open(fb, "rb").read())
        time.sleep(1.5)
        shots.append(open(fb, "rb").read())
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever of the group is left
        except ProcessLookupError:
            pass
        proc.wait()
        shutil.rmtree(fbdir, ignore_errors=True)
    for i, shot in enumerate(shots):
        with open(os.path.join(out, f"{label}-{i}.xwd"), "wb") as f:
            f.write(shot)
    return shots


def check_calm(kiosk, at, out, fail):
    # A standings page: its red flags wave for 3.2 s after it arrives, so a
    # moving screen changes between the two shots and a calm one must not.
    # (The lobby's paper light moves only when a page is drawn.)
    calm = screenshots(kiosk, at, ["--calm", "--pages", "standings"], out, "calm")
    moving = screenshots(kiosk, at, ["--pages", "standings"], out, "moving")
    diff = lambda s: sum(1 for i in range(0, min(len(s[0]), len(s[1])), 4) if s[0][i:i + 4] != s[1][i:i + 4])
    calm_diff, moving_diff = diff(calm), diff(moving)
    print(f"calm: {calm_diff} px changed in 1.5 s; without --calm: {moving_diff} px")
    if calm != [calm[0]] * 2:
        fail(f"--calm: two screenshots 1.5 s apart differ in {calm_diff} px")
    if moving_diff == 0:
        fail("without --calm the lobby's standings did not change in 1.5 s after they arrived: "
             "the calm check above cannot tell motion from none")


# ---- main ------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--kiosk-test-hooks", required=True)
    ap.add_argument("--at", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    failures = []
    fail = failures.append

    normal = os.path.join(args.out, "dump")
    result = dump(args.kiosk, normal, args.at)
    if result.returncode != 0:
        fail(f"kiosk --dump exited {result.returncode}: {result.stderr[-2000:]}")
    else:
        check_transition(normal, fail)
        check_flags(normal, fail, "flag")

    broken = os.path.join(args.out, "dump-broken-shaders")
    env = dict(os.environ, KIOSK_TEST_BREAK_SHADER="flag,transition,background")
    result = dump(args.kiosk_test_hooks, broken, args.at, env)
    if result.returncode != 0:
        fail(f"kiosk_test_hooks --dump with broken shaders exited {result.returncode}: {result.stderr[-2000:]}")
    else:
        for effect in ("flag", "transition"):
            if f"the fragment shader of '{effect}' does not compile" not in result.stderr:
                fail(f"broken shaders: no log line saying the '{effect}' shader does not compile")
        if os.path.isdir(normal) and sorted(find(broken, r"\d{3}-.*\.png")) and \
                [os.path.basename(p) for p in find(broken, r"\d{3}-.*\.png")] != \
                [os.path.basename(p) for p in find(normal, r"\d{3}-.*\.png")]:
            fail("broken shaders: the dump's pages differ from the normal dump's")
        check_flags(broken, fail, "CPU flag (shader broken)")
        check_transition(broken, fail, hard_cut=True)

    check_calm(args.kiosk, args.at, args.out, fail)

    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
