"""Piecewise-constant compression of ECG signals and its binary file format."""

from sklecg.compression._io import (
    HEADER_SIZE,
    CompressedSignals,
    load_compressed,
    save_compressed,
)
from sklecg.compression._piecewise import (
    PiecewiseConstantCompressor,
    compression_error,
    reconstruct,
    segment_starts,
)

__all__ = [
    "HEADER_SIZE",
    "CompressedSignals",
    "PiecewiseConstantCompressor",
    "compression_error",
    "load_compressed",
    "reconstruct",
    "save_compressed",
    "segment_starts",
]
