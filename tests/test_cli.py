"""The nnprune command line."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sklearn_nnprune._cli import main


def test_main_job_on_elections(capsys, tmp_path):
    path = tmp_path / "out.json"
    assert main(["--json", str(path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "Pruned structure" in out and "Input importance" in out
    assert "Rules" in out and "class: won" in out and "class: lost" in out
    result = json.loads(path.read_text())
    assert result["task"] == "classification" and result["n_samples"] == 41
    kept = result["structure"]["inputs"]
    assert 1 <= len(kept) < 13 and all(k in result["importances"] for k in kept)
    assert abs(sum(result["importances"].values()) - 1) < 1e-9
    assert "class: won" in result["rules"]
    assert any(step["kind"] in ("levels", "binarize") for step in result["pruning_history"])
    structure = result["structure"]
    assert 0 <= structure["n_weights_on_levels"] <= structure["n_synapses"]
    assert (f"weights on ternary levels: {structure['n_weights_on_levels']} of "
            f"{structure['n_synapses']} (the others at full precision)") in out
    assert f"threshold neurons: {structure['n_threshold_neurons']} of" in out
    # 41 rows: the paper's rule on the training data, scored by accuracy.
    assert "criterion (accuracy) before / after pruning" in out
    assert result["scores"]["criterion_scoring"] == "accuracy"


def test_bad_levels_is_a_clear_error(capsys):
    assert main(["--levels", "many", "--quiet"]) == 2
    assert "--levels" in capsys.readouterr().err


def test_progress_goes_to_stderr(capsys):
    assert main(["--max-inputs", "3"]) == 0
    captured = capsys.readouterr()
    assert "step 1:" in captured.err and "step 1:" not in captured.out


def test_user_csv_with_text_target_categorical_and_missing(tmp_path, capsys):
    rng = np.random.RandomState(0)
    n = 120
    df = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n),
                       "color": rng.choice(["red", "green"], size=n)})
    df["label"] = np.where(df.a + (df.color == "red") > 0.5, "yes", "no")
    df.loc[[3, 7], "b"] = np.nan
    path = tmp_path / "data.csv"
    df.to_csv(path, index=False)
    out_json = tmp_path / "r.json"
    assert main(["--data", str(path), "--target", "label", "--quiet",
                 "--json", str(out_json)]) == 0
    out = capsys.readouterr().out
    assert "dropped 2 of 120 rows" in out and "color" in out
    result = json.loads(out_json.read_text())
    assert result["task"] == "classification"
    assert "a" in result["structure"]["inputs"]


@pytest.mark.parametrize("rare, cross_validated", [(3, False), (5, True)])
def test_rare_class_lowers_or_skips_the_cross_validation(tmp_path, capsys, rare,
                                                         cross_validated):
    # The estimator's own cv=3 needs 3 rows of every class in each training part.
    rng = np.random.RandomState(0)
    n = 120  # from 100 rows on, the CLI's network uses its own cv=3
    df = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    df["label"] = np.where(df.a > 0, "up", "down")
    df.loc[:rare - 1, "label"] = "rare"
    path = tmp_path / "rare.csv"
    df.to_csv(path, index=False)
    out_json = tmp_path / "r.json"
    assert main(["--data", str(path), "--target", "label", "--quiet", "--hidden", "4",
                 "--json", str(out_json)]) == 0
    out = capsys.readouterr().out
    scores = json.loads(out_json.read_text())["scores"]["cross_validated"]
    if cross_validated:
        assert len(scores) == 5 and "5-fold cross-validated accuracy" in out
    else:
        assert scores is None
        assert "no cross-validated accuracy: too few rows of the rarest class" in out


def test_user_csv_regression(tmp_path, capsys):
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(150, 4))
    df = pd.DataFrame(X, columns=["p", "q", "r", "s"])
    df["y"] = 3 * df.p - 2 * df.q ** 2
    path = tmp_path / "reg.csv"
    df.to_csv(path, index=False)
    assert main(["--data", str(path), "--target", "y", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "regression" in out and "criterion (r2) before / after pruning" in out


@pytest.mark.parametrize("make,args,message", [
    (None, ["--data", "/nonexistent/x.csv", "--target", "y"], "no such file"),
    ("", ["--target", "y"], "is empty"),
    ("a,b\n1,2\n3,4\n5,6\n7,8\n", ["--target", "c"], "not in"),
    ("a,b\n1,2\n", ["--target", "b"], "too few"),
    ("a,b\n", ["--target", "b"], "no data rows"),
    ("a,b\n1,2\n3,4\n5,6\n7,8\n", [], "needs --target"),
    (None, ["--json", "/nonexistent/dir/out.json"], "is not a writable folder"),
    (None, ["--plot", "/nonexistent/dir/out.png"], "is not a writable folder"),
])
def test_clear_errors_without_traceback(tmp_path, capsys, make, args, message):
    if make is not None:
        path = tmp_path / "bad.csv"
        path.write_text(make)
        args = ["--data", str(path)] + args
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("task, message", [
    ([], "read as class labels; if it holds numbers, use --task regression"),
    (["--task", "classification"], "drop its rarest classes or add rows"),
])
def test_rare_integer_class_explained(tmp_path, capsys, task, message):
    rng = np.random.RandomState(0)
    df = pd.DataFrame({"a": rng.normal(size=120)})
    df["y"] = np.round(2 * df.a).astype(int)  # few rows at the ends
    path = tmp_path / "ints.csv"
    df.to_csv(path, index=False)
    assert main(["--data", str(path), "--target", "y", "--quiet"] + task) == 2
    err = capsys.readouterr().err
    assert "the cross-validated criterion needs 3 of every class" in err
    assert message in err and len(err.strip().splitlines()) == 1


def test_module_entry_point_help():
    done = subprocess.run([sys.executable, "-m", "sklearn_nnprune", "--help"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "--max-inputs" in done.stdout


def test_categorical_columns_are_pruned_and_reported_as_the_table_s_columns(tmp_path,
                                                                            capsys):
    rng = np.random.RandomState(0)
    n = 400
    df = pd.DataFrame({"sex": rng.choice(["m", "f"], n),
                       "grade": rng.choice(["1st", "2nd", "3rd"], n),
                       "age": rng.uniform(1, 80, n)})
    df["ok"] = (1.5 * (df.sex == "f") - 1.2 * (df.grade == "3rd")
                + 0.3 * rng.normal(size=n) > 0).astype(int)
    path = tmp_path / "three.csv"
    df.to_csv(path, index=False)
    out_json = tmp_path / "r.json"
    assert main(["--data", str(path), "--target", "ok", "--quiet",
                 "--json", str(out_json)]) == 0
    out = capsys.readouterr().out
    assert "each pruned as one input" in out
    result = json.loads(out_json.read_text())
    assert set(result["importances"]) == {"sex", "grade", "age"}
    assert set(result["structure"]["inputs"]) <= {"sex", "grade", "age"}
    assert "sex" in result["structure"]["inputs"]
    assert all(c.split("_")[0] in result["structure"]["inputs"]
               for c in result["structure"]["encoded_inputs"])
    assert "of 3 (" in out  # inputs counted as the table's columns


def test_identifier_columns_are_ignored(tmp_path, capsys):
    # A text column with a different value in every row (a name) would be one-hot
    # encoded into a column per row, which the network memorizes.
    rng = np.random.RandomState(0)
    n = 200
    df = pd.DataFrame({"name": [f"passenger {i}" for i in range(n)],
                       "sex": rng.choice(["m", "f"], n), "age": rng.uniform(1, 80, n)})
    df["ok"] = ((df.sex == "f") ^ (rng.rand(n) < 0.1)).astype(int)
    path = tmp_path / "ids.csv"
    df.to_csv(path, index=False)
    out_json = tmp_path / "r.json"
    assert main(["--data", str(path), "--target", "ok", "--quiet",
                 "--json", str(out_json)]) == 0
    out = capsys.readouterr().out
    assert "different value in nearly every row (identifiers, not inputs): name" in out
    result = json.loads(out_json.read_text())
    assert set(result["importances"]) == {"sex", "age"}
    only = tmp_path / "only_ids.csv"
    df[["name", "ok"]].to_csv(only, index=False)
    assert main(["--data", str(only), "--target", "ok", "--quiet"]) != 0
    err = capsys.readouterr().err
    assert "nothing to learn a rule from" in err and "Traceback" not in err


def test_large_file_takes_the_large_data_path(tmp_path, capsys, monkeypatch):
    from sklearn.datasets import make_classification

    from sklearn_nnprune import _base
    from sklearn_nnprune._procedure import large
    # The thresholds lowered so that a small file stands for a large one.
    monkeypatch.setattr(_base, "LARGE_DATA_ROWS", 300)
    monkeypatch.setattr(large, "START_FIT_ROWS", 100)
    monkeypatch.setattr(large, "MAX_FIT_ROWS", 200)
    X, y = make_classification(n_samples=400, n_features=5, n_informative=2,
                               n_redundant=0, random_state=0)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)]).assign(label=y)
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)
    assert main(["--data", str(path), "--target", "label", "--hidden", "3"]) == 0
    captured = capsys.readouterr()
    assert "no cross-validation on 400 rows" in captured.out
    steps = [line for line in captured.err.splitlines() if "] step " in line]
    assert steps and all(line.endswith("left") for line in steps)
