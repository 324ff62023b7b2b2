"""Inference cost of a pruned network: batch throughput and single-row latency.

For each data set the default PrunedMLPClassifier is fitted, then compared, in the
same run, with the same estimator unpruned (``prune=()``), MLPClassifier of the
original architecture (same hidden layers and activation), the pruned network's
ONNX model under onnxruntime and its generated C (compiled with the system
compiler, called through ctypes). Batch: 200,000 rows drawn from the test part
with noise; single row: one call on one row, the median of many.

    python benchmarks/bench_inference.py [--quick] [--rows N] [--markdown]

Needs the ``onnx`` extra (skl2onnx, onnx, onnxruntime) and a C compiler for the
last two columns; they are left out, with a note, when missing.
"""

import argparse
import ctypes
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import git_revision  # noqa: E402

import sklearn_nnprune as nnp  # noqa: E402


def datasets():
    X, y = load_breast_cancer(return_X_y=True)
    yield "breast_cancer", X, y
    X, y = load_digits(return_X_y=True)
    yield "digits", X, y
    X, y = make_classification(n_samples=20000, n_features=50, n_informative=5,
                               n_redundant=5, random_state=0)
    yield "20000x50", X, y


def timed(f, repeats):
    """Median wall time of ``f()`` in seconds, after one warm-up call."""
    f()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def batch_rows(X, n_rows, seed=0):
    rng = np.random.default_rng(seed)
    rows = X[rng.integers(0, X.shape[0], n_rows)]
    return np.ascontiguousarray(rows + 0.01 * rng.standard_normal(rows.shape)
                                * X.std(axis=0))


class CompiledC:
    """The generated C with a batch loop, as a shared library."""

    DRIVER = """
void nnprune_batch(const double *X, long n, long d, int *out) {
    for (long i = 0; i < n; ++i) out[i] = nnprune_predict(X + i * d);
}
"""

    def __init__(self, source, workdir, name):
        compiler = shutil.which("cc") or shutil.which("gcc")
        if compiler is None:
            raise RuntimeError("no C compiler")
        # One file name per network: dlopen returns a library already loaded from
        # the same path.
        c_file, lib = Path(workdir) / f"{name}.c", Path(workdir) / f"{name}.so"
        c_file.write_text(source + self.DRIVER)
        subprocess.run([compiler, "-std=c99", "-O2", "-shared", "-fPIC", str(c_file),
                        "-o", str(lib), "-lm"], check=True)
        self.lib = ctypes.CDLL(str(lib))
        self.lib.nnprune_predict.restype = ctypes.c_int
        self.lib.nnprune_predict.argtypes = [ctypes.POINTER(ctypes.c_double)]
        self.lib.nnprune_batch.argtypes = [ctypes.POINTER(ctypes.c_double), ctypes.c_long,
                                           ctypes.c_long, ctypes.POINTER(ctypes.c_int)]

    def predict_indices(self, X):
        X = np.ascontiguousarray(X, dtype=np.float64)
        out = np.empty(X.shape[0], dtype=np.intc)
        self.lib.nnprune_batch(X.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
                               X.shape[0], X.shape[1],
                               out.ctypes.data_as(ctypes.POINTER(ctypes.c_int)))
        return out

    def predict_one(self, row):
        return self.lib.nnprune_predict(row.ctypes.data_as(ctypes.POINTER(ctypes.c_double)))


def onnx_session(est, X):
    import onnxruntime as ort
    model = nnp.to_onnx(est, X[:1].astype(np.float32),
                        options={type(est): {"zipmap": False}})
    options = ort.SessionOptions()
    session = ort.InferenceSession(model.SerializeToString(), options,
                                   providers=["CPUExecutionProvider"])
    return session, session.get_inputs()[0].name


def measure(name, X, y, n_rows, repeats, workdir):
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25,
                                                        random_state=0, stratify=y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pruned = nnp.PrunedMLPClassifier(random_state=0).fit(X_train, y_train)
        unpruned = nnp.PrunedMLPClassifier(random_state=0, prune=()).fit(X_train, y_train)
        mlp = MLPClassifier(hidden_layer_sizes=pruned.hidden_layer_sizes,
                            activation=pruned.activation, max_iter=pruned.max_iter,
                            random_state=0).fit(X_train, y_train)
    total = sum(M.size for M in pruned.masks_)
    net = pruned.compact_network()
    row = {"data": name, "inputs": f"{pruned.n_inputs_}/{X.shape[1]}",
           "neurons": f"{pruned.n_neurons_}/{sum(pruned.hidden_layer_sizes)}",
           "synapses": f"{pruned.n_synapses_}/{total}",
           "weight share": pruned.n_synapses_ / total,
           "compact weights": net.n_weights,
           "accuracy": (pruned.score(X_test, y_test), mlp.score(X_test, y_test))}
    big = batch_rows(X_test, n_rows)
    one = np.ascontiguousarray(X_test[:1])
    reps_one = 10 * repeats
    ways = {"pruned": (lambda: pruned.predict(big), lambda: pruned.predict(one)),
            "unpruned": (lambda: unpruned.predict(big), lambda: unpruned.predict(one)),
            "MLPClassifier": (lambda: mlp.predict(big), lambda: mlp.predict(one))}
    notes = []
    try:
        session, input_name = onnx_session(pruned, X_train)
        big32, one32 = big.astype(np.float32), one.astype(np.float32)
        ways["onnxruntime"] = (lambda: session.run(None, {input_name: big32}),
                               lambda: session.run(None, {input_name: one32}))
        labels = session.run(None, {input_name: big32})[0]
        row["onnx agrees"] = float(np.mean(labels == pruned.predict(big)))
    except Exception as exc:  # the extra missing, or a conversion problem: reported
        notes.append(f"onnx: {type(exc).__name__}: {exc}")
    try:
        compiled = CompiledC(nnp.export_code(pruned, language="c"), workdir, name)
        ways["C"] = (lambda: compiled.predict_indices(big), lambda: compiled.predict_one(one))
        row["C agrees"] = float(np.mean(pruned.classes_[compiled.predict_indices(big)]
                                        == pruned.predict(big)))
    except Exception as exc:
        notes.append(f"C: {type(exc).__name__}: {exc}")
    for way, (batch, single) in ways.items():
        row[f"{way} batch s"] = timed(batch, repeats)
        row[f"{way} 1-row us"] = timed(single, reps_one) * 1e6
    row["notes"] = "; ".join(notes)
    return row


def markdown(rows, n_rows):
    ways = [w for w in ("pruned", "unpruned", "MLPClassifier", "onnxruntime", "C")
            if f"{w} batch s" in rows[0]]
    lines = [f"Batch of {n_rows:,} rows: rows per second (millions) and, in brackets, "
             "the speed-up of the pruned network's predict over that way. Single row: "
             "median latency of one call (microseconds).", "",
             "| data | inputs | neurons | synapses | compact weights | "
             + " | ".join(f"{w} Mrows/s" for w in ways) + " | "
             + " | ".join(f"{w} 1-row us" for w in ways) + " |",
             "|" + "---|" * (5 + 2 * len(ways))]
    for r in rows:
        rates = []
        for w in ways:
            rate = n_rows / r[f"{w} batch s"] / 1e6
            ratio = r[f"{w} batch s"] / r["pruned batch s"]
            rates.append(f"{rate:.1f}" + ("" if w == "pruned" else f" ({ratio:.1f}x)"))
        lat = [f"{r[f'{w} 1-row us']:.0f}" for w in ways]
        lines.append(f"| {r['data']} | {r['inputs']} | {r['neurons']} | {r['synapses']} "
                     f"| {r['compact weights']} | " + " | ".join(rates) + " | "
                     + " | ".join(lat) + " |")
    for r in rows:
        extra = ", ".join(f"{k} {r[k]:.4f}" for k in ("onnx agrees", "C agrees") if k in r)
        lines.append("")
        lines.append(f"- {r['data']}: weight share kept {r['weight share']:.3f}; test "
                     f"accuracy pruned {r['accuracy'][0]:.3f}, MLPClassifier "
                     f"{r['accuracy'][1]:.3f}" + (f"; {extra}" if extra else "")
                     + (f"; {r['notes']}" if r["notes"] else ""))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--rows", type=int, default=200_000, help="batch size")
    args = parser.parse_args()
    repeats = 5 if args.quick else 21
    print(f"# bench_inference at {git_revision()}, numpy {np.__version__}")
    with tempfile.TemporaryDirectory() as workdir:
        rows = []
        for name, X, y in datasets():
            rows.append(measure(name, X, y, args.rows, repeats, workdir))
            print(f"  {name} done", file=sys.stderr)
    print(markdown(rows, args.rows))


if __name__ == "__main__":
    main()
