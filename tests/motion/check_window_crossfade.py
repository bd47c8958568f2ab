#!/usr/bin/env python3
"""The crossfade as a person at the screen sees it: the real kiosk in a real
window on Xvfb, its screen read from Xvfb's framebuffer file (-fbdir) every
few milliseconds while pages turn.

The kiosk's default under X11 blends a crossfade on the CPU and shows it
through MIT-SHM (kiosk/motion/pixel_sink.hpp); KIOSK_GL_CROSSFADE=1 draws the
same blend with GL. For each way, over two page turns between two pages with
nothing else moving (goals and habit, no flags):

  - the kiosk says which way it blends (its log);
  - frames between the page before and the page after are shown (the fade
    is not a cut), and at least one of them is a real blend: where the two
    pages differ strongly, most pixels lie between them, clear of both;
  - the frames of a turn move towards the new page (each at most as far
    from it as the one before, up to rounding), and the turn ends on a page
    that then stays still;
  - above the page area (the header) no frame shows anything but the page
    before or the page after;
  - quick frames that leave the page area as it was (the header or the
    status mark redrawn) are not a turn, and the page shows nothing else
    in them;
  - on standings pages (page time 6 s), the red flags wave once the page has
    landed: a flag frame changes only the cloths' few per cent of the
    screen, and the wave ends in the rest pose, the landed page pixel for
    pixel (the page under each cloth is put back every frame).

Usage: check_window_crossfade.py --kiosk PATH --at ISO --out DIR
"""
import argparse
import os
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

SIZE = (960, 540)


def xwd_pixels(data):
    """(width, height, bytes_per_line, pixel bytes) of an XWD file as Xvfb writes it (32 bpp)."""
    header_size, _version, _fmt, _depth, width, height = struct.unpack(">6I", data[:24])
    bits_per_pixel = struct.unpack(">I", data[44:48])[0]
    bytes_per_line = struct.unpack(">I", data[48:52])[0]
    ncolors = struct.unpack(">I", data[76:80])[0]
    if bits_per_pixel != 32:
        raise RuntimeError(f"Xvfb's framebuffer is {bits_per_pixel} bits a pixel, not 32")
    start = header_size + ncolors * 12
    return width, height, bytes_per_line, data[start:start + bytes_per_line * height]


def write_png(path, frame):
    """The frame as an RGB PNG, for a person to look at."""
    raw = bytearray()
    for y in range(frame.h):
        row = frame.px[y * frame.stride:y * frame.stride + frame.w * 4]
        raw.append(0)
        for x in range(0, len(row), 4):
            raw += bytes((row[x + 2], row[x + 1], row[x]))  # B, G, R, X in memory
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", frame.w, frame.h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(bytes(raw), 6)) + chunk(b"IEND", b""))


class Frame:
    def __init__(self, t, raw):
        self.t = t
        self.w, self.h, self.stride, self.px = xwd_pixels(raw)

    def rows(self, y0, y1):
        return self.px[y0 * self.stride:y1 * self.stride]


def capture(kiosk, at, out, label, env_extra, seconds=11.0, pages="goals,habit", page_seconds="3"):
    """Distinct frames of the screen over `seconds` once the first frame is up, and the kiosk's log."""
    fbdir = tempfile.mkdtemp(prefix="kiosk-fade-")
    cmd = [XVFB_RUN, "-a", "-s", f"-screen 0 {SIZE[0]}x{SIZE[1]}x24 -fbdir {fbdir}", kiosk, "--windowed",
           "--size", f"{SIZE[0]}x{SIZE[1]}", "--at", at, "--role", "lobby", "--pages", pages,
           "--page-seconds", page_seconds]
    env = dict(os.environ, **env_extra)
    log_path = os.path.join(out, f"{label}.log")
    log = open(log_path, "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    fb = os.path.join(fbdir, "Xvfb_screen0")
    frames = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if proc.poll() is not None:
                raise RuntimeError(f"{label}: the kiosk exited ({proc.returncode}); see {log_path}")
            if os.path.exists(fb):
                data = open(fb, "rb").read()
                if len(data) > SIZE[0] * SIZE[1] * 4 and data.count(bytes(4)) < SIZE[0] * SIZE[1] // 2:
                    break
        else:
            raise RuntimeError(f"{label}: no frame within 60 s")
        end = time.monotonic() + seconds
        last = None
        while time.monotonic() < end:
            data = open(fb, "rb").read()
            if data != last:
                frames.append(Frame(time.monotonic(), data))
                last = data
            time.sleep(0.002)
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=15)
                break
            except subprocess.TimeoutExpired:
                pass
        log.close()
        shutil.rmtree(fbdir, ignore_errors=True)
    return frames, open(log_path, encoding="utf-8", errors="replace").read()


def distance(a, b):
    """Mean absolute difference of two equal byte strings (colour bytes only)."""
    total = 0
    n = 0
    for i in range(0, len(a), 4 * 7):  # every 7th pixel: plenty, and fast in Python
        total += abs(a[i] - b[i]) + abs(a[i + 1] - b[i + 1]) + abs(a[i + 2] - b[i + 2])
        n += 3
    return total / max(1, n)


def blend_share(before, middle, after):
    """Of the pixels where before and after differ by more than 60 in a channel, the share
    whose value lies strictly between them, at least 8 from each."""
    between = strong = 0
    for i in range(0, len(before), 4 * 3):
        for c in range(3):
            a, m, b = before[i + c], middle[i + c], after[i + c]
            if abs(a - b) > 60:
                strong += 1
                if min(a, b) + 8 <= m <= max(a, b) - 8:
                    between += 1
                break
    return (between / strong if strong else 0.0), strong


def turns(frames):
    """Split the frames into turns: runs of frames shown less than 0.25 s apart, with the
    still frame before them and the still frame they end on."""
    found = []
    i = 1
    while i < len(frames):
        if frames[i].t - frames[i - 1].t < 0.25 or (i + 1 < len(frames) and frames[i + 1].t - frames[i].t < 0.25):
            start = i - 1
            j = i
            while j + 1 < len(frames) and frames[j + 1].t - frames[j].t < 0.25:
                j += 1
            found.append((frames[start], frames[start + 1:j], frames[j]))
            i = j + 1
        else:
            i += 1
    return found


def check(label, frames, log, fail, want_log, out):
    if want_log not in log:
        fail(f"{label}: the kiosk did not say '{want_log}'")
    h = frames[0].h
    # The page area: rows between the header and the footer (they stay as they are in a turn).
    y0, y1 = int(h * 0.2), int(h * 0.8)
    seen = []
    for before, middle, after in (t for t in turns(frames) if t[1]):
        b0 = before.rows(y0, y1)
        if distance(b0, after.rows(y0, y1)) < 3:
            # Quick frames that leave the page as it was are not a turn: the header or the
            # footer redrew (the status mark once the first sync has been tried, on a slow
            # machine within a quarter second of the first frame). The page itself must not
            # have flashed anything in between.
            if all(distance(m.rows(y0, y1), b0) < 3 for m in middle):
                print(f"{label}: {len(middle) + 1} quick frame(s) outside the page area: not a turn")
            else:
                fail(f"{label}: the page showed something else for {after.t - before.t:.2f} s and came back")
            continue
        seen.append((before, middle, after))
    if len(seen) < 2:
        fail(f"{label}: {len(seen)} page turn(s) with frames between the pages in {len(frames)} frames; want 2")
        return
    best = 0.0
    for n, (before, middle, after) in enumerate(seen):
        if n == 0:
            write_png(os.path.join(out, f"{label}-before.png"), before)
            write_png(os.path.join(out, f"{label}-middle.png"), middle[len(middle) // 2])
            write_png(os.path.join(out, f"{label}-after.png"), after)
        b0, a0 = before.rows(y0, y1), after.rows(y0, y1)
        gaps = [distance(m.rows(y0, y1), a0) for m in middle]
        for k in range(1, len(gaps)):
            if gaps[k] > gaps[k - 1] + 0.5:
                fail(f"{label}: a frame of the turn moved away from the new page ({gaps[k - 1]:.1f} → {gaps[k]:.1f})")
        for m in middle:
            share, strong = blend_share(b0, m.rows(y0, y1), a0)
            best = max(best, share)
            # Above the page area (the header's band): only the page before or after.
            for band in ((0, int(h * 0.05)),):
                mb = m.rows(*band)
                if mb != before.rows(*band) and mb != after.rows(*band):
                    fail(f"{label}: rows {band} of a fade frame are neither page")
        print(f"{label}: a turn with {len(middle)} frame(s) between the pages over "
              f"{after.t - before.t:.2f} s; distance to the new page {', '.join(f'{g:.1f}' for g in gaps)}")
    if best < 0.5:
        fail(f"{label}: no frame was a blend of the two pages (best share between them {best:.2f}, want ≥ 0.5)")
    else:
        print(f"{label}: best blend frame has {best:.0%} of the strongly differing pixels between the two pages")


def changed_pixels(a, b):
    """How many pixels differ between two frames."""
    count = 0
    for i in range(0, len(a.px), 4):
        if a.px[i:i + 3] != b.px[i:i + 3]:
            count += 1
    return count


def changed_share(a, b, step=16):
    """The share of pixels that differ between two frames, sampled every `step` pixels."""
    differ = total = 0
    for i in range(0, len(a.px), 4 * step):
        total += 1
        if a.px[i:i + 3] != b.px[i:i + 3]:
            differ += 1
    return differ / max(1, total)


def check_waving(label, frames, fail, out):
    """The red flags wave after a standings page lands: frames change only a few per cent
    of the screen (the cloths; the page under them is put back each frame), and the wave
    ends in the rest pose it started from, pixel for pixel."""
    steps = [changed_share(frames[i - 1], frames[i]) for i in range(1, len(frames))]
    waved = missed = 0
    i = 0
    while i < len(steps):
        # A fade step (most of the page area changes), then the run of small changes after it.
        if steps[i] <= 0.05:
            i += 1
            continue
        # The run ends at the next fade step or where the screen stood still (the rest pose).
        # A step whose sample saw no change is still a change (captured frames always
        # differ): a cloth's first few pixels can fall between the samples.
        j = i + 1
        while j < len(steps) and steps[j] <= 0.05 and frames[j + 1].t - frames[j].t < 0.5:
            j += 1
        if j >= len(steps):
            break  # the capture ended in this run: it may be cut short
        run = frames[i + 1:j + 1]
        i = j
        rest = run[-1]
        # The fade's last step is the new page with its cloths at rest; the wave ends in that pose.
        k = next((n for n, f in enumerate(run[:-1]) if f.px == rest.px), None)
        if k is None:
            # The landed frame shows for one flag step (1/15 s): on a loaded machine the
            # capture can miss it. Such a wave proves nothing either way; another must.
            if len(run) >= 8:
                print(f"{label}: a wave of {len(run)} frames whose landed frame was not captured: not judged")
                missed += 1
            continue
        landed, wave = run[k], run[k + 1:]
        if len(wave) < 8:
            continue
        waved += 1
        total = landed.w * landed.h
        most = max(changed_pixels(landed, f) for f in wave[::4])
        if most == 0:
            fail(f"{label}: the flags did not move after the page landed")
        if most > 0.05 * total:
            fail(f"{label}: a flag frame changed {most} pixels ({most / total:.1%} of the screen): more than the cloths")
        print(f"{label}: {len(wave)} flag frames over {rest.t - landed.t:.2f} s after a turn; at most {most} "
              f"pixels ({most / total:.2%}) changed; the wave ends as it began")
        if waved == 1:
            write_png(os.path.join(out, f"{label}-landed.png"), landed)
            write_png(os.path.join(out, f"{label}-wave.png"), wave[len(wave) // 2])
    if waved == 0:
        fail(f"{label}: no standings page's wave could be judged in the capture ({len(frames)} frames, "
             f"{missed} wave(s) whose landed frame was missed)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kiosk", required=True)
    parser.add_argument("--at", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    failures = []

    def fail(message):
        failures.append(message)
        print("FAIL: " + message)

    for label, env, want in (("cpu", {}, "crossfades blended on the CPU, shown through MIT-SHM"),
                             ("gl", {"KIOSK_GL_CROSSFADE": "1"}, "crossfades blended with GL")):
        frames, log = capture(args.kiosk, args.at, args.out, label, env)
        check(label, frames, log, fail, want, args.out)
        frames, log = capture(args.kiosk, args.at, args.out, label + "-flags", env, seconds=20.0,
                              pages="standings", page_seconds="6")
        check_waving(label + "-flags", frames, fail, args.out)
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
