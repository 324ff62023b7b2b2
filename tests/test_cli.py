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


# ------------------------------------------------------------ bad input, one line
def _one_line_error(capsys, code=2):
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("nnprune: error: ")
    return err


def _small_csv(path, n=40, names=("a", "b"), target="label"):
    rng = np.random.RandomState(0)
    df = pd.DataFrame(rng.normal(size=(n, len(names))), columns=list(names))
    df[target] = np.where(df[names[0]] > 0, "yes", "no")
    text = df.to_csv(index=False)
    path.write_text(text)
    return df, text.encode()


@pytest.mark.parametrize("url", ["http://example.com/x.csv", "https://example.com/x.csv",
                                 "ftp://example.com/x.csv", "s3://bucket/x.csv",
                                 "file:///etc/hostname", "HTTP://EXAMPLE.COM/x.csv.gz"])
def test_urls_are_refused_and_never_fetched(capsys, monkeypatch, url):
    import urllib.request

    def forbidden(*args, **kwargs):
        raise AssertionError("the network or pandas was used")

    monkeypatch.setattr(urllib.request, "urlopen", forbidden)
    monkeypatch.setattr(pd, "read_csv", forbidden)
    assert main(["--data", url, "--target", "y", "--quiet"]) == 2
    assert "must be a local file, not a URL" in _one_line_error(capsys)


def test_folders_devices_and_empty_paths_are_refused(tmp_path, capsys):
    import os

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # reading it would block
    for data, message in [(str(tmp_path), "is a folder"), (str(fifo), "not a regular file"),
                          ("", "needs the path of a CSV file")]:
        assert main(["--data", data, "--target", "y", "--quiet"]) == 2
        assert message in _one_line_error(capsys)


@pytest.mark.parametrize("method, name", [("gzip", "data.csv"), ("bz2", "data.csv"),
                                          ("xz", "data.csv"), ("zip", "data.csv"),
                                          (None, "data.csv.gz"), (None, "data.csv.zip"),
                                          ("gzip", "data.csv.bz2")])
def test_compression_is_read_from_the_content_not_the_name(tmp_path, method, name):
    import bz2
    import gzip
    import lzma
    import zipfile

    from sklearn_nnprune._cli_input import _read_frame

    df, text = _small_csv(tmp_path / "plain.csv")
    path = tmp_path / name
    if method == "zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("inner.csv", text)
    else:
        compress = {None: bytes, "gzip": gzip.compress, "bz2": bz2.compress,
                    "xz": lzma.compress}[method]
        path.write_bytes(compress(text))
    pd.testing.assert_frame_equal(_read_frame(str(path)), df)


def test_gzip_file_named_csv_is_trained_on(tmp_path, capsys):
    import gzip

    _, text = _small_csv(tmp_path / "plain.csv")
    path = tmp_path / "data.csv"
    path.write_bytes(gzip.compress(text))
    assert main(["--data", str(path), "--target", "label", "--quiet", "--hidden", "2"]) == 0
    assert "classification on" in capsys.readouterr().out


@pytest.mark.parametrize("content, message", [
    (b"\x1f\x8b" + b"not really gzip" * 4, "cannot decompress"),
    (b"BZh9" + b"\x00" * 40, "cannot decompress"),
    (b"\xfd7zXZ\x00" + b"\x00" * 40, "cannot decompress"),
    (b"PK\x03\x04" + b"\x00" * 40, "cannot decompress"),
    (b"PK\x05\x06" + b"\x00" * 18, "cannot decompress"),  # an empty zip
    (bytes(range(256)) * 4, "cannot read"),
])
def test_corrupt_or_binary_files_are_clear_errors(tmp_path, capsys, content, message):
    path = tmp_path / "bad.csv.gz"
    path.write_bytes(content)
    assert main(["--data", str(path), "--target", "y", "--quiet"]) == 2
    assert message in _one_line_error(capsys)


def test_zstd_content_is_recognized(tmp_path, capsys):
    import importlib.util

    path = tmp_path / "data.csv"
    path.write_bytes(b"\x28\xb5\x2f\xfd" + b"\x00" * 20)
    assert main(["--data", str(path), "--target", "y", "--quiet"]) == 2
    err = _one_line_error(capsys)
    if importlib.util.find_spec("zstandard") is None:
        assert "is zstd-compressed, which needs a package that is not installed" in err
    else:
        assert "cannot decompress" in err and "(zstd)" in err


def test_truncated_gzip_and_zip_of_several_files(tmp_path, capsys):
    import gzip
    import zipfile

    _, text = _small_csv(tmp_path / "plain.csv", n=200)
    truncated = tmp_path / "t.csv.gz"
    truncated.write_bytes(gzip.compress(text)[:200])
    several = tmp_path / "s.zip"
    with zipfile.ZipFile(several, "w") as archive:
        archive.writestr("a.csv", text)
        archive.writestr("b.csv", text)
    for path in (truncated, several):
        assert main(["--data", str(path), "--target", "label", "--quiet"]) == 2
        assert "cannot decompress" in _one_line_error(capsys)


@pytest.mark.parametrize("args, message", [
    (["--levels", "²"], "--levels must be"),
    (["--levels", "٣"], "--levels must be"),
    (["--levels", "1"], "from 2 to 256"),
    (["--levels", "0"], "from 2 to 256"),
    (["--levels", "257"], "from 2 to 256"),
    (["--levels", "9" * 5000], "--levels must be"),
    (["--levels", ""], "--levels must be"),
    (["--levels", "-3"], "--levels must be"),
    (["--hidden", "0"], "argument --hidden: must be a positive whole number"),
    (["--hidden", "-4"], "argument --hidden: must be a positive whole number"),
    (["--hidden", "4", "²"], "argument --hidden: must be a positive whole number"),
    (["--hidden", "٣"], "argument --hidden: must be a positive whole number"),
    (["--hidden", "1e3"], "argument --hidden: must be a positive whole number"),
    (["--hidden", "1_000"], "argument --hidden: must be a positive whole number"),
    (["--hidden", "9" * 5000], "argument --hidden: 9999"),
    (["--hidden"], "argument --hidden: expected at least one argument"),
    (["--hidden", "2000000000"], "weights and needs about"),
    (["--max-inputs", "0"], "argument --max-inputs: must be a positive whole number"),
    (["--max-inputs", "-1"], "argument --max-inputs: must be a positive whole number"),
    (["--max-inputs", "14"], "between 1 and the number of inputs (13)"),
    (["--max-inputs", "²"], "argument --max-inputs: must be a positive whole number"),
    (["--seed", "-1"], "argument --seed: must be a whole number from 0 to 4294967295"),
    (["--seed", str(2 ** 32)], "argument --seed: must be a whole number from 0"),
    (["--seed", "1.5"], "argument --seed: must be a whole number from 0"),
    (["--seed", "¹"], "argument --seed: must be a whole number from 0"),
    (["--tolerance", "nan"], "argument --tolerance: must be a finite number >= 0"),
    (["--tolerance", "inf"], "argument --tolerance: must be a finite number >= 0"),
    (["--tolerance", "-0.1"], "argument --tolerance: must be a finite number >= 0"),
    (["--tolerance", "1e999"], "argument --tolerance: must be a finite number >= 0"),
    (["--tolerance", "٠.١"], "argument --tolerance: must be a finite number >= 0"),
    (["--tolerance", ""], "argument --tolerance: must be a finite number >= 0"),
    (["--task", "clustering"], "argument --task: invalid choice"),
    (["--json", ""], "--json needs the path of a file to write"),
    (["--plot", ""], "--plot needs the path of a file to write"),
    (["--no-such-option"], "unrecognized arguments"),
    (["stray\nargument"], "unrecognized arguments: stray\\nargument"),
    (["--target", "y"], "--target needs --data"),
])
def test_every_bad_option_value_is_one_line(capsys, args, message):
    assert main(args + ["--quiet"]) == 2
    assert message in _one_line_error(capsys)


def test_network_size_is_checked_against_the_memory(capsys, monkeypatch):
    from sklearn_nnprune import _cli_input

    half_gigabyte = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 2 ** 29 // 4096}
    monkeypatch.setattr(_cli_input.os, "sysconf", half_gigabyte.__getitem__)
    # 13 * 2000 + 2000 * 2000 + 2000 * 2 weights: about 1.0 GB with L-BFGS's history.
    assert main(["--hidden", "2000", "2000", "--quiet"]) == 2
    err = _one_line_error(capsys)
    assert "a network of hidden layers 2000 2000 on 13 inputs has 4,030,000 weights" in err
    assert "needs about 1.0 GB to train, more than this machine's 0.5 GB" in err
    assert main(["--hidden", "3", "--max-inputs", "2", "--quiet"]) == 0


def test_output_paths_that_cannot_be_written(tmp_path, capsys):
    data = tmp_path / "d.csv"
    _small_csv(data)
    same = str(tmp_path / "same")
    for args, message in [(["--json", str(tmp_path)], "it is a folder"),
                          (["--json", str(data)], "would overwrite the --data file"),
                          (["--json", same, "--plot", same], "must name different files"),
                          (["--plot", str(tmp_path / "n.xyz")],
                           "matplotlib cannot write .xyz files; use one of")]:
        assert main(["--data", str(data), "--target", "label", "--quiet"] + args) == 2
        assert message in _one_line_error(capsys)
    assert not (tmp_path / "same").exists() and data.read_text().startswith("a,b")


def test_an_unexpected_failure_is_one_line_too(capsys, monkeypatch):
    from sklearn_nnprune import _cli

    def broken(args, out):
        raise RuntimeError("something\nbroke")

    monkeypatch.setattr(_cli, "_run", broken)
    assert main(["--quiet"]) == 1
    assert "unexpected RuntimeError: something\\nbroke" in _one_line_error(capsys)


def test_command_line_errors_in_a_process():
    done = subprocess.run([sys.executable, "-m", "sklearn_nnprune", "--levels", "²",
                           "--hidden", "4"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "--levels must be" in done.stderr


# ------------------------------------------------------------ strict JSON
def _strict_loads(text):
    def refuse(constant):
        raise ValueError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_json_is_strict_without_nan_or_infinity(tmp_path, capsys):
    # One input left: forced steps that cannot be taken score -inf.
    path = tmp_path / "out.json"
    assert main(["--max-inputs", "1", "--quiet", "--json", str(path)]) == 0
    result = _strict_loads(path.read_text())
    assert any(step["score"] is None for step in result["pruning_history"])
    assert result["structure"]["n_inputs"] == 1


def test_strict_json_conversion():
    from sklearn_nnprune._cli import _strict_json

    value = {"a": [np.float64("nan"), (np.inf, np.int64(3))], 4: np.array([1.5, -np.inf]),
             "b": {"c": float("-inf"), "d": np.bool_(True), "e": "text"}}
    text = json.dumps(_strict_json(value), allow_nan=False)
    assert _strict_loads(text) == {"a": [None, [None, 3]], "4": [1.5, None],
                                   "b": {"c": None, "d": True, "e": "text"}}


# ------------------------------------------------------------ control characters
def test_names_with_control_characters_are_quoted(tmp_path, capsys):
    names = ("a", "b\n  removed: a", "tab\there", "esc\x1b[31m", "bell\x07")
    path = tmp_path / "ctrl.csv"
    rng = np.random.RandomState(0)
    df = pd.DataFrame(rng.normal(size=(60, 4)), columns=names[:4])
    df[names[4]] = rng.choice(["u", "v"], size=60)
    df["label\x1b"] = np.where(df["a"] > 0, "yes\nno", "no")
    df.to_csv(path, index=False)
    out_json = tmp_path / "r.json"
    assert main(["--data", str(path), "--target", "label\x1b", "--quiet", "--hidden", "2",
                 "--json", str(out_json)]) == 0
    out = capsys.readouterr().out
    assert all(line.isprintable() for line in out.split("\n")), out
    for name in names[1:]:
        assert repr(name) in out and name not in out
    assert repr("label\x1b") in out and repr("yes\nno") in out
    # The JSON keeps the names as they are (its strings are escaped by JSON).
    result = _strict_loads(out_json.read_text())
    assert set(result["importances"]) == set(names)
    assert main(["--data", str(path), "--target", "nope", "--quiet"]) == 2
    assert repr(names[1]) in _one_line_error(capsys)


def test_export_writes_python_c_and_onnx(tmp_path, capsys):
    from sklearn_nnprune.datasets import load_us_elections
    py, c = tmp_path / "net.py", tmp_path / "net.c"
    assert main(["--quiet", "--export", str(py)]) == 0
    assert main(["--quiet", "--export", str(c)]) == 0
    assert "wrote" in capsys.readouterr().out
    namespace = {}
    exec(py.read_text(), namespace)
    data = load_us_elections()
    labels = [namespace["predict"](list(row)) for row in data.data]
    assert set(labels) <= {"won", "lost"}
    assert "int nnprune_predict(const double *x)" in c.read_text()
    if __import__("importlib").util.find_spec("skl2onnx") is not None:
        onnx_path = tmp_path / "net.onnx"
        assert main(["--quiet", "--export", str(onnx_path)]) == 0
        assert onnx_path.stat().st_size > 0


@pytest.mark.parametrize("path, message", [
    ("net.txt", "suffix must be .py, .c or .onnx"),
    ("missing/net.c", "not a writable folder"),
    ("", "needs the path of a file"),
])
def test_export_errors(tmp_path, capsys, path, message):
    target = str(tmp_path / path) if path else ""
    assert main(["--quiet", "--export", target]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
