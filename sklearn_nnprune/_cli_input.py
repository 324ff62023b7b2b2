"""What the ``nnprune`` command reads and checks before it trains: the options'
values, the local CSV file, the output paths and the network's size.

Every problem is a :class:`_UserError`, which the command reports as one line.
"""

import argparse
import importlib.util
import math
import os
import re
import stat

import pandas as pd

from ._procedure.transparency import MAX_LEVELS

EXIT_USAGE = 2
# "scheme://": what pandas would fetch (http, ftp, s3, file, ...); only local files
# are read.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
# The first bytes of each compressed format pandas reads: the content decides, not
# the file name's suffix.
_MAGIC = ((b"\x1f\x8b", "gzip"), (b"BZh", "bz2"), (b"\xfd7zXZ\x00", "xz"),
          (b"PK\x03\x04", "zip"), (b"PK\x05\x06", "zip"),  # a zip, an empty zip
          (b"\x28\xb5\x2f\xfd", "zstd"))
# Bytes of memory per weight of the network while it is trained and pruned (the
# weights, their gradient, L-BFGS's ten pairs of history vectors, the best
# network's copy, masks) and per row and neuron (activations and their gradients).
_BYTES_PER_WEIGHT = 8 * 32
_BYTES_PER_ACTIVATION = 8 * 4
# The estimators allow up to this many weight levels (8 bits).
_MAX_LEVELS = MAX_LEVELS


class _UserError(Exception):
    """A problem with the user's input: reported as one line, no traceback."""


def _one_line(text):
    """``text`` with its control and other non-printable characters escaped, so
    that an error message is one line whatever it quotes."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text).strip())


def _whole_number(text, option_type=False):
    """``text`` as an int when it is a whole number written in ASCII digits, else
    None: ``int`` also takes other scripts' digits and underscores, ``str.isdigit``
    also superscripts (which ``int`` refuses). With ``option_type``, a number of
    more than 18 digits (no count or seed is that large; ``int`` refuses beyond 4300
    digits) is an ``argparse.ArgumentTypeError``, else None."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    if len(text) > 18:
        if option_type:
            raise argparse.ArgumentTypeError(f"{text[:20]}... is too large")
        return None
    return int(text)


def _count(text):
    """The value of an option that counts something: a positive whole number."""
    value = _whole_number(text, option_type=True)
    if value is None or value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {text!r}")
    return value


def _seed(text):
    """The value of ``--seed``: what numpy takes as a seed."""
    value = _whole_number(text, option_type=True)
    if value is None or value >= 2 ** 32:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to "
                                         f"{2 ** 32 - 1}, got {text!r}")
    return value


def _tolerance(text):
    """The value of ``--tolerance``: a finite number >= 0, in ASCII."""
    try:
        value = float(text) if text.isascii() and "_" not in text else None
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text!r}")
    return value


def _check_local_file(path):
    """Refuse a ``--data`` that is no local regular file, before anything reads it."""
    shown = _show(path)
    if not path:
        raise _UserError("--data needs the path of a CSV file, got ''")
    if _URL.match(path):
        raise _UserError(f"--data must be a local file, not a URL: {shown} (only local "
                         "files are read; download it first)")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise _UserError(f"no such file: {shown}") from None
    except OSError as exc:
        raise _UserError(f"cannot read {shown}: {exc.strerror}") from None
    if stat.S_ISDIR(mode):
        raise _UserError(f"{shown} is a folder; --data needs a CSV file")
    # A FIFO or a device (/dev/zero) could block or never end.
    if not stat.S_ISREG(mode):
        raise _UserError(f"{shown} is not a regular file; --data needs a CSV file")


def _read_frame(path):
    """The table in the local file ``path``, decompressed when its first bytes are
    those of a compressed format (whatever its name says)."""
    _check_local_file(path)
    shown = _show(path)
    compression = None
    try:
        # An open file, not the name: pandas then neither fetches URLs nor infers
        # the compression from the suffix.
        with open(path, "rb") as handle:
            head = handle.read(6)
            handle.seek(0)
            compression = next((method for magic, method in _MAGIC
                                if head.startswith(magic)), None)
            return pd.read_csv(handle, compression=compression)
    except pd.errors.EmptyDataError:
        raise _UserError(f"{shown} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise _UserError(f"cannot read {shown} as CSV: {exc}") from None
    except ImportError as exc:
        raise _UserError(f"{shown} is {compression}-compressed, which needs a package "
                         f"that is not installed: {exc}") from None
    except OSError as exc:
        if compression is None:
            raise _UserError(f"cannot read {shown}: {exc.strerror or exc}") from None
        raise _UserError(f"cannot decompress {shown} ({compression}): {exc}") from None
    except Exception as exc:
        # Corrupt or unreadable compressed data (zlib.error, lzma.LZMAError, a zip of
        # several files, ...): each decompressor raises its own.
        if compression is None:
            raise
        raise _UserError(f"cannot decompress {shown} ({compression}): {exc}") from None


def _columns(frame):
    return ", ".join(map(_show, frame.columns))


def _load_user_data(path, target, task):
    frame = _read_frame(path)
    shown = _show(path)
    if frame.shape[0] == 0:
        raise _UserError(f"{shown} has a header but no data rows")
    if target is None:
        raise _UserError(f"--data needs --target COLUMN (columns: {_columns(frame)})")
    if target not in frame.columns:
        raise _UserError(f"target column {target!r} is not in {shown} (columns: "
                         f"{_columns(frame)})")
    n_rows = len(frame)
    frame = frame.dropna()
    dropped = n_rows - len(frame)
    if len(frame) < 4:
        raise _UserError(f"only {len(frame)} rows of {shown} have no missing values; "
                         "too few to train on")
    y = frame[target]
    X = frame.drop(columns=[target])
    if X.shape[1] == 0:
        raise _UserError(f"{shown} has no column besides the target {target!r}")
    categorical = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])
                   or pd.api.types.is_bool_dtype(X[c])]
    # A text column with a different value in (nearly) every row (names,
    # identifiers) would become about one one-hot column per row: the network
    # memorizes the rows with it. Below 20 rows distinct values say nothing.
    identifiers = [c for c in categorical
                   if len(X) >= 20 and X[c].nunique() >= 0.9 * len(X)]
    if identifiers:
        X = X.drop(columns=identifiers)
        categorical = [c for c in categorical if c not in identifiers]
        if X.shape[1] == 0:
            raise _UserError(f"every column of {shown} besides the target has a "
                             f"different value in nearly every row "
                             f"({', '.join(map(_show, identifiers))}): nothing to learn "
                             "a rule from")
    # Each category's one-hot columns are one input of the network (input_groups),
    # so that pruning and the report speak of the table's own columns.
    groups = {str(c): [str(d) for d in pd.get_dummies(X[[c]], columns=[c]).columns]
              for c in categorical}
    if categorical:
        X = pd.get_dummies(X, columns=categorical, dtype=float)
        X.columns = [str(c) for c in X.columns]
    X = X.astype(float)
    if task == "auto":
        from ._targets import holds_class_labels
        task = ("classification" if holds_class_labels(y, integers_are_labels=False)
                else "regression")
    if task == "classification":
        y = y.astype(str) if not pd.api.types.is_numeric_dtype(y) else y
        if y.nunique() < 2:
            raise _UserError(f"target {target!r} has a single value; nothing to learn")
    else:
        try:
            y = y.astype(float)
        except ValueError:
            raise _UserError(f"target {target!r} is not numeric; use --task "
                             "classification") from None
    notes = []
    if dropped:
        notes.append(f"dropped {dropped} of {n_rows} rows with missing values")
    if identifiers:
        notes.append(f"ignored text columns with a different value in nearly every row "
                     f"(identifiers, not inputs): {', '.join(map(_show, identifiers))}")
    if categorical:
        notes.append(f"one-hot encoded categorical columns: "
                     f"{', '.join(map(_show, categorical))} "
                     "(each pruned as one input)")
    return X, y, task, notes, f"{shown} (target {target!r})", groups


def _load_elections():
    from .datasets import load_us_elections

    data = load_us_elections(as_frame=True)
    notes = ["US presidential elections 1860-2024, 13 Keys to the White House "
             "(A. J. Lichtman); target: the incumbent party won"]
    target = data.target.map(dict(enumerate(data.target_names)))
    return data.data.astype(float), target, "classification", notes, "US elections", {}


def _levels(text):
    """The ``weight_levels`` that ``--levels text`` asks for (None: full precision)."""
    if text in ("binary", "ternary"):
        return text
    if text == "none":
        return None
    value = _whole_number(text)
    if value is not None and 2 <= value <= _MAX_LEVELS:
        return value
    raise _UserError(f"--levels must be 'binary', 'ternary', 'none' or a number of "
                     f"levels from 2 to {_MAX_LEVELS}, got {text!r}")


def _check_outputs(args):
    """Refuse --json and --plot paths that cannot be written."""
    # Output problems are reported before the fit, not after it.
    for option, path in (("--json", args.json_path), ("--plot", args.plot_path),
                         ("--export", args.export_path)):
        if path is None:
            continue
        if not path:
            raise _UserError(f"{option} needs the path of a file to write, got ''")
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
            raise _UserError(f"cannot write {_show(path)}: {_show(folder)} is not a "
                             "writable folder")
        if os.path.isdir(path):
            raise _UserError(f"cannot write {option} {_show(path)}: it is a folder")
        if args.data and os.path.abspath(path) == os.path.abspath(args.data):
            raise _UserError(f"{option} {_show(path)} would overwrite the --data file")
    paths = [os.path.abspath(p) for p in (args.json_path, args.plot_path, args.export_path)
             if p]
    if len(set(paths)) < len(paths):
        raise _UserError("--json, --plot and --export must name different files")
    if args.export_path:
        _check_export_format(args.export_path)
    if args.plot_path:
        _check_plot_format(args.plot_path)


def _check_export_format(path):
    """Refuse an ``--export`` suffix that names no export form, or ONNX without
    its extra."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in (".py", ".c", ".onnx"):
        raise _UserError(f"--export {_show(path)}: the suffix must be .py, .c or .onnx")
    if suffix == ".onnx" and importlib.util.find_spec("skl2onnx") is None:
        raise _UserError("--export .onnx needs skl2onnx and onnx: "
                         "pip install 'sklearn-nnprune[onnx]'")


def _check_plot_format(path):
    """Refuse a ``--plot`` file whose suffix names no format matplotlib writes."""
    if importlib.util.find_spec("matplotlib") is None:
        raise _UserError("--plot needs matplotlib: pip install 'sklearn-nnprune[plot]'")
    from matplotlib.backend_bases import FigureCanvasBase

    suffix = os.path.splitext(path)[1][1:].lower()
    formats = FigureCanvasBase.get_supported_filetypes()
    if suffix and suffix not in formats:  # no suffix: matplotlib writes PNG
        raise _UserError(f"--plot {_show(path)}: matplotlib cannot write .{_show(suffix)} "
                         f"files; use one of {', '.join(sorted(formats))}")


def _check_size(estimator, X, y, task):
    """Refuse a network too large for this machine's memory, before training it."""
    n_outputs = pd.Series(y).nunique() if task == "classification" else 1
    sizes = [X.shape[1], *estimator.hidden_layer_sizes, n_outputs]
    n_weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    needed = (_BYTES_PER_WEIGHT * n_weights
              + _BYTES_PER_ACTIVATION * X.shape[0] * sum(sizes[1:]))
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # no sysconf: assume 16 GB
        memory = 16 * 2 ** 30
    if needed > memory:
        raise _UserError(
            f"a network of hidden layers {' '.join(map(str, sizes[1:-1]))} on "
            f"{X.shape[1]} inputs has {n_weights:,} weights and needs about "
            f"{needed / 2 ** 30:,.1f} GB to train, more than this machine's "
            f"{memory / 2 ** 30:,.1f} GB of memory: use fewer or smaller --hidden layers")


def _show(name):
    from ._rules import shown_name

    return shown_name(name)
