"""
=======================================================
Deploying a pruned network: ONNX, C and Python
=======================================================

A pruned network is small: on the breast cancer data it reads a handful of the 30
measurements through a few neurons. This example prunes one, then ships it three
ways, and checks that each shipped form predicts what the estimator predicts:

- an ONNX model (``sklearn_nnprune.to_onnx``, the ``onnx`` extra), run by
  onnxruntime; a whole Pipeline converts the same way;
- C99 source (``sklearn_nnprune.export_code(..., language="c")``), compiled with
  the system compiler;
- Python source without any dependency (``language="python"``).

Every form takes the 30 measurements in their original units: the
standardization of the kept inputs is folded into the weights, and the removed
inputs are never read.
"""

# %%
# Prune
# -----
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import sklearn_nnprune as nnp

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # a short training in this example
    clf = nnp.PrunedMLPClassifier(random_state=0).fit(X_train, y_train)
net = clf.compact_network()
print(f"kept {clf.n_inputs_} of {X.shape[1]} inputs, {clf.n_neurons_} neurons, "
      f"{clf.n_synapses_} synapses; the compact form stores {net.n_weights} numbers")
print("inputs read:", net.inputs.tolist())
expected_labels = clf.predict(X_test)
expected_proba = clf.predict_proba(X_test)

# %%
# ONNX
# ----
# ``to_onnx`` registers the library's converters with skl2onnx and converts. The
# graph gathers the kept columns, then runs the small matrices: removed inputs
# and neurons are not in it. ONNX computes in float32 here, so probabilities
# agree to about 1e-6 and labels everywhere except where two classes tie to that
# precision.
try:
    import onnxruntime as ort
except ImportError:
    ort = None
    print("onnxruntime is not installed: pip install 'sklearn-nnprune[onnx]'")
if ort is not None:
    model = nnp.to_onnx(clf, X_train[:1].astype(np.float32),
                        options={type(clf): {"zipmap": False}})
    session = ort.InferenceSession(model.SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    labels, proba = session.run(None, {session.get_inputs()[0].name:
                                       X_test.astype(np.float32)})
    close = np.abs(np.diff(np.sort(expected_proba, axis=1)[:, -2:], axis=1))[:, 0] < 1e-5
    print(f"ONNX: labels equal on {np.mean((labels == expected_labels) | close):.0%} "
          f"of the test rows, largest probability difference "
          f"{np.abs(proba - expected_proba).max():.1e}")

# %%
# C
# -
# The generated C has no dynamic allocation and no mutable globals:
# ``int nnprune_predict(const double *x)`` returns the index of the class in
# ``classes_`` and ``nnprune_predict_proba`` fills the probabilities. A small
# ``main`` reads rows from standard input and prints the class indices.
source = nnp.export_code(clf, language="c")
print("\n".join(source.splitlines()[:12]))
compiler = shutil.which("cc") or shutil.which("gcc")
if compiler is None:
    print("no C compiler on this machine: the C check is skipped")
else:
    main = f"""
#include <stdio.h>
int main(void) {{
    double x[{clf.n_features_in_}];
    for (;;) {{
        for (int i = 0; i < {clf.n_features_in_}; ++i)
            if (scanf("%lf", &x[i]) != 1) return 0;
        printf("%d\\n", nnprune_predict(x));
    }}
}}
"""
    with tempfile.TemporaryDirectory() as tmp:
        c_file, program = Path(tmp) / "network.c", Path(tmp) / "network"
        c_file.write_text(source + main)
        subprocess.run([compiler, "-std=c99", "-O2", str(c_file), "-o", str(program),
                        "-lm"], check=True)
        rows = "\n".join(" ".join(repr(float(v)) for v in row) for row in X_test)
        run = subprocess.run([str(program)], input=rows, capture_output=True,
                             text=True, check=True)
    c_labels = clf.classes_[np.array(run.stdout.split(), dtype=int)]
    print(f"C: labels equal on {np.mean(c_labels == expected_labels):.0%} of the "
          "test rows")

# %%
# Python without dependencies
# ---------------------------
# The Python form needs only the standard library: paste it into any
# interpreter. ``predict`` returns the class label itself.
namespace = {}
exec(nnp.export_code(clf, language="python"), namespace)
py_labels = np.array([namespace["predict"](list(row)) for row in X_test])
py_proba = np.array([namespace["predict_proba"](list(row)) for row in X_test])
print(f"Python: labels equal on {np.mean(py_labels == expected_labels):.0%} of the "
      f"test rows, largest probability difference "
      f"{np.abs(py_proba - expected_proba).max():.1e}")
