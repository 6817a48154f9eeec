"""`netruimte run` as a user runs it: a subprocess on the default region."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_run_default_region(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "netruimte", "run", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "admitted requests / MW" in proc.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["region"].startswith("Polderland")
    assert (out / "report.html").stat().st_size > 1_000_000  # plotly.js is inlined
