"""Ready-made pipelines with the settings measured best in ``examples/``."""

from sklecg.recipes._mitbih import beats_with_rr, mitbih_beat_pipeline

__all__ = ["beats_with_rr", "mitbih_beat_pipeline"]
