# cffi_modules has no pyproject.toml key, so this file exists to name the builder
# and the parallel build_ext (both in csrc/build.py, which says what the build does).
import importlib.util
import os

from setuptools import setup

_spec = importlib.util.spec_from_file_location(
    "pyautograd_build", os.path.join(os.path.dirname(os.path.abspath(__file__)), "csrc", "build.py"))
_build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_build)

setup(cffi_modules=["csrc/build.py:make_builder"], cmdclass={"build_ext": _build.ParallelBuildExt})
