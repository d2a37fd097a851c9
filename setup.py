# cffi_modules has no pyproject.toml key, so this file exists only to name the builder.
from setuptools import setup

setup(cffi_modules=["csrc/build.py:ffibuilder"])
