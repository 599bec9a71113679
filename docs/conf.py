"""Sphinx configuration of the sklecg documentation.

The API reference is written here, at configuration time, from the
``__all__`` of every public sklecg module (``api/``, not kept in git), so
that a name added to ``__all__`` is documented without editing these
sources. Autosummary then writes one page per name from its docstring, and
sphinx-gallery runs ``examples/gallery/plot_*.py`` into ``auto_examples/``.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
from pathlib import Path

# One OpenMP / PyTorch thread unless told otherwise (before torch is first
# imported): the gallery's small networks gain nothing from more, and on a
# shared machine competing threads were measured to slow training tenfold.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

from sphinx.pycode import ModuleAnalyzer  # noqa: E402

import sklecg  # noqa: E402

# The gallery scripts run in examples/gallery: a mirror folder given relative
# to where the build started must keep pointing at the same place.
_mirror = os.environ.get("SKLECG_PHYSIONET_MIRROR")
if _mirror and Path(_mirror).is_dir():
    os.environ["SKLECG_PHYSIONET_MIRROR"] = str(Path(_mirror).resolve())

DOCS = Path(__file__).resolve().parent

project = "sklecg"
author = "sklecg developers"
copyright = "sklecg developers"
release = version = sklecg.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

exclude_patterns = ["_build"]
templates_path = ["_templates"]
root_doc = "index"

html_theme = "pydata_sphinx_theme"
html_title = f"sklecg {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
}
html_sidebars = {"index": []}
html_static_path = ["_static"]
html_css_files = ["sklecg.css"]

autosummary_generate = True
autodoc_default_options = {"members": False, "inherited-members": False}
autodoc_typehints = "none"
# Defaults as written in the source (``torch.nn.CrossEntropyLoss``, not a repr).
autodoc_preserve_defaults = True
# Class pages list their methods themselves (templates/autosummary/class.rst);
# numpydoc's own member tables would repeat them as autosummary stubs.
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = set()

sphinx_gallery_conf = {
    "examples_dirs": str(DOCS.parent / "examples" / "gallery"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "show_memory": False,
    "matplotlib_animations": False,
    "doc_module": ("sklecg",),
    "backreferences_dir": "api/generated/backreferences",
}


def _public_modules() -> list[str]:
    """``sklecg`` and each of its modules whose dotted name has no ``_`` part."""
    names = []
    for info in pkgutil.walk_packages(sklecg.__path__, prefix="sklecg."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


# A constant's value is shown on its module's page up to this many characters.
_LONGEST_VALUE = 200


def _kind(obj) -> str:
    if inspect.isclass(obj):
        return "Classes"
    if callable(obj):
        return "Functions"
    return "Constants"


def _module_page(name: str) -> str:
    module = importlib.import_module(name)
    groups: dict[str, list[str]] = {"Classes": [], "Functions": [], "Constants": []}
    for member in sorted(module.__all__, key=str.lower):
        groups[_kind(getattr(module, member))].append(member)
    lines = [
        name,
        "=" * len(name),
        "",
        f".. automodule:: {name}",
        "   :no-members:",
        "",
        f".. currentmodule:: {name}",
        "",
    ]
    for title, template in (("Classes", "class.rst"), ("Functions", "function.rst")):
        if groups[title]:
            lines += [title, "-" * len(title), "", ".. autosummary::"]
            lines += ["   :toctree: generated/", "   :nosignatures:"]
            lines += [f"   :template: {template}", ""]
            lines += [f"   {member}" for member in groups[title]] + [""]
    if groups["Constants"]:
        lines += ["Constants", "---------", ""]
    for member in groups["Constants"]:
        lines.append(f".. autodata:: {member}")
        if len(repr(getattr(module, member))) > _LONGEST_VALUE:
            lines.append("   :no-value:")
        lines.append("")
    return "\n".join(lines)


def _write_api_reference() -> None:
    """Write ``api/index.rst`` and one page per public module (if changed)."""
    api = DOCS / "api"
    api.mkdir(exist_ok=True)
    modules = [m for m in _public_modules() if importlib.import_module(m).__all__]
    pages = {f"{m}.rst": _module_page(m) for m in modules if m != "sklecg"}
    pages["index.rst"] = "\n".join(
        [
            "API reference",
            "=============",
            "",
            "Every name in the ``__all__`` of a public sklecg module, with its",
            "docstring. Estimators follow the scikit-learn API (``fit``,",
            "``transform`` / ``predict``, ``get_params`` / ``set_params``).",
            "",
            ".. toctree::",
            "   :maxdepth: 1",
            "",
        ]
        + [f"   {m}" for m in modules if m != "sklecg"]
        + [""]
    )
    for filename, text in pages.items():
        path = api / filename
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


_write_api_reference()


def _constant_docstring(app, what, name, obj, options, lines) -> None:
    """Document a re-exported constant by the ``#:`` comment where it is set.

    autodoc reads ``#:`` comments from the module it is told (the public
    package), not from the private module that assigns the constant, and
    would otherwise show the docstring of the constant's type.
    """
    if what != "data":
        return
    package_name, attr = name.rsplit(".", 1)
    package = importlib.import_module(package_name)
    for info in pkgutil.iter_modules(package.__path__, prefix=f"{package_name}."):
        comment = ModuleAnalyzer.for_module(info.name).find_attr_docs().get(("", attr))
        if comment:
            lines[:] = list(comment)
            return


def setup(app) -> None:
    app.connect("autodoc-process-docstring", _constant_docstring)
