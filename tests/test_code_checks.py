"""The code checks CI runs with the tests: mypy (configured in pyproject.toml, on workflows/,
activities/ and models/) and ruff (lint and format) report nothing."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(found).exists():
        pytest.fail(f"{name} not found: install the test dependencies (README, command 2)")
    return found


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_mypy_finds_no_type_errors_in_workflows_activities_and_models():
    result = _run(_tool("mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_lint_and_format_are_clean():
    lint = _run(_tool("ruff"), "check", ".")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    formatted = _run(_tool("ruff"), "format", "--check", ".")
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
