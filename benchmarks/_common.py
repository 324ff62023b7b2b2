"""Helpers shared by the benchmark scripts."""

import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent


def git_revision():
    """Commit of the code measured (with "+changes" when the tree differs from it)."""
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE,
                             capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=HERE, capture_output=True, text=True).stdout.strip()
        return rev + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
