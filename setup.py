"""Build hook: a (non-editable) install of tokenpower ships a copy of the data it reads.

``data/`` (the data package) and ``book/_static/geo`` (the land outlines the maps
draw) stay where the book's layout puts them; a wheel carries copies of them as
``tokenpower/_data`` and ``tokenpower/_geo``, which the package reads when it is
not running from a checkout.  Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = {"data": "tokenpower/_data", "book/_static/geo": "tokenpower/_geo"}


class BuildWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        for source, target in SHIPPED.items():
            dest = Path(self.build_lib) / target
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(Path(source), dest, ignore=shutil.ignore_patterns("__pycache__"))


setup(cmdclass={"build_py": BuildWithData})
