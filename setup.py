"""The repository root is the package ``khabar``: its subpackages are found, not listed.

pyproject.toml holds everything else; only this mapping needs code, because
setuptools' declarative ``packages.find`` cannot put a prefix on what it finds.
"""

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py


class BuildPy(build_py):
    """Leave this file out of the package whose folder it sits in."""

    def find_package_modules(self, package, package_dir):
        found = super().find_package_modules(package, package_dir)
        return [entry for entry in found if (entry[0], entry[1]) != ("khabar", "setup")]


setup(
    package_dir={"khabar": "."},
    packages=["khabar", *(f"khabar.{name}" for name in find_packages(include=["indexer", "indexer.*", "search", "search.*"]))],
    cmdclass={"build_py": BuildPy},
)
