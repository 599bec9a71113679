"""Inspecting fitted ECG networks: Grad-CAM maps and penultimate embeddings."""

from ._embeddings import embeddings
from ._gradcam import grad_cam

__all__ = ["embeddings", "grad_cam"]
