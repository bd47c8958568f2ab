#!/usr/bin/env python3
"""Integration tests of the office's side: `kiosk-feed publish` into a folder a
real nginx serves on 127.0.0.1, a `kiosk-sync` with the office's trusted key
following it (its status file says what a screen shows), and the real
`minisign -V` checking every signature published.

One scenario per ctest test: `publish_tests.py SCENARIO --kiosk-feed … --kiosk-sync …`;
`publish_tests.py --list` prints them and tests/integration/CMakeLists.txt
registers exactly that list (integration.publish.<scenario>).

Workbooks are written here as the office would: a folder of CSV files (the
contract allows it; simplest to edit in a test) and one .xlsx written with
openpyxl, saved the way Excel saves (temp file + rename). The harness (nginx,
kiosk-sync, status polling) is sync_tests.py's, imported, not copied.

[SECTION] harness: workbooks, the served folder, kiosk-feed
[SECTION] publish → nginx → kiosk-sync
[SECTION] nothing changes when it must not
[SECTION] errors that are not the workbook's: disk, folder, key
[SECTION] --watch
[SECTION] preview
"""

import argparse
import csv
import hashlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sync_tests as st  # noqa: E402  (the shared harness)
from sync_tests import Failure, check, log  # noqa: E402

SCENARIOS = {}
SKIP = 77  # ctest SKIP_RETURN_CODE
IS_ROOT = os.geteuid() == 0
FEED_ID = "publish-test-school"


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


class Skip(Exception):
    pass


# ---------------------------------------------------------------------------
# [SECTION] harness: workbooks, the served folder, kiosk-feed

def sheets(hygiene_32=20, notice=None, home_visits=60):
    """The test school's workbook as {sheet name: rows}, per
    shared/workbook-contract.md. `hygiene_32` is 三年级二班's hygiene score in
    week 1 (over 20 is a problem); changing 19 ↔ 18 keeps the feed's size."""
    book = {
        "学校": [["项目", "内容"],
                 ["学校名称", "发布测试小学"],
                 ["发布编号", FEED_ID],
                 ["学期名称", "2026—2027学年第一学期"],
                 ["开学日期", "2026-09-01"],
                 ["结束日期", "2027-01-22"],
                 ["学期主题", "每天提升一点点"]],
        "工作目标": [["类别", "目标", "当前", "目标值", "单位"],
                     ["德育", "家访联系", str(home_visits), "80", "%"],
                     ["教学", "教学质量有新跨越", "", "", ""]],
        "每月习惯": [["月份", "习惯", "说明"],
                     ["2026-12", "学生仪表", "十二月抓学生仪表"]],
        "班级": [["班级", "班主任"],
                 ["三年级一班", "王老师"],
                 ["三年级二班", "李老师"],
                 ["四年级一班", "张老师"]],
        "评比": [["名称", "编号", "每周名额"],
                 ["流动红旗", "red-flag", "1"]],
        "评比项目": [["评比", "项目", "满分"],
                     ["流动红旗", "纪律", "20"],
                     ["流动红旗", "卫生", "20"]],
        "流动红旗": [["2026年秋季学期流动红旗评比表"],
                     ["周次", "班级", "纪律", "卫生"],
                     ["1", "三年级一班", "16", "17"],
                     ["1", "三年级二班", "17", str(hygiene_32)],
                     ["1", "四年级一班", "16", "15"]],
        "活动": [["活动", "日期", "时间", "地点"],
                 ["元旦文艺汇演", "2026-12-31", "14:00", "学校报告厅"]],
    }
    if notice:
        book["通知"] = [["级别", "标题", "内容"], ["通知", notice, "详见班级群。"]]
    return book


def write_csv_book(folder, book):
    """One UTF-8 .csv per sheet, each written as Excel does: temp + rename."""
    os.makedirs(folder, exist_ok=True)
    for name, rows in book.items():
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        tmp = os.path.join(folder, "5F3A9C1B.tmp")
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            f.write(out.getvalue())
        os.replace(tmp, os.path.join(folder, name + ".csv"))
    for stale in set(n[:-4] for n in os.listdir(folder) if n.endswith(".csv")) - set(book):
        os.remove(os.path.join(folder, stale + ".csv"))


def write_xlsx_book(path, book):
    """An .xlsx as Excel saves it: written to a temp name, the old one renamed
    away, the temp renamed in; numbers are number cells."""
    import openpyxl  # Debian's python3-openpyxl (setup.sh)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in book.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append([float(v) if re.fullmatch(r"\d+(\.\d+)?", v) else v for v in row])
    folder = os.path.dirname(path)
    tmp = os.path.join(folder, "A1B2C3D4")
    wb.save(tmp)
    lock = os.path.join(folder, "~$" + os.path.basename(path))
    with open(lock, "wb") as f:
        f.write(b"\x05office")  # Excel's owner file while the book is open
    if os.path.exists(path):
        os.replace(path, os.path.join(folder, "E5F6A7B8.tmp"))
    os.replace(tmp, path)
    for leftover in ("E5F6A7B8.tmp",):
        p = os.path.join(folder, leftover)
        if os.path.exists(p):
            os.remove(p)
    os.remove(lock)


def folder_state(path):
    """Every name under `path` (itself included) with its mode, mtime (ns) and
    sha256: the folder byte for byte, mtimes included."""
    out = {}
    for root, dirs, files in os.walk(path):
        for name in [""] + dirs + files:
            p = os.path.join(root, name) if name else root
            s = os.lstat(p)
            digest = ""
            if os.path.isfile(p) and not os.path.islink(p):
                with open(p, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
            out[os.path.relpath(p, path)] = (s.st_mode, s.st_mtime_ns, s.st_size, digest)
    return out


def temp_leftovers(path):
    return [os.path.join(r, n) for r, _, fs in os.walk(path) for n in fs if n.startswith(".kiosk-feed-")]


class Office:
    """The office's side of one scenario: its workbook, key and kiosk-feed."""

    def __init__(self, env):
        self.env = env
        self.args = env.args
        self.book_dir = os.path.join(env.tmp, "office", "周报")  # a CSV workbook
        self.xlsx = os.path.join(env.tmp, "office-xlsx", "周报.xlsx")
        self.key = os.path.join(env.keys, "office.key")  # empty password (tests/fixtures/minisign/README.md)
        self.pub = os.path.join(env.keys, "office.pub")

    def run(self, *argv, timeout=60):
        proc = subprocess.run([self.args.kiosk_feed, *argv], stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout)
        return proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")

    def publish(self, book=None, to=None, expect=0, extra=()):
        rc, out, err = self.run("publish", book or self.book_dir, "--to", to or self.env.www, "--key", self.key,
                                *extra)
        check(rc == expect, f"kiosk-feed publish exited {rc}, expected {expect}:\n{out}{err}")
        return out + err

    def verify(self, folder=None):
        """The real minisign checks the published pair and its claim."""
        folder = folder or self.env.www
        proc = subprocess.run([self.args.minisign, "-V", "-p", self.pub, "-m", os.path.join(folder, "feed.json")],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True)
        check(proc.returncode == 0, f"minisign -V refused the published feed: {proc.stdout}{proc.stderr}")
        m = re.search(r"Trusted comment: (.*)", proc.stdout)
        check(m, f"minisign printed no trusted comment: {proc.stdout}")
        return m.group(1).strip()


class Follower(st.Follower):
    """sync_tests' kiosk-sync follower, its waits stretched in sanitizer builds
    (KIOSK_TEST_TIME_SCALE, see sync_tests.py)."""

    def wait_status(self, predicate, timeout, what):
        return super().wait_status(predicate, timeout * st.TIME_SCALE, what)


def published_version(env):
    import json
    with open(os.path.join(env.www, "feed.json"), encoding="utf-8") as f:
        return json.load(f)["version"]


def served(env):
    server = st.Nginx(env)
    server.start()
    return server


def head(url):
    """ETag and Last-Modified, as nginx sends them now."""
    with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=5) as r:
        return r.headers.get("ETag"), r.headers.get("Last-Modified")


# ---------------------------------------------------------------------------
# [SECTION] publish → nginx → kiosk-sync

@scenario
def publish_followed_by_a_screen(env):
    office = Office(env)
    write_csv_book(office.book_dir, sheets())
    server = served(env)
    out = office.publish()
    log("kiosk-feed publish:\n" + out.rstrip())
    check("第 1 版" in out, f"the version is said: {out}")
    check("流动红旗：三年级二班" in out, f"the week's flag holder is said by name: {out}")
    check(office.verify() == f"feed_id={FEED_ID} version=1", "trusted comment")
    follower = Follower(env, server.url(), poll=1, keys=[env.key("office")])
    try:
        status = follower.wait_status(lambda s: s["feed_version"] == 1, 10, "version 1 on the screen")
        check(status["feed_id"] == FEED_ID and status["last_error"] is None, status)
        # A notice added in the workbook: said, published, shown.
        write_csv_book(office.book_dir, sheets(notice="期末考试安排"))
        out = office.publish()
        check("新通知：期末考试安排" in out, f"the new notice is said: {out}")
        check("第 2 版（上一版：第 1 版）" in out, out)
        follower.wait_status(lambda s: s["feed_version"] == 2, 5, "version 2 on the screen")
        check(office.verify() == f"feed_id={FEED_ID} version=2", "trusted comment of version 2")
        # A goal's progress moved.
        write_csv_book(office.book_dir, sheets(notice="期末考试安排", home_visits=75))
        out = office.publish()
        check("家访联系：60% → 75%" in out, f"the goal's move is said: {out}")
        follower.wait_status(lambda s: s["feed_version"] == 3, 5, "version 3 on the screen")
    finally:
        follower.stop()
    history = sorted(os.listdir(os.path.join(env.www, "history")))
    check(history == [f"feed-{v}.json{s}" for v in (1, 2, 3) for s in ("", ".minisig")], history)


@scenario
def publish_xlsx_workbook(env):
    office = Office(env)
    os.makedirs(os.path.dirname(office.xlsx))
    write_xlsx_book(office.xlsx, sheets())
    out = office.publish(book=office.xlsx)
    check("周报.xlsx" in out and "第 1 版" in out, out)
    check(office.verify() == f"feed_id={FEED_ID} version=1", "trusted comment")
    proc = subprocess.run([office.args.kiosk_feed, "validate", os.path.join(env.www, "feed.json")],
                          capture_output=True, text=True)
    check(proc.returncode == 0, f"the published feed fails validate: {proc.stdout}{proc.stderr}")
    out = office.publish(book=office.xlsx)  # the same workbook again
    check("相同" in out, f"an unchanged .xlsx publishes nothing: {out}")


@scenario
def republish_within_one_second_shows_within_one_poll(env):
    """Two publishes in the same wall-clock second, at the same size: nginx's
    ETag (mtime-size) and Last-Modified must still change, so a screen that
    holds the first one's validators gets the second at its next poll."""
    office = Office(env)
    write_csv_book(office.book_dir, sheets(hygiene_32=19))
    server = served(env)
    office.publish()
    poll = 2
    follower = Follower(env, server.url(), poll=poll, keys=[env.key("office")])
    try:
        follower.wait_status(lambda s: s["feed_version"] == 1, 10, "version 1")
        for attempt in range(5):
            base = published_version(env)
            size_before = os.path.getsize(os.path.join(env.www, "feed.json"))
            # Wait for the start of a second, so both publishes fit in it.
            time.sleep(1 - time.time() % 1 + 0.02)
            second = int(time.time())
            write_csv_book(office.book_dir, sheets(hygiene_32=18 if attempt % 2 == 0 else 19))
            office.publish()
            first_validators = head(server.url())
            write_csv_book(office.book_dir, sheets(hygiene_32=19 if attempt % 2 == 0 else 18))
            office.publish()
            published = time.monotonic()
            if int(time.time()) != second:
                log(f"attempt {attempt}: the two publishes crossed a second; again")
                continue
            second_validators = head(server.url())
            check(os.path.getsize(os.path.join(env.www, "feed.json")) == size_before, "sizes differ: test is moot")
            check(published_version(env) == base + 2, "two versions published")
            check(first_validators[0] != second_validators[0],
                  f"same ETag for two versions published in one second: {first_validators} {second_validators}")
            check(first_validators[1] != second_validators[1], f"same Last-Modified: {first_validators} {second_validators}")
            log(f"one second, two versions: {first_validators} → {second_validators}")
            want = base + 2
            follower.wait_status(lambda s: s["feed_version"] == want, poll * 1.1 + 2, f"version {want} within one poll")
            log(f"version {want} shown {time.monotonic() - published:.2f} s after publishing (poll {poll} s)")
            return
        raise Failure("could not fit two publishes into one second in 5 attempts")
    finally:
        follower.stop()


# ---------------------------------------------------------------------------
# [SECTION] nothing changes when it must not

@scenario
def bad_workbook_changes_nothing(env):
    office = Office(env)
    write_csv_book(office.book_dir, sheets())
    server = served(env)
    office.publish()
    follower = Follower(env, server.url(), poll=1, keys=[env.key("office")])
    try:
        follower.wait_status(lambda s: s["feed_version"] == 1, 10, "version 1")
        before = folder_state(env.www)
        write_csv_book(office.book_dir, sheets(hygiene_32=23))  # over the maximum 20
        out = office.publish(expect=1)
        log("kiosk-feed publish of a bad workbook:\n" + out.rstrip())
        lines = [l for l in out.splitlines() if re.match(r"^周报: 流动红旗!D\d+: ", l)]
        check(lines, f"expected a 'FILE: SHEET!CELL: message' line at the hygiene cell: {out}")
        check("23" in lines[0] and "20" in lines[0], lines)
        check(folder_state(env.www) == before, "the served folder changed after a bad workbook")
        # Same content: nothing is written either.
        write_csv_book(office.book_dir, sheets())
        out = office.publish()
        check("相同" in out and "没有发布" in out, out)
        check(folder_state(env.www) == before, "the served folder changed for an unchanged workbook")
        # A dry run of a real change: said, not written.
        write_csv_book(office.book_dir, sheets(home_visits=70))
        out = office.publish(extra=["--dry-run"])
        check("试运行" in out and "家访联系：60% → 70%" in out, out)
        check(folder_state(env.www) == before, "a dry run wrote")
        time.sleep(2.5)  # two polls: the screen still shows version 1, from the network
        status = env.status_json()
        st.expect_shown(status, 1, "network")
        check(status["last_error"] is None, status)
    finally:
        follower.stop()


@scenario
def another_schools_folder_refused(env):
    office = Office(env)
    write_csv_book(office.book_dir, sheets())
    with open(os.path.join(env.www, "feed.json"), "wb") as f:
        f.write(env.feed_bytes(7))  # sync-test-school's feed
    before = folder_state(env.www)
    out = office.publish(expect=3)
    check("sync-test-school" in out and FEED_ID in out and "发布编号" in out, out)
    check(folder_state(env.www) == before, "the folder changed")


# ---------------------------------------------------------------------------
# [SECTION] errors that are not the workbook's: disk, folder, key

def mount_tmpfs(path, size):
    if not IS_ROOT:
        raise Skip("mounting a tmpfs needs root (CI runs as root); not root here")
    os.makedirs(path, exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", path],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise Skip(f"cannot mount a tmpfs (no CAP_SYS_ADMIN in this container?): {proc.stderr.strip()}")


def fill(path, leave=0):
    """Fills the file system of `path` with a file of zeros, leaving about `leave` bytes."""
    with open(path, "wb", buffering=0) as f:
        try:
            while shutil.disk_usage(os.path.dirname(path)).free > leave:
                f.write(b"\0" * 4096)
        except OSError as e:
            check(e.errno == 28, f"filling {path}: {e}")


@scenario
def full_disk_changes_nothing(env):
    office = Office(env)
    write_csv_book(office.book_dir, sheets())
    www = os.path.join(env.tmp, "small")
    mount_tmpfs(www, "256k")
    try:
        env.www = www
        server = served(env)
        office.publish(to=www)
        follower = Follower(env, server.url(), poll=1, keys=[env.key("office")])
        try:
            follower.wait_status(lambda s: s["feed_version"] == 1, 10, "version 1")
            filler = os.path.join(www, "filler.bin")
            body = os.path.getsize(os.path.join(www, "feed.json"))
            fill(filler, leave=body // 2)  # room for less than one copy of the next version
            before = folder_state(www)
            write_csv_book(office.book_dir, sheets(notice="放寒假"))
            out = office.publish(to=www, expect=3)
            log("kiosk-feed publish on a full disk:\n" + out.rstrip())
            check("磁盘已满" in out, f"the full disk is said: {out}")
            check(www in out, f"the folder is named: {out}")
            check(not temp_leftovers(www), f"temp files left: {temp_leftovers(www)}")
            after = folder_state(www)
            for name in set(before) | set(after):  # files byte for byte; folders' own mtimes may move
                b, a = before.get(name), after.get(name)
                check(b and a and (b[0], b[2], b[3]) == (a[0], a[2], a[3]) and
                      (os.path.isdir(os.path.join(www, name)) or b[1] == a[1]), f"{name}: {b} → {a}")
            office.verify(www)
            time.sleep(1.5)
            st.expect_shown(env.status_json(), 1, "network")
            # Space again: the same workbook publishes.
            os.remove(filler)
            out = office.publish(to=www)
            follower.wait_status(lambda s: s["feed_version"] == 2, 5, "version 2 once there is room")
        finally:
            follower.stop()
            server.stop()
    finally:
        subprocess.run(["umount", "-l", www], check=False)


@scenario
def read_only_or_missing_folder(env):
    office = Office(env)
    write_csv_book(office.book_dir, sheets())
    out = office.publish(to=os.path.join(env.tmp, "no-such-folder"), expect=3)
    check("不存在" in out and "no-such-folder" in out, out)
    check(not os.path.exists(os.path.join(env.tmp, "no-such-folder")), "the missing folder was made")
    if not IS_ROOT:
        raise Skip("the read-only half needs a read-only mount (root)")
    www = os.path.join(env.tmp, "ro")
    mount_tmpfs(www, "1m")
    try:
        office.publish(to=www)
        subprocess.run(["mount", "-o", "remount,ro", www], check=True)
        before = folder_state(www)
        write_csv_book(office.book_dir, sheets(notice="只读测试"))
        out = office.publish(to=www, expect=3)
        check("只读" in out and www in out, out)
        check(folder_state(www) == before, "a read-only folder changed?")
    finally:
        subprocess.run(["umount", "-l", www], check=False)


@scenario
def bad_key_changes_nothing(env):
    office = Office(env)
    write_csv_book(office.book_dir, sheets())
    office.publish()
    before = folder_state(env.www)
    write_csv_book(office.book_dir, sheets(notice="换钥匙"))
    for key in (os.path.join(env.tmp, "missing.key"), office.pub):  # absent; a public key is no secret key
        rc, out, err = office.run("publish", office.book_dir, "--to", env.www, "--key", key)
        check(rc == 3, f"exit {rc} with key {key}: {out}{err}")
        check(key in out + err, f"the key file is named: {out}{err}")
        check(folder_state(env.www) == before, f"the folder changed with a bad key {key}")
    # The office's key encrypted with a password: the wrong one is refused,
    # saying so, and nothing is written; the right one publishes.
    encrypted = os.path.join(env.tmp, "encrypted.key")
    with open(encrypted, "w", encoding="ascii") as f:
        f.write(encrypt_minisign_key(office.key, "正确的密码"))
    wrong = os.path.join(env.tmp, "wrong-password")
    with open(wrong, "w", encoding="utf-8") as f:
        f.write("错误的密码\n")
    rc, out, err = office.run("publish", office.book_dir, "--to", env.www, "--key", encrypted, "--password-file", wrong)
    check(rc == 3, f"exit {rc} with the wrong password: {out}{err}")
    check("password" in (out + err).lower() or "密码" in out + err, f"the wrong password is said: {out}{err}")
    check(folder_state(env.www) == before, "the folder changed with a wrong password")
    right = os.path.join(env.tmp, "right-password")
    with open(right, "w", encoding="utf-8") as f:
        f.write("正确的密码\r\n")  # as Notepad saves it
    rc, out, err = office.run("publish", office.book_dir, "--to", env.www, "--key", encrypted, "--password-file", right)
    check(rc == 0, f"exit {rc} with the right password: {out}{err}")
    check(office.verify() == f"feed_id={FEED_ID} version=2", "signed with the decrypted key")


def encrypt_minisign_key(unencrypted_key_path, password):
    """minisign's encrypted secret key file ("Sc": scrypt, as `minisign -G`
    writes it) for the key of an unencrypted one (`minisign -G -W`), with the
    smallest scrypt cost libsodium allows, so a test does not spend 1 GiB.
    Layout: "Ed" "Sc" "B2" salt(32) opslimit(8) memlimit(8), then key id (8),
    secret key (64) and BLAKE2b-256 checksum (32), XORed with the scrypt stream."""
    import base64
    with open(unencrypted_key_path, encoding="ascii") as f:
        raw = base64.b64decode(f.read().splitlines()[1])
    check(raw[:6] == b"Ed\0\0B2" and len(raw) == 158, "the fixture key is not an unencrypted minisign key")
    keynum, secret = raw[54:62], raw[62:126]
    checksum = hashlib.blake2b(b"Ed" + keynum + secret, digest_size=32).digest()
    opslimit, memlimit = 1 << 20, 1 << 24
    # libsodium's pickparams() for these limits: r = 8, N = 2^14, p = 2.
    salt = os.urandom(32)
    stream = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=1 << 14, r=8, p=2, maxmem=64 << 20, dklen=104)
    body = bytes(a ^ b for a, b in zip(keynum + secret + checksum, stream))
    data = (b"EdScB2" + salt + opslimit.to_bytes(8, "little") + memlimit.to_bytes(8, "little") + body)
    return "untrusted comment: minisign encrypted secret key\n" + base64.b64encode(data).decode() + "\n"


# ---------------------------------------------------------------------------
# [SECTION] --watch

class Watcher:
    """`kiosk-feed publish --watch` in the background. `journal`: its stderr
    is a pipe whose device:inode is in JOURNAL_STREAM, as under systemd."""

    def __init__(self, office, book, journal=False):
        environ = dict(os.environ)
        environ.pop("JOURNAL_STREAM", None)
        read_end, write_end = os.pipe()
        if journal:
            s = os.fstat(write_end)
            environ["JOURNAL_STREAM"] = f"{s.st_dev}:{s.st_ino}"
        self.proc = subprocess.Popen([office.args.kiosk_feed, "publish", book, "--to", office.env.www, "--key",
                                      office.key, "--watch"],
                                     stdin=subprocess.DEVNULL, stdout=write_end, stderr=write_end, env=environ)
        os.close(write_end)
        self.proc.stdout = os.fdopen(read_end, "rb")
        self.lines = []
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.proc.stdout:
            with self.lock:
                self.lines.append(raw.decode(errors="replace").rstrip("\n"))

    def text(self):
        with self.lock:
            return "\n".join(self.lines)

    def wait_for(self, pattern, timeout):
        timeout *= st.TIME_SCALE
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.text()):
                return
            check(self.proc.poll() is None, f"--watch exited with {self.proc.returncode}:\n{self.text()}")
            time.sleep(0.05)
        raise Failure(f"{pattern!r} not logged within {timeout} s:\n{self.text()}")

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise Failure("kiosk-feed --watch did not stop within 5 s of SIGTERM")
        return self.proc.returncode


@scenario
def watch_publishes_each_save(env):
    office = Office(env)
    os.makedirs(os.path.dirname(office.xlsx))
    write_xlsx_book(office.xlsx, sheets())
    server = served(env)
    watcher = Watcher(office, office.xlsx)
    follower = None
    try:
        watcher.wait_for(r"第 1 版", 20)  # the saved workbook goes out at start
        follower = Follower(env, server.url(), poll=1, keys=[env.key("office")])
        follower.wait_status(lambda s: s["feed_version"] == 1, 10, "version 1")
        # Saved in Excel: temp file, rename; the lock file comes and goes.
        write_xlsx_book(office.xlsx, sheets(notice="冬季作息时间"))
        saved = time.monotonic()
        follower.wait_status(lambda s: s["feed_version"] == 2, 8, "version 2 after the save")
        log(f"a save shown {time.monotonic() - saved:.2f} s later (1.5 s quiet + poll 1 s)")
        check(re.search(r"新通知：冬季作息时间", watcher.text()), watcher.text())
        office.verify()
        # A save that does not build: reported with a time stamp, nothing changes.
        before = folder_state(env.www)
        write_xlsx_book(office.xlsx, sheets(notice="冬季作息时间", hygiene_32=23))
        watcher.wait_for(r"\d\d:\d\d:\d\d 周报\.xlsx: 流动红旗!D\d+: ", 10)
        watcher.wait_for(r"没有发布", 5)
        check(folder_state(env.www) == before, "a bad save changed the served folder")
        st.expect_shown(env.status_json(), 2)
        # Fixed and saved again: published.
        write_xlsx_book(office.xlsx, sheets(notice="冬季作息时间", home_visits=66))
        follower.wait_status(lambda s: s["feed_version"] == 3, 8, "version 3 after the fix")
    finally:
        if follower:
            follower.stop()
        rc = watcher.stop()
    check(rc == 0, f"--watch ended with {rc} on SIGTERM:\n{watcher.text()}")
    check("不再监视" in watcher.text(), watcher.text())
    log("--watch log:\n" + watcher.text())


@scenario
def watch_csv_folder(env):
    office = Office(env)
    write_csv_book(office.book_dir, sheets())
    watcher = Watcher(office, office.book_dir, journal=True)
    try:
        watcher.wait_for(r"第 1 版", 20)
        # Under the journal: a priority on every line, no time stamp of our own.
        first = watcher.text().splitlines()
        check(first and all(re.match(r"^<[346]>", l) for l in first), f"journal lines without a priority: {first}")
        check(first[0].startswith("<6>开始监视 "), first)
        # WPS's temp file and Excel's lock file alone are no save.
        for junk in (".~流动红旗.csv", "~$流动红旗.csv"):
            with open(os.path.join(office.book_dir, junk), "w") as f:
                f.write("x")
        time.sleep(2.5)
        check("已保存" not in watcher.text(), f"a lock or temp file was taken for a save:\n{watcher.text()}")
        for junk in (".~流动红旗.csv", "~$流动红旗.csv"):
            os.remove(os.path.join(office.book_dir, junk))
        write_csv_book(office.book_dir, sheets(home_visits=61))
        watcher.wait_for(r"第 2 版", 8)
        check(published_version(env) == 2, "version 2 in the folder")
        # A sheet that does not build: its problem at priority err (<3>).
        write_csv_book(office.book_dir, sheets(home_visits=61, hygiene_32=23))
        watcher.wait_for(r"(?m)^<3>周报: 流动红旗!D\d+: ", 8)
    finally:
        rc = watcher.stop(signal.SIGINT)  # Ctrl-C in a terminal ends it as cleanly as SIGTERM
    check(rc == 0, f"--watch ended with {rc} on SIGINT")
    check("不再监视" in watcher.text(), watcher.text())


# ---------------------------------------------------------------------------
# [SECTION] preview

@scenario
def preview_draws_the_lobby(env):
    office = Office(env)
    write_csv_book(office.book_dir, sheets())
    missing = os.path.join(env.tmp, "no-kiosk")
    rc, out, err = office.run("preview", office.book_dir, "--at", "2026-12-07T08:00:00+08:00", "-o",
                              os.path.join(env.tmp, "pages"), "--kiosk", missing)
    check(rc == 3 and "kiosk" in err and missing in err, f"a missing kiosk is said: {rc} {out}{err}")
    if not office.args.kiosk or not office.args.xvfb_run:
        raise Skip("the kiosk or xvfb-run is not built/installed here")
    pages = os.path.join(env.tmp, "pages")
    environ = dict(os.environ)
    environ.pop("DISPLAY", None)
    environ["PATH"] = os.path.dirname(office.args.xvfb_run) + os.pathsep + environ.get("PATH", "")
    proc = subprocess.run([office.args.kiosk_feed, "preview", office.book_dir, "--at", "2026-12-07T08:00:00+08:00",
                           "-o", pages, "--kiosk", office.args.kiosk], capture_output=True, text=True, timeout=120,
                          env=environ, stdin=subprocess.DEVNULL)
    check(proc.returncode == 0, f"preview failed ({proc.returncode}): {proc.stdout}{proc.stderr[-3000:]}")
    pngs = sorted(n for n in os.listdir(pages) if n.endswith(".png"))
    check(len(pngs) >= 3, f"expected the lobby's pages, got {pngs}")
    for n in pngs:
        with open(os.path.join(pages, n), "rb") as f:
            check(f.read(8) == b"\x89PNG\r\n\x1a\n", f"{n} is not a PNG")
    reports = [n for n in os.listdir(pages) if n.endswith(".json")]
    text = "".join(open(os.path.join(pages, n), encoding="utf-8").read() for n in reports)
    check("发布测试小学" in text, "the workbook's school is not on the pages")
    check("三年级二班" in text, "the week's flag holder is not on the pages")
    check(not os.path.exists(os.path.join(env.www, "feed.json")), "a preview published")
    log(f"preview: {len(pngs)} pages: {pngs}")


# ---------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--kiosk-feed")
    parser.add_argument("--kiosk-sync")
    parser.add_argument("--kiosk")
    parser.add_argument("--xvfb-run")
    parser.add_argument("--nginx", default="/usr/sbin/nginx")
    parser.add_argument("--minisign", default="/usr/bin/minisign")
    parser.add_argument("--fixtures")
    args = parser.parse_args()
    if args.list:
        print(";".join(SCENARIOS))
        return 0
    if args.scenario not in SCENARIOS:
        parser.error(f"unknown scenario {args.scenario!r}; known: {', '.join(SCENARIOS)}")
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        os.environ.pop(var, None)
    env = st.Env(args)
    os.chmod(env.tmp, 0o755)  # nginx's worker may run as another user
    try:
        SCENARIOS[args.scenario](env)
    except Skip as e:
        print(f"SKIP {args.scenario}: {e}", flush=True)
        env.cleanup()
        return SKIP
    except Failure as e:
        print(f"FAIL {args.scenario}: {e}", file=sys.stderr, flush=True)
        print(f"(kept {env.tmp} for inspection)", file=sys.stderr)
        env.nginx and env.nginx.stop()
        return 1
    env.cleanup()
    print(f"PASS {args.scenario}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
