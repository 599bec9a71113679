"""Ready-made pipelines with the settings measured best in ``examples/``."""

from sklecg.recipes._cinc2017 import cinc2017_pipeline
from sklecg.recipes._mitbih import mitbih_beat_pipeline
from sklecg.recipes._mitbih_interpatient_network import (
    mitbih_interpatient_network_pipeline,
)
from sklecg.recipes._mitbih_network import mitbih_network_pipeline

__all__ = [
    "cinc2017_pipeline",
    "mitbih_beat_pipeline",
    "mitbih_interpatient_network_pipeline",
    "mitbih_network_pipeline",
]
