#!/usr/bin/env python3
"""The Debian package on a real system (CI's clean Debian 12, as root): it
installs with apt-get (its Depends resolved from the archive), `kiosk
--version` prints the version the package carries, the postinst made the
kiosk user and its directories, `apt-get remove` leaves no program and keeps
the admin's config, `apt-get purge` removes that and the user's directories.

`package_install.py DEB VERSION`: exits 77 (ctest SKIP) with the reason when
not root, when DEB is missing, or when campus-kiosk is already installed here
(a machine's own screen is never purged by a test).
"""

import grp
import os
import pwd
import subprocess
import sys

SKIP = 77
PROGRAMS = ("/usr/bin/kiosk", "/usr/bin/kiosk-feed")
STATE_DIRS = ("/var/cache/campus-kiosk", "/var/lib/campus-kiosk")
CONFIG = "/etc/campus-kiosk/kiosk.json"


def apt(*args):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    return subprocess.run(["apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=300", *args],
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)


def package_status():
    run = subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Abbrev}", "campus-kiosk"], capture_output=True, text=True)
    return run.stdout.strip() if run.returncode == 0 else ""


def main():
    deb, version = os.path.abspath(sys.argv[1]), sys.argv[2]
    if os.geteuid() != 0:
        print("SKIP: installs a package: run as root (CI does)")
        return SKIP
    if not os.path.exists(deb):
        print(f"SKIP: {deb} not built (cmake --build build --target package)")
        return SKIP
    if package_status().startswith(("ii", "rc", "iU", "iF")):
        print(f"SKIP: campus-kiosk is already installed here ({package_status()}): not touching a real screen")
        return SKIP
    problems = []

    def expect(cond, message):
        if not cond:
            problems.append(message)
        return cond

    run = apt("install", "--no-install-recommends", deb)
    if not expect(run.returncode == 0, f"apt-get install {deb}: exit {run.returncode}:\n{run.stdout[-3000:]}{run.stderr}"):
        return report(problems)
    try:
        for path in PROGRAMS:
            expect(os.access(path, os.X_OK), f"installed: no {path}")
        shown = subprocess.run(["/usr/bin/kiosk", "--version"], capture_output=True, text=True, timeout=30)
        expect(shown.returncode == 0 and shown.stdout.strip() == f"kiosk {version}",
               f"kiosk --version: exit {shown.returncode}, {shown.stdout.strip()!r}, expected 'kiosk {version}'")
        expect(os.path.isfile(CONFIG), f"installed: no {CONFIG}")
        try:
            user = pwd.getpwnam("kiosk")
            expect(user.pw_uid < 1000, f"the kiosk user is not a system user: uid {user.pw_uid}")
            for path in STATE_DIRS:
                st = os.stat(path)
                expect(st.st_uid == user.pw_uid, f"{path} is owned by uid {st.st_uid}, not kiosk")
            expect("video" not in [g.gr_name for g in grp.getgrall()] or
                   "kiosk" in grp.getgrnam("video").gr_mem, "the kiosk user is not in the video group")
        except (KeyError, FileNotFoundError) as e:
            expect(False, f"after install: {e}")
        print(f"installed {deb}: {shown.stdout.strip()}; user kiosk; {', '.join(STATE_DIRS)}")

        run = apt("remove", "campus-kiosk")
        expect(run.returncode == 0, f"apt-get remove: exit {run.returncode}:\n{run.stdout[-2000:]}{run.stderr}")
        for path in PROGRAMS:
            expect(not os.path.exists(path), f"apt-get remove left {path}")
        expect(os.path.isfile(CONFIG), f"apt-get remove took {CONFIG} (a conffile stays until purge)")
        expect(package_status().startswith("rc"), f"after remove: dpkg status {package_status()!r}, expected rc")
        print(f"removed: no {', '.join(PROGRAMS)}; {CONFIG} kept")
    finally:
        run = apt("purge", "campus-kiosk")
        expect(run.returncode == 0, f"apt-get purge: exit {run.returncode}:\n{run.stdout[-2000:]}{run.stderr}")
    for path in ("/etc/campus-kiosk", *STATE_DIRS, *PROGRAMS):
        expect(not os.path.exists(path), f"apt-get purge left {path}")
    expect(package_status()[:2] in ("", "un", "pn"), f"after purge: dpkg status {package_status()!r}")
    print("purged: no /etc/campus-kiosk, " + ", ".join(STATE_DIRS))
    return report(problems)


def report(problems):
    for p in problems:
        print("FAIL", p, file=sys.stderr)
    if not problems:
        print("PASS package install, remove, purge")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
