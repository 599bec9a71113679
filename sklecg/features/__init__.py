"""Feature extraction from ECG signals."""

from sklecg.features._stft import STFTFeatures

__all__ = ["STFTFeatures"]
