"""Binder's environment.yml and the pip dependencies in pyproject.toml must agree.

repo2docker cannot run here, so this is what stands between a change in pyproject.toml and a Binder
launch that fails (or silently pulls a multi-GB CUDA torch from PyPI): environment.yml must name the
same packages, with conda-forge versions that all satisfy pyproject's requirements (so that the final
`pip install -e .` finds every dependency already satisfied), CPU-only torch, and the course itself.
"""
from __future__ import annotations

import os
import re
import shutil
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


# ---------------------------------------------------------------------------------------------------------------
# The students' JupyterLab settings (issue 10 §6).  Binder (repo2docker) runs the repository's `start` at every
# launch, and `make lab` starts JupyterLab through it: `start` adds jupyter-config/ to JUPYTER_CONFIG_PATH, whose
# labconfig/ JupyterLab merges with the user's own (ours decides the keys it sets; the user's dir stays theirs).  The browser test
# (tests/browser/test_browser_lab_setup.py) shows the result on screen; these check the pieces without a browser.

START = REPO / "start"
STUDENT_CONFIG = REPO / "jupyter-config"
INSTRUCTOR_PLUGINS = {"@jupyter/nbgrader:menu", "@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                      "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:assignment-list"}
STUDENT_PLUGINS = {"@jupyter/nbgrader:validate-assignment"}   # the notebook's Validate button: kept
NEWS_OFF = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}

# What the Jupyter server sees once `start` has run: its config path and the page config / setting defaults
# JupyterLab serves, computed by jupyterlab_server's own functions.
LAB_VIEW = r"""
import json, os, sys
from jupyter_core.paths import jupyter_config_dir, jupyter_config_path, jupyter_path
from jupyterlab_server.config import get_page_config
from jupyterlab_server.settings_utils import _get_overrides
settings = os.path.join(sys.prefix, "share", "jupyter", "lab", "settings")
print(json.dumps({"config_path": jupyter_config_path(), "config_dir": jupyter_config_dir(),
                  "JUPYTER_CONFIG_PATH": os.environ.get("JUPYTER_CONFIG_PATH"),
                  "disabled": get_page_config(jupyter_path("labextensions"), settings)["disabledExtensions"],
                  "overrides": _get_overrides(settings)[0]}))
"""


def lab_view(tmp_path, *, through_start: bool, config_path: str | None = None) -> dict:
    import json
    import subprocess
    import sys
    env = {key: value for key, value in os.environ.items() if not key.startswith("JUPYTER")}
    env["JUPYTER_CONFIG_DIR"] = str(tmp_path / "user-config")          # a user with a config dir of their own
    if config_path is not None:
        env["JUPYTER_CONFIG_PATH"] = config_path
    command = [sys.executable, "-c", LAB_VIEW]
    if through_start:
        command = ["sh", str(START), *command]
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_binder_start_script_is_one_repo2docker_runs():
    # With no binder/ folder, repo2docker takes `start` from the root, runs it as the container's entry point
    # (so it must be executable), and needs it to hand over to the server with `exec "$@"` at the end.
    assert START.is_file(), "the root `start` script (Binder runs it at launch) is missing"
    assert os.access(START, os.X_OK), "`start` must be executable (chmod +x start; git keeps the mode)"
    lines = [line.strip() for line in START.read_text().splitlines()]
    assert lines[0].startswith("#!"), "`start` needs a shebang line"
    code = [line for line in lines if line and not line.startswith("#")]
    assert code[-1] == 'exec "$@"', f"`start` must end with exec \"$@\", not {code[-1]!r}"
    assert not (REPO / "postBuild").exists() or "jupyter-config" in (REPO / "postBuild").read_text()


def test_student_settings_name_the_installed_nbgrader_plugins():
    import glob
    import json
    import sys
    disabled = json.loads((STUDENT_CONFIG / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    assert {name for name, off in disabled.items() if off} == INSTRUCTOR_PLUGINS
    bundles = glob.glob(os.path.join(sys.prefix, "share", "jupyter", "labextensions", "@jupyter", "nbgrader",
                                     "static", "*.js"))
    if not bundles:
        pytest.skip("nbgrader's JupyterLab extension is not installed in this environment")
    code = "".join(Path(bundle).read_text(errors="replace") for bundle in bundles)
    for plugin in INSTRUCTOR_PLUGINS | STUDENT_PLUGINS:   # a renamed plugin would be silently left enabled
        assert f'"{plugin}"' in code, f"the installed nbgrader has no plugin {plugin!r}"


def test_student_settings_are_valid_jupyterlab_settings():
    import json
    import sys
    jsonschema = pytest.importorskip("jsonschema")
    overrides = json.loads((STUDENT_CONFIG / "labconfig" / "default_setting_overrides.json").read_text())
    assert overrides == NEWS_OFF
    schema = Path(sys.prefix, "share", "jupyter", "lab", "schemas", "@jupyterlab", "apputils-extension",
                  "notification.json")
    if not schema.exists():
        pytest.skip("JupyterLab's settings schemas are not installed in this environment")
    jsonschema.validate(overrides["@jupyterlab/apputils-extension:notification"], json.loads(schema.read_text()))


def test_start_applies_the_student_settings(tmp_path):
    view = lab_view(tmp_path, through_start=True)
    assert view["config_path"][0] == str(STUDENT_CONFIG), view["config_path"]
    assert INSTRUCTOR_PLUGINS <= set(view["disabled"]) and not STUDENT_PLUGINS & set(view["disabled"]), view
    notification = view["overrides"].get("@jupyterlab/apputils-extension:notification", {})
    assert notification.get("fetchNews") == "false" and notification.get("checkForUpdates") is False, notification


def test_start_leaves_the_users_own_config_in_place(tmp_path):
    import json
    theirs = tmp_path / "their-config"
    view = lab_view(tmp_path, through_start=True, config_path=str(theirs))
    assert view["JUPYTER_CONFIG_PATH"] == f"{STUDENT_CONFIG}{os.pathsep}{theirs}"
    # The user's config dir (their settings, workspaces, server config) is still theirs and still read:
    # `start` adds a directory, it does not swap JUPYTER_CONFIG_DIR.
    assert view["config_dir"] == str(tmp_path / "user-config")
    assert str(tmp_path / "user-config") in view["config_path"]
    (tmp_path / "user-config" / "labconfig").mkdir(parents=True)
    (tmp_path / "user-config" / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:palette-restorer": True}}))
    (tmp_path / "user-config" / "labconfig" / "default_setting_overrides.json").write_text(
        json.dumps({"@jupyterlab/apputils-extension:notification": {"doNotDisturbMode": True}}))
    view = lab_view(tmp_path, through_start=True)
    assert "@jupyterlab/apputils-extension:palette-restorer" in view["disabled"]
    assert INSTRUCTOR_PLUGINS <= set(view["disabled"])
    assert view["overrides"]["@jupyterlab/apputils-extension:notification"] == {
        **NEWS_OFF["@jupyterlab/apputils-extension:notification"], "doNotDisturbMode": True}


def test_without_start_jupyterlab_is_stock(tmp_path):
    # What `make lab-instructor` (and a plain `jupyter lab`) gets: nothing of jupyter-config/.
    view = lab_view(tmp_path, through_start=False)
    assert str(STUDENT_CONFIG) not in view["config_path"]
    assert not INSTRUCTOR_PLUGINS & set(view["disabled"])
    assert "@jupyterlab/apputils-extension:notification" not in view["overrides"]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_lab_starts_through_start_and_lab_instructor_does_not():
    import subprocess

    def recipe(target: str) -> str:
        done = subprocess.run(["make", "-n", "-o", ".venv/.installed", target], cwd=REPO, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    student = [line for line in recipe("lab").splitlines() if "jupyter lab" in line]
    instructor = [line for line in recipe("lab-instructor").splitlines() if "jupyter lab" in line]
    assert len(student) == 1 and re.match(r"^(sh |bash )?\./start ", student[0]), student
    assert len(instructor) == 1 and "start" not in instructor[0].split("jupyter lab")[0], instructor
