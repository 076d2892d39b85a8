#!/usr/bin/env python3
"""GridBee's two commands, on a machine with nothing but Python 3.11+ and git:

    python3 run.py up     set up .venv from the locked requirements, serve the demo city
                          (`gridbee up --demo`: made only in an empty database)
    python3 run.py test   set up .venv with the test tools, run the whole test suite

Any further arguments go to `gridbee up` or to pytest. Other `gridbee` commands:
    python3 run.py gridbee import-grids FILE
"""

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
CHROMIUM = "/usr/bin/chromium"


def say(message: str) -> None:
    print(f"[run.py] {message}", flush=True)


def installed_stamp(lock: str) -> Path:
    """The file saying .venv holds exactly this lock and pyproject.toml."""
    files = [ROOT / "requirements" / lock, ROOT / "pyproject.toml"]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:16]
    return VENV / f".installed-{lock}-{digest}"


def ensure_venv(lock: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py may be started by any python3
        sys.exit("GridBee needs Python 3.11 or newer.")
    stamp = installed_stamp(lock)
    if stamp.exists():
        return
    if not (BIN / "python").exists():
        say("creating .venv")
        venv.create(VENV, with_pip=True)
    say(f"installing locked requirements ({lock}); the first time takes a minute")
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--require-hashes", "-r", str(ROOT / "requirements" / lock)], check=True)
    subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True)
    for old in VENV.glob(f".installed-{lock}-*"):
        old.unlink()
    stamp.touch()


def ensure_chromium() -> None:
    """Browser tests drive Debian's Chromium; Playwright's own download cannot work offline."""
    if shutil.which("chromium") or Path(CHROMIUM).exists():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing Debian's chromium for the browser tests")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
    else:
        say("chromium not found: browser tests will be skipped (apt-get install chromium)")


def main() -> None:
    command, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("help", [])
    os.chdir(ROOT)
    if command == "up":
        ensure_venv("base.lock")
        # The demo city (public passwords) only here; `gridbee up` alone makes no accounts.
        os.execv(BIN / "gridbee", [str(BIN / "gridbee"), "up", "--demo", *args])
    elif command == "test":
        ensure_venv("dev.lock")
        ensure_chromium()
        pytest = [
            str(BIN / "python"),
            "-m",
            "pytest",
            "-n",
            os.environ.get("GRIDBEE_TEST_WORKERS", "auto"),
        ]
        os.execv(pytest[0], [*pytest, *args])
    elif command == "gridbee":
        ensure_venv("base.lock")
        os.execv(BIN / "gridbee", [str(BIN / "gridbee"), *args])
    else:
        print(__doc__)
        sys.exit(0 if command in {"help", "-h", "--help"} else 2)


if __name__ == "__main__":
    main()
