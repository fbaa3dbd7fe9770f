"""Shared fixtures of the Python suite. CTest runs it with PYTHONPATH at the
built module (build/python) and ECHOLAB_BINARY at the built executable."""

import os
import pathlib

import pytest

SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def source_dir():
    return SOURCE_DIR


@pytest.fixture(scope="session")
def echolab_binary():
    binary = os.environ.get("ECHOLAB_BINARY")
    if not binary:
        pytest.fail("ECHOLAB_BINARY must name the built echolab executable")
    return binary
