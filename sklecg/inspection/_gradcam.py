"""Grad-CAM (Selvaraju et al., 2017) for 1-D and 2-D ECG networks."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..utils.validation import check_signals, signal_lengths
from ._utils import get_neural_classifier

__all__ = ["grad_cam"]

_CONVS = (nn.Conv1d, nn.Conv2d)


def _find_layer(module: nn.Module, layer) -> tuple[str, nn.Module]:
    convs = [(n, m) for n, m in module.named_modules() if isinstance(m, _CONVS)]
    if layer is None:
        if not convs:
            raise ValueError(
                f"{type(module).__name__} has no Conv1d/Conv2d layer, so Grad-CAM "
                "has no feature map to weight; pass layer=<name of a layer with "
                "a (batch, channels, time[, freq]) output>."
            )
        return convs[-1]
    named = dict(module.named_modules())
    if isinstance(layer, str):
        if layer not in named:
            raise ValueError(
                f"layer={layer!r} is not a submodule of {type(module).__name__}; "
                f"its convolutions are {[n for n, _ in convs]}."
            )
        return layer, named[layer]
    for name, candidate in named.items():
        if candidate is layer:
            return name, layer
    raise ValueError(
        f"layer {type(layer).__name__} is not a submodule of the fitted "
        f"{type(module).__name__}; pass one of its layers or its name, e.g. "
        f"{[n for n, _ in convs]}."
    )


def _target_indices(net, target, n: int) -> np.ndarray | None:
    if target is None:
        return None
    classes = np.asarray(net.classes_)
    targets = np.asarray(target)
    targets = np.full(n, targets) if targets.ndim == 0 else targets
    if targets.shape != (n,):
        raise ValueError(
            f"target must be one class or one class per signal ({n}); got shape "
            f"{targets.shape}."
        )
    lookup = {c: i for i, c in enumerate(classes.tolist())}
    unknown = sorted({t for t in targets.tolist() if t not in lookup}, key=str)
    if unknown:
        raise ValueError(
            f"target {unknown} not among the classifier's classes {classes.tolist()}."
        )
    return np.array([lookup[t] for t in targets.tolist()])


def _cam_batch(module, layer, x, targets) -> np.ndarray:
    """Grad-CAM of one batch at the resolution of the network input."""
    store = {}

    def hook(_, __, output):
        store["act"] = output
        output.register_hook(lambda grad: store.__setitem__("grad", grad))

    handle = layer.register_forward_hook(hook)
    try:
        with torch.enable_grad(), torch.backends.cudnn.flags(enabled=False):
            logits = module(x)
            if targets is None:
                idx = logits.argmax(dim=1)
            else:
                idx = torch.as_tensor(targets, device=logits.device)
            module.zero_grad()
            logits.gather(1, idx[:, None]).sum().backward()
    finally:
        handle.remove()
    act, grad = store["act"], store["grad"]
    if act.ndim not in (3, 4):
        raise ValueError(
            f"the Grad-CAM layer outputs shape {tuple(act.shape)}; it needs "
            "(batch, channels, time) or (batch, channels, freq, time)."
        )
    spatial = tuple(range(2, act.ndim))
    weights = grad.mean(dim=spatial, keepdim=True)
    cam = F.relu((weights * act).sum(dim=1, keepdim=True)).detach()
    mode = "linear" if act.ndim == 3 else "bilinear"
    cam = F.interpolate(cam, size=x.shape[2:], mode=mode, align_corners=False)
    return cam[:, 0].cpu().numpy()


def _frame_positions(estimator, n_frames: int):
    """Sample positions of the frame centres and the STFT input length."""
    steps = getattr(estimator, "steps", [])
    if len(steps) >= 2:
        stft = steps[-2][1]
        if hasattr(stft, "times_") and len(stft.times_) == n_frames:
            return stft.times_ * stft.fs, stft.n_timesteps_
    # unknown transform: frames spread evenly over the signal
    return np.arange(n_frames) + 0.5, n_frames


def _to_length(profile: np.ndarray, positions, span: int, length: int) -> np.ndarray:
    """Interpolate a profile sampled at ``positions`` of ``[0, span)`` onto
    ``length`` evenly spaced points of the same span."""
    grid = (np.arange(length) + 0.5) * span / length
    return np.interp(grid, positions, profile)


def _min_max(cam: np.ndarray) -> np.ndarray:
    """Scale to [0, 1]; a constant map (no evidence) becomes zeros."""
    span = cam.max() - cam.min()
    return (cam - cam.min()) / span if span > 0 else np.zeros_like(cam)


def grad_cam(
    estimator,
    X,
    *,
    target=None,
    layer: str | nn.Module | None = None,
    batch_size: int = 64,
):
    """Gradient-weighted class activation maps of a fitted ECG network.

    For each signal, the feature maps ``A`` of ``layer`` are weighted by the
    mean gradient of the target class's logit and summed over channels,
    ``ReLU(sum_k mean(dL/dA_k) * A_k)``, then brought back to the time axis
    of the **input signal**: stretched by linear interpolation from the
    layer's resolution to the network's input and from there to the length
    of each signal given in ``X`` (so preprocessing that resamples -- e.g.
    :class:`~sklecg.preprocessing.Resampler` -- is undone; a crop is
    stretched too). For 2-D networks on spectrograms the map is averaged over
    frequencies and each frame is placed at its centre (taken from the
    pipeline's :class:`~sklecg.features.STFTFeatures`), then interpolated to
    the signal's samples. Each map is scaled to a maximum of 1.

    Parameters
    ----------
    estimator : ECGClassifier or Pipeline
        A fitted :class:`sklecg.nn.ECGClassifier`, or a fitted pipeline
        whose last step is one; its transforms are applied to ``X`` first.
    X : array-like or list of arrays
        Signals, as passed to ``estimator.predict``.
    target : label, array-like of labels or None, default=None
        The class explained, one for all signals or one per signal; None
        explains the class the network predicts for each signal.
    layer : str, torch.nn.Module or None, default=None
        Layer whose output is weighted, by name (as in
        ``module_.named_modules()``) or as the module itself. None picks the
        last ``Conv1d``/``Conv2d``.
    batch_size : int, default=64
        Signals per forward/backward pass.

    Returns
    -------
    cams : ndarray of shape (n_signals, n_timesteps) or list of ndarray
        Importance in ``[0, 1]`` of every sample of every input signal; a
        list when ``X`` holds signals of different lengths.

    Raises
    ------
    TypeError
        ``estimator`` is not a neural classifier (or a pipeline ending in one).
    ValueError
        The network has no convolution (and no ``layer`` is given), an
        unknown ``layer`` or ``target``.

    References
    ----------
    R. R. Selvaraju et al., "Grad-CAM: Visual explanations from deep networks
    via gradient-based localization", ICCV 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.inspection import grad_cam
    >>> from sklecg.nn import ECGClassifier, SimpleCNN
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 100)).astype("float32")
    >>> y = np.repeat(["N", "V"], 20)
    >>> clf = ECGClassifier(SimpleCNN, max_epochs=1, random_state=0).fit(X, y)
    >>> grad_cam(clf, X[:3], target="V").shape
    (3, 100)
    """
    preprocess, net = get_neural_classifier(estimator, "grad_cam")
    lengths = signal_lengths(check_signals(X))
    module = net.module_
    _, conv = _find_layer(module, layer)
    x = net.prepare_input(preprocess(X))
    targets = _target_indices(net, target, len(x))
    was_training = module.training
    module.eval()
    try:
        maps = np.concatenate(
            [
                _cam_batch(
                    module,
                    conv,
                    x[i : i + batch_size],
                    None if targets is None else targets[i : i + batch_size],
                )
                for i in range(0, len(x), batch_size)
            ]
        )
    finally:
        module.train(was_training)
    if maps.ndim == 3:  # (n, freq, frames): time profile at the frame centres
        maps = maps.mean(axis=1)
        positions, span = _frame_positions(estimator, maps.shape[1])
    else:
        span = maps.shape[1]
        positions = np.arange(span) + 0.5
    cams = [_to_length(m, positions, span, n) for m, n in zip(maps, lengths)]
    cams = [_min_max(c) for c in cams]
    return np.stack(cams) if len(set(lengths.tolist())) == 1 else cams
