"""Classification metrics used in ECG papers: specificity, a per-class report
with specificity, and the PhysioNet/CinC 2017 challenge F1."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import f1_score, multilabel_confusion_matrix
from sklearn.metrics import precision_recall_fscore_support as _prfs
from sklearn.utils.multiclass import unique_labels

from sklecg.utils.validation import check_no_missing_labels

__all__ = ["challenge_f1_score", "classification_report", "specificity_score"]

_AVERAGES = (None, "binary", "micro", "macro", "weighted")


def _check_targets(y_true, y_pred, labels=None) -> np.ndarray:
    """Check that ``y_true``/``y_pred`` match and return the labels to score.

    ``labels`` may select a subset of the classes (or order them), but every
    label it names must occur in ``y_true`` or ``y_pred``: a name that occurs in
    neither is almost always a typo (``"Normal"`` for ``"N"``) and would
    silently score 0 or 1.
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.ndim != 1 or y_pred.ndim != 1:
        raise ValueError(
            "y_true and y_pred must be 1-D arrays of class labels; got shapes "
            f"{y_true.shape} and {y_pred.shape}."
        )
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"y_true and y_pred must have the same length; got {len(y_true)} "
            f"and {len(y_pred)} labels. Pass one prediction per true label."
        )
    if len(y_true) == 0:
        raise ValueError("y_true and y_pred are empty; pass at least one label.")
    check_no_missing_labels(y_true, name="y_true")
    check_no_missing_labels(y_pred, name="y_pred")
    present = unique_labels(y_true, y_pred)
    if labels is None:
        return present
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) == 0:
        raise ValueError(f"labels must be a non-empty 1-D list; got {labels!r}.")
    missing = [lab for lab in labels.tolist() if lab not in set(present.tolist())]
    if missing:
        raise ValueError(
            f"labels {missing} occur in neither y_true nor y_pred, whose labels "
            f"are {present.tolist()}. Pass labels that appear in the data."
        )
    return labels


def _average(values: np.ndarray, support: np.ndarray, average: str | None):
    if average is None:
        return values
    if average == "macro":
        return float(values.mean())
    # weighted by the number of true samples of each class, like recall_score
    if support.sum() == 0:
        return 0.0
    return float(np.average(values, weights=support))


def specificity_score(
    y_true,
    y_pred,
    *,
    labels=None,
    pos_label=1,
    average: str | None = "binary",
    sample_weight=None,
) -> float | np.ndarray:
    """Specificity (true negative rate) ``TN / (TN + FP)`` of each class.

    For a class ``c`` the negatives are all samples whose true label is not
    ``c``; specificity is the fraction of them that were not predicted ``c``.
    The ``average`` options follow :func:`sklearn.metrics.recall_score`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        Classes to score and their order. Default: every label in ``y_true`` or
        ``y_pred``, sorted. Each must occur in ``y_true`` or ``y_pred``.
    pos_label : int or str, default=1
        The class scored when ``average="binary"``.
    average : {"binary", "micro", "macro", "weighted"} or None, default="binary"
        ``None`` returns one score per class; ``"macro"`` their unweighted
        mean; ``"weighted"`` their mean weighted by each class's number of
        true samples (its support); ``"micro"`` pools the true negatives and
        false positives of all classes; ``"binary"`` scores ``pos_label`` only
        (two classes).
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

    Returns
    -------
    specificity : float or ndarray of shape (n_labels,)
        In ``[0, 1]``. A class with no negatives (every sample has that true
        label) gets specificity 0.

    Raises
    ------
    ValueError
        ``y_true`` and ``y_pred`` of different lengths, missing labels (None
        or NaN), an unknown ``average``, labels absent from the data, or
        ``"binary"`` with more than two classes.

    See Also
    --------
    imblearn.metrics.specificity_score : The same values without
        ``sample_weight``.

    Notes
    -----
    The counts come from :func:`sklearn.metrics.multilabel_confusion_matrix`
    rather than :func:`imblearn.metrics.sensitivity_specificity_support`:
    the two agree on unweighted data
    (``tests/metrics/test_classification.py`` compares every ``average``),
    but imbalanced-learn 0.14 counts the true negatives of weighted data
    as ``n_samples - ...`` instead of the total weight, which
    gives wrong values, some above 1 (imbalanced-learn issue #1180). Where a
    class has no negatives, this returns 0 without imbalanced-learn's
    ``UndefinedMetricWarning``.

    Examples
    --------
    >>> from sklecg.metrics import specificity_score
    >>> y_true = ["N", "N", "N", "V", "V", "S"]
    >>> y_pred = ["N", "N", "V", "V", "N", "S"]
    >>> specificity_score(y_true, y_pred, average=None)
    array([0.66666667, 1.        , 0.75      ])
    >>> round(specificity_score(y_true, y_pred, average="macro"), 4)
    0.8056
    """
    if average not in _AVERAGES:
        raise ValueError(f"average must be one of {list(_AVERAGES)}; got {average!r}.")
    labels = _check_targets(y_true, y_pred, labels)
    if average == "binary":
        present = unique_labels(y_true, y_pred)
        if len(present) > 2:
            raise ValueError(
                f"average='binary' needs two classes but y_true/y_pred hold "
                f"{len(present)} ({present.tolist()}); pass average=None, "
                "'macro', 'weighted' or 'micro'."
            )
        if pos_label not in set(present.tolist()):
            raise ValueError(
                f"pos_label={pos_label!r} is not a label of y_true/y_pred "
                f"({present.tolist()}); pass pos_label=<one of them>."
            )
        labels = np.asarray([pos_label])
    mcm = multilabel_confusion_matrix(
        y_true, y_pred, labels=labels, sample_weight=sample_weight
    )
    tn, fp = mcm[:, 0, 0], mcm[:, 0, 1]
    support = mcm[:, 1, 0] + mcm[:, 1, 1]
    if average == "micro":
        negatives = tn.sum() + fp.sum()
        return float(tn.sum() / negatives) if negatives else 0.0
    negatives = tn + fp
    spec = np.divide(
        tn, negatives, out=np.zeros(len(tn), dtype=float), where=negatives > 0
    )
    if average == "binary":
        return float(spec[0])
    return _average(spec, support, average)


def classification_report(
    y_true,
    y_pred,
    *,
    labels=None,
    target_names: Sequence[str] | None = None,
    sample_weight=None,
    digits: int = 3,
    output_dict: bool = False,
    zero_division=0.0,
) -> str | dict:
    """Per-class precision, recall, specificity, F1 and support.

    Like :func:`sklearn.metrics.classification_report` with a specificity
    column, so the table holds the columns arrhythmia papers report
    (recall, specificity, precision and F1, weighted; F1 macro).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        Classes to include and their order; each must occur in the data.
    target_names : list of str, default=None
        Display names of ``labels`` (same length).
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    digits : int, default=3
        Decimals shown in the text report.
    output_dict : bool, default=False
        Return a dict ``{row: {column: value}}`` instead of text. Rows are the
        class names, ``"accuracy"`` (a float), ``"macro avg"`` and
        ``"weighted avg"``.
    zero_division : {0.0, 1.0, np.nan, "warn"}, default=0.0
        Precision/recall/F1 of a class with nothing predicted or no true
        sample, as in scikit-learn.

    Returns
    -------
    report : str or dict

    Examples
    --------
    >>> from sklecg.metrics import classification_report
    >>> y_true = ["N", "N", "N", "V", "V", "S"]
    >>> y_pred = ["N", "N", "V", "V", "N", "S"]
    >>> report = classification_report(y_true, y_pred, output_dict=True)
    >>> round(report["V"]["specificity"], 3), report["weighted avg"]["support"]
    (0.75, 6)
    """
    labels = _check_targets(y_true, y_pred, labels)
    if target_names is None:
        names = [str(lab) for lab in labels]
    elif len(target_names) != len(labels):
        raise ValueError(
            f"target_names has {len(target_names)} names but there are "
            f"{len(labels)} labels ({labels.tolist()}); pass one name per label."
        )
    else:
        names = [str(name) for name in target_names]
    precision, recall, f1, support = _prfs(
        y_true,
        y_pred,
        labels=labels,
        average=None,
        sample_weight=sample_weight,
        zero_division=zero_division,
    )
    specificity = specificity_score(
        y_true, y_pred, labels=labels, average=None, sample_weight=sample_weight
    )
    columns = {
        "precision": precision,
        "recall": recall,
        "specificity": specificity,
        "f1-score": f1,
    }
    report: dict = {}
    for i, name in enumerate(names):
        report[name] = {key: float(val[i]) for key, val in columns.items()}
        report[name]["support"] = int(support[i])
    y_t, y_p = np.asarray(y_true), np.asarray(y_pred)
    weights = None if sample_weight is None else np.asarray(sample_weight)
    report["accuracy"] = float(np.average(y_t == y_p, weights=weights))
    total = int(support.sum())
    for row, average in (("macro avg", "macro"), ("weighted avg", "weighted")):
        report[row] = {
            key: _average(val, support, average) for key, val in columns.items()
        }
        report[row]["support"] = total
    if output_dict:
        return report
    return _format_report(report, digits)


def _format_report(report: dict, digits: int) -> str:
    headers = ["precision", "recall", "specificity", "f1-score", "support"]
    width = max(len("weighted avg"), *(len(name) for name in report))
    col = max(len(h) for h in headers) + 1
    lines = [" " * width + "".join(h.rjust(col) for h in headers)]
    for name, row in report.items():
        if name == "accuracy":
            lines.append("")
            cells = " " * col * 3 + f"{row:.{digits}f}".rjust(col)
            total = report["macro avg"]["support"]
            lines.append(name.rjust(width) + cells + str(total).rjust(col))
            continue
        cells = "".join(f"{row[h]:.{digits}f}".rjust(col) for h in headers[:-1])
        lines.append(name.rjust(width) + cells + str(row["support"]).rjust(col))
    return "\n".join(lines) + "\n"


def challenge_f1_score(
    y_true,
    y_pred,
    *,
    labels: Sequence = ("N", "A", "O"),
    sample_weight=None,
) -> float:
    """PhysioNet/CinC 2017 challenge score: mean F1 of normal, AF and other.

    Each class's F1 is ``2 * TP / (n_true + n_predicted)``; the noisy class
    (``"~"``) is not averaged, but its records still count as false positives
    or false negatives of the scored classes, as in the official scorer.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : sequence, default=("N", "A", "O")
        The classes whose F1 scores are averaged: normal rhythm, atrial
        fibrillation, other rhythm. Pass your own names or encoded integers,
        e.g. ``labels=(0, 1, 2)``.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

    Returns
    -------
    score : float
        In ``[0, 1]``.

    Raises
    ------
    ValueError
        ``y_true`` and ``y_pred`` of different lengths or a label of
        ``labels`` that occurs in neither (the message lists those present).

    Examples
    --------
    >>> from sklecg.metrics import challenge_f1_score
    >>> y_true = ["N", "N", "A", "O", "~"]
    >>> y_pred = ["N", "A", "A", "O", "N"]
    >>> round(challenge_f1_score(y_true, y_pred), 4)
    0.7222
    """
    labels = _check_targets(y_true, y_pred, list(labels))
    return float(
        f1_score(
            y_true,
            y_pred,
            labels=labels,
            average="macro",
            sample_weight=sample_weight,
            zero_division=0.0,
        )
    )
