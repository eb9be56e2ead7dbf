"""Claims week 12's lesson makes that a learner could check, checked; and the week cleans up after itself.

Each test quotes the lesson's words it backs, so a test and its sentence change together. The numbers come from
the solution notebook itself, run once here top to bottom (headless: explorers built, not drawn) in a private
working folder with a private temporary folder, so the claims are about exactly what a learner's run prints, and
the run can be checked for what it leaves behind (no file, no child process).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import psutil
import pytest

from autograder.notebooks import read_text_notebook

SOURCE = Path(__file__).resolve().parents[1] / "source"

pytestmark = pytest.mark.slow


def lesson() -> str:
    """The week's text with comment markers and line breaks removed, for quoting."""
    lines = (SOURCE / "week12" / "week12.py").read_text().splitlines()
    return " ".join(line.lstrip("# ").strip() for line in lines)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The solution notebook's namespace after every code cell ran, and what the run left behind."""
    workdir, private_tmp = tmp_path_factory.mktemp("week12-cwd"), tmp_path_factory.mktemp("week12-tmp")
    home_before = set(os.listdir(Path.home()))
    children_before = {p.pid for p in psutil.Process().children(recursive=True)}
    namespace: dict = {"__name__": "__main__"}
    previous_cwd, previous_tempdir = os.getcwd(), tempfile.tempdir
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURSE_HEADLESS", "1")
        patch.setenv("MPLBACKEND", "Agg")
        patch.setenv("TMPDIR", str(private_tmp))
        import matplotlib
        matplotlib.use("Agg")
        os.chdir(workdir)
        tempfile.tempdir = str(private_tmp)
        try:
            for cell in read_text_notebook(SOURCE / "week12" / "week12.py").cells:
                if cell.cell_type != "code":
                    continue
                code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%"))
                exec(compile(code, "week12", "exec", dont_inherit=True), namespace)   # no `annotations` future
        finally:
            os.chdir(previous_cwd)
            tempfile.tempdir = previous_tempdir
    namespace["_left_behind"] = {
        "cwd": sorted(os.listdir(workdir)), "tmp": sorted(os.listdir(private_tmp)),
        "home": sorted(set(os.listdir(Path.home())) - home_before),
        "children": [p for p in psutil.Process().children(recursive=True) if p.pid not in children_before]}
    return namespace


def test_the_week_leaves_no_file_and_no_process_behind(run):
    left = run["_left_behind"]
    assert left["cwd"] == [] and left["tmp"] == [], left
    assert not [name for name in left["home"] if "mlflow" in name.lower() or "mlruns" in name.lower()], left
    assert [p for p in left["children"] if p.is_running() and p.status() != psutil.STATUS_ZOMBIE] == [], left
    import mlflow
    assert "week12" not in str(mlflow.get_tracking_uri()) and "mlflow.db" not in str(mlflow.get_tracking_uri())


def test_the_three_kinds_of_change_look_as_the_lesson_says(run):
    text = lesson()
    assert "label shift (repaid 53% → 20%)" in text
    assert abs(run["reference_period"]["repaid"].mean() - 0.53) < 0.01
    table = run["scenario_table"]
    none, data, concept, label = (table.loc[name] for name in table.index)
    assert "Data drift moves the KS statistic of `x1` far from zero" in text and "accuracy hardly changes" in text
    assert data["KS of x1"] > 0.4 and abs(data["accuracy"] - none["accuracy"]) < 0.03
    assert "Concept drift is invisible to both KS statistics" in text and "accuracy falls sharply" in text
    assert concept["KS of x1"] < 0.05 and concept["KS of x2"] < 0.05 and concept["accuracy"] < none["accuracy"] - 0.15
    assert "Label shift shows up everywhere a little" in text
    assert 0.05 < label["KS of x1"] < data["KS of x1"] and 0.05 < label["KS of x2"]
    assert abs(label["mean score"] - none["mean score"]) > 0.05
    assert abs(label["repaid share"] - 0.2) < 1e-9 and 0.005 < abs(label["accuracy"] - none["accuracy"]) < 0.05


def test_psi_grows_faster_than_ks(run):
    assert "PSI grows faster (it is a divergence: about quadratic for small shifts)" in lesson()
    table = run["shift_table"]
    assert table["KS"].is_monotonic_increasing
    assert table.loc[1.0, "PSI"] / table.loc[0.5, "PSI"] > 3 and table.loc[1.0, "KS"] / table.loc[0.5, "KS"] < 2.2


def test_false_alarms_and_their_corrections(run):
    text = lesson()
    assert "$1 - 0.95^{10} \\approx 0.40$" in text and round(1 - 0.95 ** 10, 2) == 0.40
    assert "240 tests a day: it will raise about 12 false alarms a day" in text and 240 * 0.05 == 12
    alarms = run["false_alarms"]
    assert 0.3 < alarms["each test at 0.05"] < 0.48
    assert alarms["Bonferroni: each at 0.05 / 10"] < 0.08
    assert "When nothing drifts it behaves like Bonferroni" in text
    assert abs(alarms["Benjamini–Hochberg, q = 0.05"] - alarms["Bonferroni: each at 0.05 / 10"]) < 0.02


def test_window_sizes_trade_power_and_delay_against_false_alarms(run):
    text = lesson()
    assert "One small window almost never sees a 0.2-sd shift; a very large one nearly always does" in text
    study = run["window_study"]
    assert study["power of one window"].is_monotonic_increasing
    assert study["power of one window"].iloc[0] < 0.1 and study["power of one window"].iloc[-1] > 0.9
    assert "the median delay changes less than the power does; it is shortest in between" in text
    assert "and longest for the largest windows" in text
    delays = study["median hours to the first alarm"]
    assert delays.idxmin() not in (study.index[0], study.index[-1]) and delays.idxmax() == study.index[-1]
    assert delays.max() / delays.min() < study["power of one window"].max() / study["power of one window"].min()
    assert study["false alarms per day without drift"].is_monotonic_decreasing


def test_label_shift_breaks_calibration_not_ranking(run):
    assert "the ranking is as good as before, but every score is now too optimistic" in lesson()
    model, design = run["model"], run["design"]
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import roc_auc_score
    before, after = run["scenarios"]["no change"], run["scenarios"]["label shift (repaid 53% → 20%)"]
    auc = [roc_auc_score(f["repaid"], model.predict_proba(design(f))[:, 1]) for f in (before, after)]
    assert abs(auc[0] - auc[1]) < 0.03
    prob_true, prob_pred = calibration_curve(after["repaid"], model.predict_proba(design(after))[:, 1], n_bins=10)
    assert np.all(prob_true < prob_pred)


def test_the_drift_simulators_default_as_described(run):
    from course.explorers.drift_monitor import DriftSimulator
    assert "KS alarms a few windows after the drift's start, PSI" in lesson()
    r = DriftSimulator().compute()
    assert r.first_ks_alarm is not None and r.start <= r.first_ks_alarm <= r.start + 5
    assert r.first_psi_alarm is not None and r.first_psi_alarm > r.first_ks_alarm and len(r.triggers) == 0
    assert abs(r.accuracy[-5:].mean() - r.reference_accuracy) < 0.05
    assert "new category share 0.3 with no other change: only the channel's PSI sees it" in lesson()
    r = DriftSimulator(mean_shift=0.0, new_category=0.3).compute()
    assert r.first_ks_alarm is None and np.all(r.psi < r.psi_line) and r.channel_psi.max() > r.psi_line


def test_the_pipeline_stops_broken_data_before_training(run):
    assert "the data tests stop the pipeline before any training" in lesson()
    outcome = run["training_pipeline"](run["broken"], run["holdout"], run["model"])
    assert outcome["stage"] == "data tests" and any("x2" in reason for reason in outcome["reasons"])
    assert "the candidate is as good as the champion, within the gate's tolerance of 0.01 in AUC, and is promoted" \
        in lesson()
    fresh = run["training_pipeline"](run["fresh"], run["holdout"], run["model"])
    assert fresh["stage"] == "gate" and fresh["promote"] and fresh["reasons"] == []
    assert abs(fresh["candidate"]["auc"] - fresh["champion"]["auc"]) < 0.01


def test_the_workflow_is_valid_yaml_with_three_ordered_jobs(run):
    workflow = run["workflow"]
    assert list(workflow["jobs"]) == ["test", "train", "deploy"]
    assert workflow["jobs"]["train"]["needs"] == "test" and workflow["jobs"]["deploy"]["needs"] == "train"
    assert set(run["triggers"]) == {"push", "pull_request", "schedule", "workflow_dispatch"}


def test_the_naive_join_leaks_and_the_point_in_time_join_does_not(run):
    text = lesson()
    assert "The naive join reports a far better test AUC than the honest one" in text
    assert "its AUC falls to the honest model's level" in text
    table = run["leak_table"]
    honest, naive = table.loc["point-in-time join"], table.loc["naive join (latest value)"]
    assert naive["test AUC as measured offline"] > honest["test AUC as measured offline"] + 0.15
    assert abs(naive["AUC in production (features as known then)"] - honest["test AUC as measured offline"]) < 0.01
    joined = run["honest"]
    assert not np.any(joined["feature_time"] >= joined["time"])


def test_training_serving_skew_is_real(run):
    skew = run["skew"]
    assert (skew["difference"].abs() > 0.005).mean() > 0.3


def test_the_capstone_detects_retrains_and_promotes(run):
    text = lesson()
    timeline, events = run["timeline"], run["events_log"]
    assert "in seconds" in text and run["capstone_seconds"] < 30
    assert "the drift report stays quiet: a single-day alarm on one feature now and then" in text
    assert "never the same feature two days in a row" in text
    assert (timeline["persistent drift alarm"] == "").all() and timeline["drift alarms"].max() <= 1
    assert timeline["drift alarms"].sum() <= 6
    promoted = [day for day, what in events if "promoted" in what]
    assert "after two bad labelled days, `should_retrain` fires" in text
    assert len(promoted) == 2 and promoted[0] >= run["DRIFT_DAY"] + run["LABEL_DELAY"]
    threshold = run["capstone_policy"]["threshold"]
    labelled = timeline["accuracy (labels in)"]
    first = promoted[0]
    assert (labelled.loc[first - 1:first] < threshold).all() and labelled.loc[first - 2] >= threshold
    assert "The first retraining comes while the concept is still turning" in text and "it helps little" in text
    assert timeline.loc[first, "concept"] < 1
    assert timeline.loc[first + 1:promoted[1], "true accuracy today"].mean() < threshold
    assert "accuracy comes back to about its level before the drift" in text
    after = timeline.loc[promoted[1] + 1:, "true accuracy today"]
    assert abs(after.mean() - timeline.loc[:run["DRIFT_DAY"] - 1, "true accuracy today"].mean()) < 0.03
    assert promoted[1] - promoted[0] > run["capstone_policy"]["cooldown"]
    assert timeline.loc[promoted[-1] + 1:, "serving"].astype(int).min() == 3
    assert len(run["registered"]) == len(events) and run["health"]["model_version"] == run["champion_version"]


def test_the_checkpoint_answers(run):
    assert run["q1_answer"] == pytest.approx(0.6415, abs=1e-4)
    assert run["q2_answer"] == pytest.approx(0.4159, abs=1e-4)


def test_the_lessons_vectorised_ks_p_values_are_scipys(run):
    from scipy import stats
    rng = np.random.default_rng(0)
    reference = rng.normal(size=500)
    windows = rng.normal(loc=0.2, size=(20, 37))
    expected = [stats.ks_2samp(reference, w, method="asymp").pvalue for w in windows]
    assert np.allclose(run["ks_p_values"](reference, windows), expected, rtol=1e-10, atol=1e-14)
    p = run["p_values"]
    assert p.shape == (400, 10) and abs((p < 0.05).mean() - 0.05) < 0.01
