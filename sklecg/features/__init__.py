"""Feature extraction from ECG signals."""

from sklecg.features._beat_morphology import BeatMorphologyFeatures
from sklecg.features._beat_rr import BeatRRFeatures
from sklecg.features._rr import RRIntervalFeatures, detect_r_peaks
from sklecg.features._stft import STFTFeatures

__all__ = [
    "BeatMorphologyFeatures",
    "BeatRRFeatures",
    "RRIntervalFeatures",
    "STFTFeatures",
    "detect_r_peaks",
]
