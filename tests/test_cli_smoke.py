import subprocess
import sys


def test_version_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "netruimte.cli", "version"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()
