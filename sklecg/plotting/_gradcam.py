"""Grad-CAM overlay: a signal coloured by the importance of each sample."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection

from ..utils.validation import check_signals
from ._base import get_single_axes, time_axis

__all__ = ["GradCAMDisplay"]


class GradCAMDisplay:
    """One signal drawn as a line coloured by its Grad-CAM map.

    Parameters
    ----------
    signal : ndarray of shape (n_timesteps,)
        The signal (one lead).
    cam : ndarray of shape (n_timesteps,)
        Importance of every sample, e.g. from
        :func:`sklecg.inspection.grad_cam`.
    fs : float, default=None
        Sampling rate; the time axis is in seconds when given.
    title : str, default=None
        Axes title.

    Attributes
    ----------
    ax_ : Axes
    figure_ : Figure
    line_ : LineCollection
    colorbar_ : Colorbar

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.plotting import GradCAMDisplay
    >>> t = np.linspace(0, 1, 200)
    >>> disp = GradCAMDisplay.from_cam(np.sin(8 * t), np.exp(-((t - 0.5) ** 2) / 0.01))
    >>> disp.line_.get_array().shape
    (199,)
    """

    def __init__(self, signal, cam, *, fs: float | None = None, title=None):
        self.signal = signal
        self.cam = cam
        self.fs = fs
        self.title = title

    def plot(self, *, ax=None, cmap: str = "jet", lw: float = 1.5) -> GradCAMDisplay:
        """Draw the coloured line and a colour bar.

        Parameters
        ----------
        ax : Axes, default=None
            Axes to draw on; created when None.
        cmap : str, default="jet"
            Colour map of the importance.
        lw : float, default=1.5
            Line width.

        Returns
        -------
        self : GradCAMDisplay
        """
        fig, axis = get_single_axes(ax, (9, 3))
        t, xlabel = time_axis(len(self.signal), self.fs)
        points = np.column_stack([t, self.signal])
        segments = np.stack([points[:-1], points[1:]], axis=1)
        # each segment takes the mean importance of its two end samples
        line = LineCollection(segments, cmap=cmap, linewidths=lw)
        line.set_array((self.cam[:-1] + self.cam[1:]) / 2)
        line.set_clim(0, max(1.0, float(np.max(self.cam))))
        axis.add_collection(line)
        axis.autoscale_view()
        axis.margins(x=0)
        axis.set(xlabel=xlabel, ylabel="amplitude", title=self.title or "Grad-CAM")
        self.colorbar_ = fig.colorbar(line, ax=axis, label="importance", pad=0.01)
        self.ax_, self.figure_, self.line_ = axis, fig, line
        return self

    @classmethod
    def from_cam(
        cls, signal, cam, *, fs: float | None = None, title=None, ax=None, **kwargs
    ) -> GradCAMDisplay:
        """Draw a signal with a map computed beforehand.

        Parameters
        ----------
        signal : array-like of shape (n_timesteps,)
            The signal.
        cam : array-like of shape (n_timesteps,)
            Importance of every sample.
        fs : float, default=None
            Sampling rate.
        title : str, default=None
            Axes title.
        ax : Axes, default=None
            Axes to draw on.
        **kwargs
            Passed to :meth:`plot` (``cmap``, ``lw``).

        Returns
        -------
        display : GradCAMDisplay
        """
        signal = np.asarray(signal, dtype=float).ravel()
        cam = np.asarray(cam, dtype=float).ravel()
        if signal.shape != cam.shape or len(signal) < 2:
            raise ValueError(
                f"signal and cam must be 1-D of the same length (>= 2); got "
                f"{signal.shape} and {cam.shape}."
            )
        return cls(signal, cam, fs=fs, title=title).plot(ax=ax, **kwargs)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        *,
        index: int = 0,
        target=None,
        layer=None,
        lead: int = 0,
        fs: float | None = None,
        ax=None,
        **kwargs,
    ) -> GradCAMDisplay:
        """Compute the Grad-CAM map of ``X[index]`` and draw it.

        Parameters
        ----------
        estimator : ECGClassifier or Pipeline
            Fitted neural classifier or pipeline ending in one.
        X : array-like or list of arrays
            Signals as passed to ``predict``.
        index : int, default=0
            Which signal of ``X`` to draw.
        target : label or None, default=None
            Class explained; None: the predicted class.
        layer : str, torch.nn.Module or None, default=None
            Layer of the map (default: the last convolution).
        lead : int, default=0
            Lead drawn for multi-lead signals.
        fs : float, default=None
            Sampling rate.
        ax : Axes, default=None
            Axes to draw on.
        **kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : GradCAMDisplay
        """
        from ..inspection import grad_cam

        signals = check_signals(X)
        one = signals[index : index + 1]
        [cam] = grad_cam(estimator, one, target=target, layer=layer)
        signal = one[0] if one[0].ndim == 1 else one[0][lead]
        explained = target
        if explained is None:
            explained = estimator.predict(one)[0]
        title = f"Grad-CAM of signal {index} for class {explained}"
        return cls.from_cam(signal, cam, fs=fs, title=title, ax=ax, **kwargs)
