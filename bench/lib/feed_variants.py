#!/usr/bin/env python3
"""feed_variants: publishes a new version of a feed, as a school office would:
new text (with characters the screen has not drawn yet, so its font atlas must
be rebuilt) and new scores.

  feed_variants.py --base FEED.json --version N --out WWW/feed.json
                   [--new-chars K] [--mtime EPOCH]

Version N of the base feed: `version` set to N; one `info` announcement whose
body holds K characters of the GB2312 level-1 set (the 3,755 commonest Han
characters) that the base feed does not use, a different slice for every N;
the latest round's scores moved by half a point (deterministic per N, kept in
[0, max]). The file is written to a temp file, its mtime set, then renamed: a
poll never sees half a file, and nginx's ETag (mtime-size) differs for every
version even when two are published within a second. Without --mtime the
mtime is 1 s past the current file's, or now, whichever is later.

  feed_variants.py --level1-chars
      Prints the GB2312 level-1 set (UTF-8, one line), for other tools.
"""
import argparse
import json
import os
import sys
import time


def gb2312_level1():
    """The GB2312 level-1 Han characters: rows 16-55 (lead bytes 0xB0-0xD7),
    94 cells each (0xA1-0xFE), except row 55, which ends at 0xF9."""
    chars = []
    for lead in range(0xB0, 0xD8):
        last = 0xF9 if lead == 0xD7 else 0xFE
        for trail in range(0xA1, last + 1):
            chars.append(bytes([lead, trail]).decode("gb2312"))
    return chars


def used_chars(node, out):
    if isinstance(node, str):
        out.update(node)
    elif isinstance(node, dict):
        for k, v in node.items():
            out.update(k)
            used_chars(v, out)
    elif isinstance(node, list):
        for v in node:
            used_chars(v, out)
    return out


def variant(base, version, new_chars):
    doc = json.loads(json.dumps(base))
    doc["version"] = version
    if new_chars > 0:
        used = used_chars(base, set())
        pool = [c for c in gb2312_level1() if c not in used]
        start = (version * new_chars) % len(pool)
        picked = "".join(pool[(start + i) % len(pool)] for i in range(new_chars))
        # Lines of 20 characters with punctuation, so line breaking has work too.
        body = "，".join(picked[i:i + 20] for i in range(0, len(picked), 20)) + "。"
        doc.setdefault("announcements", []).append({
            "id": f"bench-notice-{version}",
            "level": "info",
            "title": f"第{version}号通知：" + picked[:8],
            "body": body,
            "targets": ["all"],
        })
    for competition in doc.get("competitions", []):
        if not competition.get("rounds"):
            continue
        maxima = {k["id"]: k["max"] for k in competition["criteria"]}
        latest = competition["rounds"][-1]
        for i, score in enumerate(latest["scores"]):
            for j, (cid, mx) in enumerate(maxima.items()):
                if cid in score and (i + j + version) % 3 == 0:
                    step = 0.5 if (i + version) % 2 else -0.5
                    v = score[cid] + step
                    score[cid] = v if 0 <= v <= mx else score[cid] - step
    return doc


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base")
    p.add_argument("--version", type=int)
    p.add_argument("--out")
    p.add_argument("--new-chars", type=int, default=200)
    p.add_argument("--mtime", type=float, default=None)
    p.add_argument("--level1-chars", action="store_true")
    a = p.parse_args()
    if a.level1_chars:
        print("".join(gb2312_level1()))
        return
    if not (a.base and a.version is not None and a.out):
        p.error("--base, --version and --out are needed")
    with open(a.base, encoding="utf-8") as f:
        base = json.load(f)
    data = json.dumps(variant(base, a.version, a.new_chars), ensure_ascii=False, indent=1).encode("utf-8")
    mtime = a.mtime
    if mtime is None:
        try:
            mtime = max(os.stat(a.out).st_mtime + 1, time.time())
        except FileNotFoundError:
            mtime = time.time()
    tmp = a.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.utime(tmp, (mtime, mtime))
    os.replace(tmp, a.out)
    print(f"feed_variants.py: version {a.version}, {len(data)} bytes -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
