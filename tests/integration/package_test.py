#!/usr/bin/env python3
"""The Debian package (cmake/packaging.cmake): what `cmake --build build
--target package` made holds the programs, the system unit, the config as a
conffile and the docs; Depends carries dpkg-shlibdeps' libraries and the
run-time pieces; the maintainer scripts are shell that parses.

`package_test.py DEB`: exits 77 (ctest SKIP) when DEB has not been built, since
building it is the package target's job (it builds the whole tree first).
"""

import shutil
import subprocess
import sys

SKIP = 77


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def lintian_errors(deb):
    """Lintian's errors (E:), when lintian is installed; its warnings are printed, not failed."""
    if not shutil.which("lintian"):
        print("lintian not installed: its check skipped (apt install lintian)")
        return []
    run = subprocess.run(["lintian", "--tag-display-limit", "0", deb], capture_output=True, text=True)
    lines = [line for line in (run.stdout + run.stderr).splitlines() if line.strip()]
    lines = [line for line in lines if "running with root privileges" not in line]  # CI is root
    errors = [line for line in lines if line.startswith("E:")]
    print(f"lintian: {len(errors)} errors, {len(lines) - len(errors)} other lines")
    for line in lines:
        if not line.startswith("E:"):
            print("  " + line)
    return [f"lintian: {line}" for line in errors]


def main():
    deb = sys.argv[1]
    try:
        open(deb, "rb").close()
    except OSError:
        print(f"SKIP: {deb} not built (cmake --build build --target package)")
        return SKIP
    problems = []
    files = {line.split()[-1].lstrip(".") for line in run("dpkg-deb", "-c", deb).splitlines()}
    for path in ("/usr/bin/kiosk", "/usr/bin/kiosk-feed", "/lib/systemd/system/campus-kiosk.service",
                 "/etc/campus-kiosk/kiosk.json", "/usr/share/doc/campus-kiosk/README.md",
                 "/usr/share/doc/campus-kiosk/monitoring.md", "/usr/share/doc/campus-kiosk/deploy.md",
                 "/usr/share/doc/campus-kiosk/prometheus/prometheus.yml",
                 "/usr/share/doc/campus-kiosk/prometheus/campus-kiosk.rules.yml",
                 "/usr/share/doc/campus-kiosk/copyright", "/usr/share/doc/campus-kiosk/changelog.gz",
                 "/usr/libexec/campus-kiosk/xserver"):
        if path not in files:
            problems.append(f"{deb}: no {path}")
    depends = run("dpkg-deb", "-f", deb, "Depends")
    # libxext6: the dpms power backend (DPMSForceLevel), found by dpkg-shlibdeps.
    for dep in ("libcurl", "libsodium", "libglfw", "libxext6", "fonts-noto-cjk", "tzdata", "xinit",
                "xserver-xorg-core", "xserver-xorg-legacy"):
        if dep not in depends:
            problems.append(f"{deb}: Depends has no {dep}: {depends.strip()}")
    if run("dpkg-deb", "-I", deb, "conffiles").split() != ["/etc/campus-kiosk/kiosk.json"]:
        problems.append(f"{deb}: conffiles is not /etc/campus-kiosk/kiosk.json")
    for script in ("postinst", "prerm", "postrm"):
        text = run("dpkg-deb", "-I", deb, script)
        check = subprocess.run(["sh", "-n"], input=text, capture_output=True, text=True)
        if check.returncode != 0:
            problems.append(f"{deb}: {script} does not parse: {check.stderr.strip()}")
        if script == "postinst" and "adduser --system" not in text:
            problems.append(f"{deb}: postinst does not make the kiosk user")
    if "-dev" in depends:
        problems.append(f"{deb}: Depends names a -dev package: {depends.strip()}")
    problems += lintian_errors(deb)
    for p in problems:
        print("FAIL", p, file=sys.stderr)
    if not problems:
        print(f"PASS {deb}: {len(files)} entries; Depends: {depends.strip()}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
