"""Binder's environment.yml and the pip dependencies in pyproject.toml must agree.

repo2docker cannot run here, so this is what stands between a change in pyproject.toml and a Binder
launch that fails (or silently pulls a multi-GB CUDA torch from PyPI): environment.yml must name the
same packages, with conda-forge versions that all satisfy pyproject's requirements (so that the final
`pip install -e .` finds every dependency already satisfied), CPU-only torch, and the course itself.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

yaml = pytest.importorskip("yaml")

REPO = Path(__file__).resolve().parents[1]
ENVIRONMENT = REPO / "environment.yml"

# conda-forge name -> PyPI name, where they differ; "name[extra]" is a pip extra that conda-forge ships
# as a package of its own (its version follows the main package's requirement).
CONDA_TO_PYPI = {
    "pytorch-cpu": "torch",
    "pytorch": "torch",
    "matplotlib-base": "matplotlib",
    "dask-core": "dask",
    "distributed": "dask[distributed]",
}
# Packages environment.yml needs that are not Python dependencies of the course.
ENVIRONMENT_ONLY = {"python", "pip", "nodefaults"}
CUDA_PACKAGES = re.compile(r"^(pytorch-gpu|cudatoolkit|cuda-.*|cudnn|nccl|libcublas.*)$")
CONDA_SPEC = re.compile(r"^(?P<name>[A-Za-z0-9_.\-]+)\s*(?P<version>[^\s=<>!~]*[=<>!~].*|\s.*)?$")


def pyproject_dependencies() -> dict[str, Requirement]:
    """``{name: requirement}``, plus ``{"name[extra]": requirement}`` for every extra asked for."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    found = {}
    for line in project["dependencies"]:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate():
            found[canonicalize_name(requirement.name)] = requirement
            found.update({f"{canonicalize_name(requirement.name)}[{extra}]": requirement
                          for extra in requirement.extras})
    return found


def pypi_name(conda_name: str) -> str:
    name = CONDA_TO_PYPI.get(conda_name, conda_name)
    base, bracket, extra = name.partition("[")
    return canonicalize_name(base) + bracket + extra


def environment() -> dict:
    return yaml.safe_load(ENVIRONMENT.read_text())


def conda_entries() -> list[str]:
    return [entry for entry in environment()["dependencies"] if isinstance(entry, str)]


def pip_entries() -> list[str]:
    return [line for entry in environment()["dependencies"] if isinstance(entry, dict) for line in entry.get("pip", [])]


def parse_conda(entry: str) -> tuple[str, SpecifierSet, str | None]:
    """``name``, its version constraint as a PEP 440 specifier set, and a build-string pattern if any.

    Understands the match specs used in practice: ``numpy>=1.26,<3``, ``pytorch-cpu==2.13.0``,
    ``python=3.11`` (conda's fuzzy ``=``, i.e. 3.11.*), ``pytorch=2.13.0=cpu*`` and ``numpy 1.26.*``.
    """
    entry = entry.split("#", 1)[0].strip()
    match = CONDA_SPEC.match(entry)
    assert match, f"cannot read the conda spec {entry!r}"
    name, rest = match["name"], (match["version"] or "").strip()
    build = None
    if rest.startswith("=") and not rest.startswith("=="):
        fuzzy, *more = rest[1:].split("=")
        build = more[0] if more else None
        rest = f"=={fuzzy}" if fuzzy.endswith("*") else f"=={fuzzy}.*"
    elif " " in rest:
        rest, build = rest.split(None, 1)
    if rest and rest[0].isdigit():
        rest = f"=={rest}"
    return name, SpecifierSet(rest.replace(" ", "")), build


def probes(*specifier_sets: SpecifierSet) -> list[Version]:
    """Versions at and around every bound mentioned: enough to tell whether one range lies inside another."""
    found = {Version("0"), Version("999")}
    for specifiers in specifier_sets:
        for spec in specifiers:
            try:
                base = Version(spec.version.rstrip(".*"))
            except InvalidVersion:
                continue
            parts = list(base.release) + [0] * (3 - len(base.release))
            found |= {base, Version(f"{base}.post1"), Version(f"{base}.1"), Version(f"{base}.99")}
            for i in range(len(parts)):
                for step in (-1, 1):
                    bumped = parts[: i + 1]
                    bumped[i] = max(bumped[i] + step, 0)
                    found |= {Version(".".join(map(str, bumped))), Version(".".join(map(str, bumped + [5])))}
    return sorted(found)


def test_environment_uses_conda_forge_only():
    channels = environment()["channels"]
    assert channels[0] == "conda-forge"
    assert "defaults" not in channels and "anaconda" not in channels


def test_python_matches_requires_python():
    requires = SpecifierSet(tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"])
    pythons = [parse_conda(entry)[1] for entry in conda_entries() if parse_conda(entry)[0] == "python"]
    assert len(pythons) == 1, "environment.yml must pin python (repo2docker picks its base image from it)"
    admitted = [v for v in probes(pythons[0], requires) if v in pythons[0]]
    assert admitted and all(v in requires for v in admitted), f"python {pythons[0]} vs requires-python {requires}"


def test_same_packages_as_pyproject():
    in_conda = {pypi_name(name) for name, _, _ in map(parse_conda, conda_entries())} - ENVIRONMENT_ONLY
    in_pip = set(pyproject_dependencies())
    assert not in_pip - in_conda, (f"pyproject.toml depends on {sorted(in_pip - in_conda)} but environment.yml does "
                                   "not install them from conda-forge (Binder would fetch them with pip from PyPI)")
    assert not in_conda - in_pip, (f"environment.yml installs {sorted(in_conda - in_pip)}, which pyproject.toml does "
                                   "not depend on: add them there, or drop them here")


@pytest.mark.parametrize("entry", [e for e in conda_entries() if parse_conda(e)[0] not in ENVIRONMENT_ONLY])
def test_versions_are_compatible(entry):
    name, conda_spec, _ = parse_conda(entry)
    requirement = pyproject_dependencies()[pypi_name(name)]
    candidates = probes(conda_spec, requirement.specifier)
    admitted = [v for v in candidates if v in conda_spec]
    assert admitted, f"{entry}: no version satisfies it"
    too_loose = [str(v) for v in admitted if not requirement.specifier.contains(v, prereleases=True)]
    assert not too_loose, (f"environment.yml's {entry!r} admits {too_loose}, which pyproject.toml's "
                           f"{str(requirement)!r} refuses: pip would then replace the conda-forge package")


def test_torch_is_cpu_only():
    specs = [parse_conda(entry) for entry in conda_entries()]
    torches = [(name, build) for name, _, build in specs if CONDA_TO_PYPI.get(name) == "torch"]
    assert len(torches) == 1
    name, build = torches[0]
    assert name == "pytorch-cpu" or (name == "pytorch" and build and build.startswith("cpu")), \
        "use conda-forge's pytorch-cpu (or pytorch=<version>=cpu*): the default build may be CUDA's"
    assert not [name for name, _, _ in specs if CUDA_PACKAGES.match(name)]


def test_pip_installs_only_the_course_itself():
    # A local requirement also makes repo2docker copy the repository before building the environment.
    assert [line.strip() for line in pip_entries()] in (["-e ."], ["."])


def test_nothing_hides_the_root_environment_from_repo2docker():
    # repo2docker reads configuration only from binder/ (or .binder/) when such a folder exists.
    for folder in ("binder", ".binder"):
        assert not (REPO / folder).is_dir(), (
            f"{folder}/ exists, so repo2docker would ignore the root environment.yml: move the Binder files "
            "there (and make this test read them) or remove the folder")


def test_readme_has_the_binder_launch_link():
    readme = (REPO / "README.md").read_text()
    links = re.findall(r"https://mybinder\.org/v2/gh/[^\s)\"'`\]]+", readme)
    assert links, "README.md should carry the Binder launch link"
    assert any("urlpath=lab/tree/START_HERE.ipynb" in link for link in links), links
    assert (REPO / "START_HERE.ipynb").exists()
