"""The service commands: token create / list / revoke, and serve's refusals of bad input."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest

from netruimte.store import Database
from netruimte.store.tokens import Verifier


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def _cli(monkeypatch, capsys):
    """Run `netruimte ARGS` in this process through its real entry point."""
    from netruimte.cli import main

    def run(*args: str) -> Run:
        monkeypatch.setattr(sys, "argv", ["netruimte", *args])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Run(code, out.out, out.err)

    return run


def test_token_commands(tmp_path, _cli) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    made = _cli("token", "create", "Flex BV", "--db", url, "--label", "test")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("nrt_")
    from netruimte.store.parties import authenticate

    db = Database.connect(url)
    with db.reading() as s:
        assert authenticate(s, Verifier(), token).name == "Flex BV"
    listed = _cli("token", "list", "--db", url)
    assert listed.returncode == 0 and "Flex BV" in listed.stdout
    assert token.split("_")[2] not in listed.stdout  # never the secret
    wrong_role = _cli("token", "create", "Flex BV", "--role", "operator", "--db", url)
    assert wrong_role.returncode == 2 and "role 'bidder'" in wrong_role.stderr
    key_id = token.split("_")[1]
    assert _cli("token", "revoke", key_id, "--db", url).returncode == 0
    assert _cli("token", "revoke", "nope", "--db", url).returncode == 2
    db.dispose()


def test_serve_refuses_bad_input_with_exit_2(tmp_path, _cli) -> None:
    for args, needle in (
        (["--db", "mysql://x/y"], "not supported"),
        (["--db", "sqlite://"], "in-memory"),
        (["--region", str(tmp_path / "missing"), "--db", f"sqlite:///{tmp_path}/s.db"], "missing"),
    ):
        out = _cli("serve", *args)
        assert out.returncode == 2, (args, out.stderr)
        assert needle in out.stderr and "Traceback" not in out.stderr
