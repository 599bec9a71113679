"""Signal preprocessing: fixed length / sampling rate, per-signal scaling."""

from sklecg.preprocessing._resampler import Resampler
from sklecg.preprocessing._scaler import SignalScaler

__all__ = ["Resampler", "SignalScaler"]
