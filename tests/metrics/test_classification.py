"""Metrics checked against hand-computed confusion matrices."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import recall_score
from sklearn.model_selection import cross_validate

from sklecg.metrics import (
    challenge_f1_score,
    challenge_f1_scorer,
    classification_report,
    get_scorer,
    get_scorer_names,
    specificity_score,
    specificity_weighted_scorer,
)

# Confusion matrix (rows true, columns predicted), classes N, S, V:
#        N  S  V
#   N  [ 5, 1, 2]
#   S  [ 1, 3, 0]
#   V  [ 0, 1, 4]
CM = np.array([[5, 1, 2], [1, 3, 0], [0, 1, 4]])
CLASSES = np.array(["N", "S", "V"])


def _from_cm(cm, classes):
    y_true, y_pred = [], []
    for i, j in np.ndindex(cm.shape):
        y_true += [classes[i]] * cm[i, j]
        y_pred += [classes[j]] * cm[i, j]
    return np.array(y_true), np.array(y_pred)


Y_TRUE, Y_PRED = _from_cm(CM, CLASSES)
# Hand computed: negatives of N = 4 + 5 = 9 true S/V samples, of which
# 1 + 0 were predicted N -> TN = 8, spec = 8/9. S: negatives 8 + 5 = 13,
# FP = 1 + 1 = 2 -> 11/13. V: negatives 8 + 4 = 12, FP = 2 + 0 -> 10/12.
SPEC = np.array([8 / 9, 11 / 13, 10 / 12])
SUPPORT = np.array([8, 4, 5])


def test_specificity_per_class_matches_hand_computed():
    np.testing.assert_allclose(specificity_score(Y_TRUE, Y_PRED, average=None), SPEC)


@pytest.mark.parametrize(
    ("average", "expected"),
    [
        ("macro", SPEC.mean()),
        ("weighted", (SPEC * SUPPORT).sum() / SUPPORT.sum()),
        ("micro", (8 + 11 + 10) / (9 + 13 + 12)),
    ],
)
def test_specificity_averages(average, expected):
    assert specificity_score(Y_TRUE, Y_PRED, average=average) == pytest.approx(expected)


def test_binary_specificity_is_recall_of_the_negative_class():
    y_true = np.array([0, 0, 0, 0, 1, 1, 1])
    y_pred = np.array([0, 1, 0, 0, 1, 0, 1])
    # TN = 3, FP = 1
    assert specificity_score(y_true, y_pred) == pytest.approx(3 / 4)
    assert specificity_score(y_true, y_pred) == pytest.approx(
        recall_score(y_true, y_pred, pos_label=0)
    )
    assert specificity_score(y_true, y_pred, pos_label=0) == pytest.approx(2 / 3)


def test_specificity_labels_subset_and_order():
    got = specificity_score(Y_TRUE, Y_PRED, labels=["V", "N"], average=None)
    np.testing.assert_allclose(got, SPEC[[2, 0]])


def test_specificity_sample_weight():
    weights = np.where(Y_TRUE == "S", 2.0, 1.0)
    # S negatives unchanged; N: negatives 4*2 + 5 = 13, FP 1*2 -> 11/13
    got = specificity_score(Y_TRUE, Y_PRED, average=None, sample_weight=weights)
    assert got[0] == pytest.approx(11 / 13)
    assert got[1] == pytest.approx(11 / 13)


def test_classification_report_dict_values():
    report = classification_report(Y_TRUE, Y_PRED, output_dict=True)
    precision = np.array([5 / 6, 3 / 5, 4 / 6])
    recall = np.array([5 / 8, 3 / 4, 4 / 5])
    f1 = 2 * precision * recall / (precision + recall)
    for i, name in enumerate(CLASSES):
        row = report[name]
        assert row["precision"] == pytest.approx(precision[i])
        assert row["recall"] == pytest.approx(recall[i])
        assert row["specificity"] == pytest.approx(SPEC[i])
        assert row["f1-score"] == pytest.approx(f1[i])
        assert row["support"] == SUPPORT[i]
    assert report["accuracy"] == pytest.approx(12 / 17)
    assert report["macro avg"]["f1-score"] == pytest.approx(f1.mean())
    assert report["weighted avg"]["specificity"] == pytest.approx(
        (SPEC * SUPPORT).sum() / 17
    )
    assert report["weighted avg"]["recall"] == pytest.approx(12 / 17)
    assert report["macro avg"]["support"] == 17


def test_classification_report_text():
    text = classification_report(
        Y_TRUE, Y_PRED, target_names=["normal", "sveb", "veb"], digits=2
    )
    lines = text.splitlines()
    assert lines[0].split() == [
        "precision",
        "recall",
        "specificity",
        "f1-score",
        "support",
    ]
    assert lines[1].split() == ["normal", "0.83", "0.62", "0.89", "0.71", "8"]
    assert "weighted avg" in text and "macro avg" in text and "accuracy" in text


def test_challenge_f1_hand_computed():
    y_true = ["N", "N", "N", "A", "A", "O", "O", "~"]
    y_pred = ["N", "N", "O", "A", "N", "O", "~", "N"]
    # N: TP 2, true 3, predicted 4 -> 4/7; A: TP 1, 2 true, 1 pred -> 2/3;
    # O: TP 1, 2 true, 2 predicted -> 1/2. "~" is not averaged.
    expected = (4 / 7 + 2 / 3 + 1 / 2) / 3
    assert challenge_f1_score(y_true, y_pred) == pytest.approx(expected)
    coded = {"N": 0, "A": 1, "O": 2, "~": 3}
    got = challenge_f1_score(
        [coded[v] for v in y_true], [coded[v] for v in y_pred], labels=(0, 1, 2)
    )
    assert got == pytest.approx(expected)


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_missing_labels_are_named_instead_of_a_sorting_type_error(missing):
    y = np.array(["N", missing, "V", "N"], dtype=object)
    with pytest.raises(ValueError, match=r"^y_true has 1 missing label\(s\) \(None"):
        specificity_score(y, ["N", "N", "V", "V"], average="macro")
    with pytest.raises(ValueError, match=r"^y_pred has 1 missing label\(s\)"):
        classification_report(["N", "N", "V", "V"], y)


def test_mismatched_lengths_raise():
    with pytest.raises(ValueError, match="same length; got 3 and 2"):
        specificity_score([0, 1, 1], [0, 1], average="macro")
    with pytest.raises(ValueError, match="same length"):
        challenge_f1_score(["N", "A"], ["N"])
    with pytest.raises(ValueError, match="same length"):
        classification_report([0, 1], [0, 1, 1])


def test_labels_missing_from_data_raise():
    with pytest.raises(ValueError, match=r"labels \['Normal'\] occur in neither"):
        challenge_f1_score(
            ["N", "A", "O"], ["N", "A", "O"], labels=("Normal", "A", "O")
        )
    with pytest.raises(ValueError, match=r"labels \['F'\] occur in neither"):
        specificity_score(Y_TRUE, Y_PRED, labels=["N", "F"], average=None)
    with pytest.raises(ValueError, match="one name per label"):
        classification_report(Y_TRUE, Y_PRED, target_names=["a", "b"])


def test_bad_average_and_binary_on_multiclass():
    with pytest.raises(ValueError, match="average must be one of"):
        specificity_score(Y_TRUE, Y_PRED, average="samples")
    with pytest.raises(ValueError, match="average='binary' needs two classes"):
        specificity_score(Y_TRUE, Y_PRED)
    with pytest.raises(ValueError, match="pos_label=1 is not a label"):
        specificity_score(["a", "b"], ["a", "b"])


def test_scorers_in_cross_validate():
    rng = np.random.default_rng(0)
    y = np.repeat(np.array(["N", "A", "O", "~"]), 30)
    X = rng.normal(size=(120, 4)) + (np.arange(120) // 30)[:, None]
    scores = cross_validate(
        LogisticRegression(max_iter=500),
        X,
        y,
        cv=3,
        scoring={
            "challenge_f1": challenge_f1_scorer,
            "macro_f1": "f1_macro",
            "specificity_w": specificity_weighted_scorer,
            "spec_macro": get_scorer("specificity_macro"),
        },
    )
    for key in ("challenge_f1", "macro_f1", "specificity_w", "spec_macro"):
        assert np.all((scores[f"test_{key}"] > 0.3) & (scores[f"test_{key}"] <= 1))


def test_get_scorer_names_and_errors():
    names = get_scorer_names()
    assert {"challenge_f1", "specificity_weighted", "accuracy"} <= set(names)
    assert get_scorer("accuracy") is not None
    assert get_scorer(challenge_f1_scorer) is challenge_f1_scorer
    with pytest.raises(ValueError, match="sklecg adds"):
        get_scorer("chalenge_f1")


@pytest.mark.realdata
def test_report_on_real_beats_agrees_with_sklearn(mitbih_beats_small):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import classification_report as sk_report
    from sklearn.model_selection import cross_val_predict

    data = mitbih_beats_small
    y = data.target_names[data.target]
    y_pred = cross_val_predict(
        RandomForestClassifier(n_estimators=20, random_state=0), data.data, y, cv=3
    )
    ours = classification_report(y, y_pred, output_dict=True)
    theirs = sk_report(y, y_pred, output_dict=True, zero_division=0.0)
    for name in [*np.unique(y), "macro avg", "weighted avg"]:
        for key in ("precision", "recall", "f1-score", "support"):
            assert ours[name][key] == pytest.approx(theirs[name][key])
    for label in np.unique(y):
        # specificity of a class = recall of "not that class"
        expected = recall_score(y != label, y_pred != label)
        assert ours[label]["specificity"] == pytest.approx(expected)
    assert ours["accuracy"] == pytest.approx(theirs["accuracy"])


@pytest.mark.realdata
def test_scoring_dict_on_real_cinc2017(cinc2017_small):
    from sklearn.dummy import DummyClassifier
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline

    from sklecg.features import RRIntervalFeatures

    data = cinc2017_small
    pipe = make_pipeline(
        RRIntervalFeatures(fs=300),
        RandomForestClassifier(n_estimators=100, random_state=0),
    )
    scoring = {
        "challenge_f1": challenge_f1_scorer,
        "macro_f1": "f1_macro",
        "specificity_w": specificity_weighted_scorer,
    }
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    scores = cross_validate(pipe, data.data, data.target, cv=cv, scoring=scoring)
    dummy = cross_validate(
        DummyClassifier(strategy="stratified", random_state=0),
        np.zeros((len(data.target), 1)),
        data.target,
        cv=cv,
        scoring=scoring,
    )
    # rhythm features separate N, A and O well above chance (seen: challenge
    # F1 0.675, macro F1 0.507, weighted specificity 0.776)
    for key in ("challenge_f1", "specificity_w"):
        assert scores[f"test_{key}"].mean() > dummy[f"test_{key}"].mean() + 0.1
    # the noisy class is rare and badly predicted: it lowers the macro F1
    assert scores["test_macro_f1"].mean() < scores["test_challenge_f1"].mean()


# ------------------------------------------------- against imbalanced-learn
def _random_labels(seed, n=200, classes=("N", "S", "V", "F")):
    rng = np.random.default_rng(seed)
    y_true = rng.choice(classes, n, p=[0.7, 0.15, 0.1, 0.05])
    y_pred = np.where(rng.random(n) < 0.7, y_true, rng.choice(classes, n))
    return y_true, y_pred


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("average", [None, "macro", "weighted", "micro"])
def test_specificity_equals_imblearn_on_unweighted_data(seed, average):
    from imblearn.metrics import specificity_score as imblearn_specificity

    y_true, y_pred = _random_labels(seed)
    np.testing.assert_allclose(
        specificity_score(y_true, y_pred, average=average),
        imblearn_specificity(y_true, y_pred, average=average),
        rtol=1e-12,
    )
    labels = ["V", "N"]
    np.testing.assert_allclose(
        specificity_score(y_true, y_pred, labels=labels, average=average),
        imblearn_specificity(y_true, y_pred, labels=labels, average=average),
        rtol=1e-12,
    )


def test_binary_specificity_equals_imblearn():
    from imblearn.metrics import specificity_score as imblearn_specificity

    y_true, y_pred = _random_labels(3, classes=("N", "A", "A", "A"))
    for pos_label in ("N", "A"):
        assert specificity_score(y_true, y_pred, pos_label=pos_label) == pytest.approx(
            imblearn_specificity(y_true, y_pred, pos_label=pos_label)
        )


def test_weighted_specificity_equals_that_of_repeated_rows():
    # imbalanced-learn 0.14 gets this case wrong (issue #1180), hence our own
    # counts from sklearn's multilabel_confusion_matrix
    y_true, y_pred = _random_labels(4)
    weights = np.random.default_rng(4).integers(0, 4, len(y_true))
    repeated = np.repeat(np.arange(len(y_true)), weights)
    for average in (None, "macro", "weighted", "micro"):
        np.testing.assert_allclose(
            specificity_score(y_true, y_pred, average=average, sample_weight=weights),
            specificity_score(y_true[repeated], y_pred[repeated], average=average),
            rtol=1e-12,
        )


def test_report_columns_equal_imblearns_imbalanced_report():
    from imblearn.metrics import classification_report_imbalanced

    y_true, y_pred = _random_labels(5)
    ours = classification_report(y_true, y_pred, output_dict=True)
    theirs = classification_report_imbalanced(y_true, y_pred, output_dict=True)
    columns = {"pre": "precision", "rec": "recall", "spe": "specificity"}
    columns["f1"] = "f1-score"
    for short, name in columns.items():
        for label in ("F", "N", "S", "V"):
            assert ours[label][name] == pytest.approx(theirs[label][short])
        # imblearn's single "avg / total" row is our support-weighted average
        assert ours["weighted avg"][name] == pytest.approx(theirs[f"avg_{short}"])
    for label in ("F", "N", "S", "V"):
        assert ours[label]["support"] == theirs[label]["sup"]
    assert ours["weighted avg"]["support"] == theirs["total_support"]
