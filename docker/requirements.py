"""Print the runtime requirements of pyproject.toml, one per line (a pip requirements file).

The Dockerfile installs these in a layer of their own, before the code is copied, so that a code
change does not reinstall every dependency; tests/test_install.py runs the same steps in a venv.

    python docker/requirements.py [pyproject.toml] > requirements.txt
"""

import sys
import tomllib
from pathlib import Path


def requirements(pyproject: Path) -> list[str]:
    """``[project] dependencies`` of ``pyproject`` (environment markers kept)."""
    with pyproject.open("rb") as file:
        return list(tomllib.load(file)["project"]["dependencies"])


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "pyproject.toml"
    print("\n".join(requirements(path)))
