# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shared test set-up: the checkout on sys.path, FreeCAD's package folder, the real FreeCAD."""

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"
sys.path.insert(0, str(REPO))

from freecad.makistry_wb import runtime  # noqa: E402

runtime.add_dependency_paths()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"{SAMPLES} is absent: the real sample drawings are only in CI and the "
                    "developers' checkouts (see shared/samples/README.md)")
    return SAMPLES


@pytest.fixture(scope="session")
def App():
    """The real FreeCAD (never skipped: every machine that runs the tests has it)."""
    return runtime.import_freecad()


@pytest.fixture
def doc(App):
    document = App.newDocument("test")
    yield document
    App.closeDocument(document.Name)


def freecad_python() -> str:
    """The Python that runs the CLI in tests (the one running the tests: FreeCAD's)."""
    return sys.executable


def cli_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env
