"""Feature extraction from ECG signals."""

from sklecg.features._beat_morphology import BeatMorphologyFeatures
from sklecg.features._beat_rhythm_inputs import BeatRhythmInputs
from sklecg.features._beat_rr import BeatRRFeatures
from sklecg.features._r_peaks import detect_r_peaks
from sklecg.features._rr import RRIntervalFeatures
from sklecg.features._stft import STFTFeatures
from sklecg.features._template_difference import TemplateDifferenceFeatures

__all__ = [
    "BeatMorphologyFeatures",
    "BeatRhythmInputs",
    "BeatRRFeatures",
    "RRIntervalFeatures",
    "STFTFeatures",
    "TemplateDifferenceFeatures",
    "detect_r_peaks",
]
