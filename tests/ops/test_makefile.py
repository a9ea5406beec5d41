"""`make run` serves the app with the runtime requirements only; the checks and
the tests install the test toolchain on top (two stamp files, two installs)."""

import shutil
import subprocess

import pytest

from casetracker.settings import BASE_DIR

pytestmark = pytest.mark.skipif(not shutil.which("make"), reason="needs make")


def dry_run(tmp_path, target: str) -> str:
    """The commands `make TARGET` would run from a fresh clone (nothing is executed)."""
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt"):
        shutil.copy(BASE_DIR / name, tmp_path / name)
    result = subprocess.run(  # noqa: S603
        ["make", "-n", target],  # noqa: S607
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return result.stdout


def test_make_run_installs_only_the_runtime_requirements(tmp_path):
    commands = dry_run(tmp_path, "run")

    assert "-r requirements.txt" in commands
    assert "requirements-dev.txt" not in commands
    assert "runserver" in commands


@pytest.mark.parametrize("target", ["test", "lint", "security"])
def test_the_checks_install_the_test_toolchain(tmp_path, target):
    commands = dry_run(tmp_path, target)

    assert "-r requirements-dev.txt" in commands
