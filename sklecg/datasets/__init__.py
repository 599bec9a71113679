"""Data sets: PhysioNet fetchers, the Kaggle heartbeat CSV reader and a
synthetic ECG generator.

Fetchers follow scikit-learn's conventions: a ``data_home`` folder (default
``~/sklecg_data``, or ``SKLECG_DATA``), ``download_if_missing``,
``return_X_y`` and a :class:`~sklearn.utils.Bunch` result. Zips come from the
``mirror`` argument, else the ``SKLECG_PHYSIONET_MIRROR`` environment variable
(a local folder or a base URL), else PhysioNet.
"""

from sklecg.datasets._base import clear_data_home, get_data_home
from sklecg.datasets._beat_table import (
    RR_COLUMNS,
    make_beat_table,
    window_groups,
    window_span,
)
from sklecg.datasets._cinc2017 import fetch_cinc2017
from sklecg.datasets._csv import load_heartbeat_csv
from sklecg.datasets._mitbih import fetch_mitbih
from sklecg.datasets._mitbih_beats import fetch_mitbih_beats
from sklecg.datasets._synthetic import make_ecg_classification

__all__ = [
    "RR_COLUMNS",
    "clear_data_home",
    "fetch_cinc2017",
    "fetch_mitbih",
    "fetch_mitbih_beats",
    "get_data_home",
    "load_heartbeat_csv",
    "make_beat_table",
    "make_ecg_classification",
    "window_groups",
    "window_span",
]
