"""Export a fitted ECGClassifier's network to ONNX."""

from __future__ import annotations

import copy
import json
import os
import tempfile
import warnings
from pathlib import Path

import torch
from sklearn.utils.validation import check_is_fitted
from torch import nn

from sklecg.nn._inputs import takes_any_length

__all__ = ["export_onnx"]

_INPUT, _OUTPUT = "signals", "probabilities"
_OPSET = 17


class _ProbabilityGraph(nn.Module):
    """The network as ``predict_proba`` runs it: channel axis, softmax."""

    def __init__(self, module: nn.Module, add_channel: bool):
        super().__init__()
        self.module = module
        self.add_channel = add_channel

    def forward(self, signals: torch.Tensor) -> torch.Tensor:
        if self.add_channel:
            signals = signals.unsqueeze(1)
        return torch.softmax(self.module(signals), dim=-1)


def export_onnx(estimator, path: str | os.PathLike) -> Path:
    """Write a fitted :class:`ECGClassifier`'s network to an ONNX file.

    The graph takes the float32 array that ``predict_proba`` takes, named
    ``"signals"``: ``(n_samples, n_timesteps)``, ``(n_samples, n_leads,
    n_timesteps)`` or ``(n_samples, n_freqs, n_frames)`` for spectrogram
    modules, exactly as seen in ``fit`` (the channel axis, when ``fit`` added
    one, is added inside the graph). Its output ``"probabilities"`` holds the
    softmax class probabilities, columns in ``classes_`` order. The batch
    axis is dynamic; so is the last (time) axis when the network accepts any
    length (global pooling, as in :class:`RhythmResNet`). The class labels
    are stored as a JSON list of strings under the metadata key
    ``"classes"``.

    Parameters
    ----------
    estimator : fitted ECGClassifier
        The classifier to export (its ``module_``, in evaluation mode).
    path : str or path-like
        Destination ``.onnx`` file, in an existing folder. It is written
        atomically: a temporary file in the same folder replaces ``path``
        only once complete.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If ``estimator`` is not fitted.
    ValueError
        If the folder of ``path`` does not exist.
    ImportError
        If the ``onnx`` package is not installed.

    Notes
    -----
    The graph computes in float32 even for ``precision="bf16"``, whose
    ``predict_proba`` runs under bfloat16 autocast; the probabilities then
    differ from ``predict_proba`` by bfloat16 rounding.

    Examples
    --------
    >>> import json, tempfile
    >>> import numpy as np, onnx, onnxruntime
    >>> from sklecg.nn import ECGClassifier, SimpleCNN, export_onnx
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 64)).astype(np.float32)
    >>> y = np.array(["N", "V"] * 20)
    >>> clf = ECGClassifier(SimpleCNN, max_epochs=1, random_state=0).fit(X, y)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = export_onnx(clf, f"{folder}/net.onnx")
    ...     meta = {p.key: p.value for p in onnx.load(path).metadata_props}
    ...     session = onnxruntime.InferenceSession(path)
    ...     (proba,) = session.run(None, {"signals": X[:3]})
    >>> json.loads(meta["classes"])
    ['N', 'V']
    >>> bool(np.allclose(proba, clf.predict_proba(X[:3]), atol=1e-5))
    True
    """
    check_is_fitted(estimator)
    try:
        import onnx
    except ImportError as exc:
        raise ImportError(
            'export_onnx needs the onnx package: pip install "sklecg[onnx]"'
        ) from exc
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise ValueError(
            f"Cannot write {str(path)!r}: its folder {str(folder)!r} does not "
            "exist. Create it first."
        )

    module = copy.deepcopy(estimator.module_).to("cpu").eval()
    shape = tuple(estimator.input_shape_)
    # fit added a channel axis to 2-D signals (input_shape_ (1, t)) and to
    # every spectrogram; the graph takes what predict_proba takes
    add_channel = len(shape) == 3 or shape == (1, estimator.n_features_in_)
    graph = _ProbabilityGraph(module, add_channel).eval()
    example = torch.zeros((2, *(shape[1:] if add_channel else shape)))
    axes = {0: "batch"}
    if takes_any_length(type(module)):  # as predict_proba takes it
        axes[example.ndim - 1] = "time"

    descriptor, temp = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=folder
    )
    os.close(descriptor)
    try:
        # The TorchScript exporter (dynamo=False) is used: it traces the
        # eval-mode forward once and handles every sklecg network, the LSTMs
        # (nn.LSTM becomes one ONNX LSTM node) and the dynamic batch and time
        # axes included, with no dependency beyond torch and onnx. The
        # default dynamo exporter (torch.export) also needs onnxscript, which
        # the onnx extra does not install.
        with torch.no_grad(), warnings.catch_warnings():
            # tracing notes (LSTM size checks, constant folding, the batch
            # size of the LSTM's zero initial state): the graph is checked
            # against predict_proba at other batch sizes and lengths in the
            # tests
            warnings.simplefilter("ignore", torch.jit.TracerWarning)
            warnings.filterwarnings("ignore", module=r"torch\.onnx")
            # dynamo=False is deliberate (see above): no deprecation notice
            warnings.filterwarnings("ignore", "You are using the legacy")
            torch.onnx.export(
                graph,
                (example,),
                temp,
                dynamo=False,
                input_names=[_INPUT],
                output_names=[_OUTPUT],
                dynamic_axes={_INPUT: axes, _OUTPUT: {0: "batch"}},
                opset_version=_OPSET,
            )
        model = onnx.load(temp)
        classes = [str(label) for label in estimator.classes_]
        entry = model.metadata_props.add()
        entry.key, entry.value = "classes", json.dumps(classes)
        onnx.save(model, temp)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise
    return path
