"""Build-time mapping of the repository's policies/ folder into the wheel as the package sovstack._catalogue."""

from setuptools import find_namespace_packages, setup

# policies/ stays at the top of the repository (the layout the project fixes); the wheel carries it as package
# data of sovstack._catalogue, which sovstack.paths finds with importlib.resources. Only the declarative part
# that pyproject.toml cannot express (a package from a folder outside src/) lives here.
CATALOGUE = "sovstack._catalogue"
# The policy homes (SOV-AAA-NNN/, not package names) ship as package data of sovstack._catalogue itself (pyproject).
SHIPPED = ["checkov", "checkov.*", "crossguard", "crossguard.*", "data", "data.*", "frameworks", "frameworks.*"]

setup(
    packages=find_namespace_packages("src", include=["sovstack", "sovstack.*"])
    + [CATALOGUE]
    + [f"{CATALOGUE}.{p}" for p in find_namespace_packages("policies", include=SHIPPED)],
    package_dir={"": "src", CATALOGUE: "policies"},
)
