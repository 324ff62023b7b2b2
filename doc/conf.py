"""Sphinx configuration of the sklearn-nnprune documentation.

Build (from this folder, warnings are errors):

    python -m sphinx -W --keep-going -b html . _build/html

The build needs no network: MathJax is served from the built site itself
(sphinx-mathjax-offline) and intersphinx has no remote inventories. The gallery
runs every ``../examples/plot_*.py``.
"""

import inspect
import re
import sys
from pathlib import Path

from threadpoolctl import threadpool_limits

HERE = Path(__file__).resolve().parent
# Document the working tree even when the package is not installed.
sys.path.insert(0, str(HERE.parent))

import sklearn_nnprune  # noqa: E402
import sklearn_nnprune.datasets  # noqa: E402
import sklearn_nnprune.plot  # noqa: E402

# The gallery runs its examples in this process. They work on small matrices, where
# threaded BLAS and OpenMP only add start-up cost (several times slower on a busy
# machine); joblib's workers get their own limits from joblib.
threadpool_limits(1)

project = "sklearn-nnprune"
author = "the sklearn-nnprune developers"
copyright = "the sklearn-nnprune developers"
release = version = sklearn_nnprune.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    # Copies MathJax into _static so that formulas render without a network.
    "sphinx-mathjax-offline",
]

templates_path = ["_templates"]
# _api_generated.rst is read through api.rst's include, not as a page of its own.
exclude_patterns = ["_build", "_api_generated.rst", "_deploy_*.rst"]
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"
default_role = "literal"

# The build has no network access: no remote inventories. Cross-references to
# scikit-learn, numpy or pandas objects render as plain code.
intersphinx_mapping = {}

# -- API reference generated from the package's __all__ ------------------------
# api.rst includes _api_generated.rst, written here from the __all__ lists, so the
# reference follows what the package exports without editing the page.


def _public(module):
    return [getattr(module, name) for name in module.__all__]


def _autosummary(module_name, objects):
    lines = [f".. currentmodule:: {module_name}", "",
             ".. autosummary::", "   :toctree: generated/", "   :nosignatures:", ""]
    lines += [f"   {obj.__name__}" for obj in objects]
    return "\n".join(lines) + "\n\n"


def _write_api_entries():
    exported = [obj for obj in _public(sklearn_nnprune) if not inspect.ismodule(obj)]
    classes = sorted((o for o in exported if inspect.isclass(o)), key=lambda o: o.__name__)
    functions = sorted((o for o in exported if inspect.isfunction(o)),
                       key=lambda o: o.__name__)
    other = [o for o in exported if o not in classes and o not in functions]
    if other:
        raise RuntimeError(f"api: no section for {other!r} in sklearn_nnprune.__all__")
    sections = [
        ("Estimators and transformers", "sklearn_nnprune", classes),
        ("Functions", "sklearn_nnprune", functions),
        ("Plots", "sklearn_nnprune.plot", _public(sklearn_nnprune.plot)),
        ("Data sets", "sklearn_nnprune.datasets", _public(sklearn_nnprune.datasets)),
    ]
    text = ""
    for title, module_name, objects in sections:
        text += f"{title}\n{'-' * len(title)}\n\n"
        if module_name != "sklearn_nnprune":
            text += f"``{module_name}``\n\n"
        text += _autosummary(module_name, objects)
    target = HERE / "_api_generated.rst"
    # Rewrite only on change, so that Sphinx does not rebuild api.html every time.
    if not target.exists() or target.read_text() != text:
        target.write_text(text)


_write_api_entries()

autosummary_generate = ["api.rst", "_api_generated.rst"]
autosummary_imported_members = True
autodoc_typehints = "none"

# numpydoc renders the docstrings; class members are listed by the autosummary
# class template instead.
numpydoc_show_class_members = False
numpydoc_attributes_as_param_list = True
# Every documented object must have a docstring (numpydoc's check GL08); the rest
# of numpydoc's style checklist is not enforced by the documentation build.
numpydoc_validation_checks = {"GL08"}

# -- Docstrings as reStructuredText ------------------------------------------------
# The docstrings are written to read well in help() too, where fitted attributes
# appear bare ("of shape (n_features_in_,)"). In reStructuredText a bare word
# ending in "_" is a hyperlink reference to a target that does not exist, so it
# is shown as code instead. Inherited scikit-learn docstrings refer to labels and
# glossary terms of scikit-learn's own site, which this build has no inventory
# of (no network); those references are shown as their text.
# Spans left alone: literals, roles and interpreted text, strong emphasis (the
# names numpydoc puts in bold).
_LITERAL = re.compile(r"(``.+?``|`[^`]*`|\*\*.+?\*\*)")
_BARE_ATTRIBUTE = re.compile(r"(?<![\w`*|\\])([A-Za-z]\w*_)(?![\w`*])")
_FOREIGN_ROLE = re.compile(r":(?:ref|term):`(?:([^`<]*?)\s*<[^`>]*>|([^`]*))`")


def _code_blocks(lines):
    """Flags, one per line: inside a literal block ("::") or a doctest."""
    flags, literal_indent, doctest = [], None, False
    for line in lines:
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if literal_indent is not None and stripped and indent <= literal_indent:
            literal_indent = None
        if stripped.startswith(">>>"):
            doctest = True
        elif not stripped:
            doctest = False
        flags.append(literal_indent is not None or doctest)
        if literal_indent is None and not doctest and stripped.endswith("::"):
            literal_indent = indent
    return flags


def _render_docstring(app, what, name, obj, options, lines):
    module = getattr(obj, "__module__", None) or ""
    if not module.startswith("sklearn_nnprune"):
        lines[:] = [_FOREIGN_ROLE.sub(lambda m: m.group(1) or m.group(2) or "", line)
                    for line in lines]
        return
    for i, (line, in_code) in enumerate(zip(lines, _code_blocks(lines))):
        if in_code:
            continue
        parts = _LITERAL.split(line)
        # Even parts are plain text, odd parts the spans above.
        parts[::2] = [_BARE_ATTRIBUTE.sub(r"``\1``", part) for part in parts[::2]]
        lines[i] = "".join(parts)


def setup(app):
    # After numpydoc (priority 500) has turned the sections into reStructuredText.
    app.connect("autodoc-process-docstring", _render_docstring, priority=600)


# -- The gallery -----------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    # An example that fails breaks the build.
    "abort_on_example_error": True,
    "doc_module": ("sklearn_nnprune",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sklearn_nnprune": None},
    "inspect_global_variables": False,
    "remove_config_comments": True,
    "download_all_examples": False,
    "matplotlib_animations": False,
    "min_reported_time": 1,
}

# -- HTML ------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-nnprune {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": False,
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path = []
html_show_sourcelink = False
# The pages are reached from the top bar; a left sidebar would stay empty.
html_sidebars = {"**": []}
