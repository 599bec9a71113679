"""STFTFeatures: batched short-time Fourier transform of fixed-length signals."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from numbers import Integral, Real

import numpy as np
from joblib import effective_n_jobs
from numpy.lib.stride_tricks import sliding_window_view
from scipy.fft import rfft
from scipy.signal import get_window
from sklearn.utils._param_validation import Interval, StrOptions

from sklecg.base import SignalTransformer

__all__ = ["STFTFeatures"]

_DEFAULT_CHUNK_BYTES = 4 * 2**20


class STFTFeatures(SignalTransformer):
    """Short-time Fourier transform of every signal, optionally reduced.

    Frames of ``n_fft`` samples start every ``hop_length`` samples; there is
    no padding, so a signal of ``t`` samples gives ``n_frames = 1 + (t -
    n_fft) // hop_length`` frames (samples after the last full frame are not
    used) and ``n_freqs = n_fft // 2 + 1`` frequencies. Each frame is
    multiplied by the window and Fourier transformed; the spectrum is divided
    by the sum of the window, so a sinusoid of amplitude ``A`` on a bin shows
    a magnitude of about ``A / 2``. This is exactly
    ``scipy.signal.stft(x, fs, window, nperseg=n_fft, noverlap=n_fft -
    hop_length, boundary=None, padded=False)``; see ``output`` for what is
    returned from it.

    Parameters
    ----------
    fs : float, default=1.0
        Sampling rate in Hz; sets ``frequencies_`` and ``times_`` only.
    n_fft : int, default=256
        Frame (and FFT) length in samples.
    hop_length : int or None, default=None
        Step between frame starts; None means ``n_fft // 4``.
    window : str, tuple, float or array-like, default="hann"
        Anything :func:`scipy.signal.get_window` accepts (periodic windows,
        as in :func:`scipy.signal.stft`), or an array of ``n_fft`` weights.
    output : {"magnitude", "power", "log_power"}, default="magnitude"
        ``"magnitude"``: ``|S|``; ``"power"``: ``|S|**2``; ``"log_power"``:
        ``10 * log10(|S|**2 + 1e-10)``, in dB (the ``1e-10`` floor keeps
        silent bins finite at -100 dB).
    reduce : {None, "mean_freq", "mean_time", "flatten"}, default=None
        None returns the spectrogram ``(n, n_freqs, n_frames)``. The
        reductions apply to the values chosen by ``output``: ``"mean_freq"``
        averages over frequencies, ``(n, n_frames)`` (the
        per-time-bin mean amplitude used for a random forest in the AMLS
        report); ``"mean_time"`` averages over frames, ``(n, n_freqs)``;
        ``"flatten"`` gives ``(n, n_freqs * n_frames)``, frequency-major.
    chunk_size : int or None, default=None
        Number of signals transformed at once. None picks it so that the
        intermediate arrays of one chunk take about 4 MiB (they stay in the
        CPU cache). Peak memory is the output plus one chunk per thread.
    n_jobs : int or None, default=None
        Number of threads transforming chunks side by side (NumPy and
        ``scipy.fft`` release the GIL). None means 1, -1 all processors, as
        in :func:`joblib.effective_n_jobs`.

    Attributes
    ----------
    n_features_in_ : int
        Number of timesteps of 2-D input seen in ``fit``.
    n_timesteps_ : int
        Number of timesteps seen in ``fit`` (2-D or 3-D input);
        ``transform`` needs the same.
    n_leads_ : int
        Number of leads seen in ``fit``.
    n_freqs_, n_frames_ : int
        Size of the spectrogram axes.
    frequencies_ : ndarray of shape ``(n_freqs_,)``
        Frequency of each bin, in Hz.
    times_ : ndarray of shape ``(n_frames_,)``
        Centre of each frame, in seconds.
    window_ : ndarray of shape (n_fft,)
        The window weights used.

    Notes
    -----
    Input must be fixed-length: a 2-D array ``(n, t)`` or a 3-D array ``(n,
    n_leads, t)``; put :class:`sklecg.preprocessing.Resampler` first for
    variable-length records. Multi-lead input gives ``(n, n_leads, n_freqs,
    n_frames)`` without ``reduce``, and the leads' reduced features side by
    side (lead-major) with ``reduce``. The output is float32.

    The work is vectorised over each chunk of signals (a strided view of all
    frames, one batched real FFT) and written into a preallocated output;
    ``n_jobs`` threads process chunks in parallel.

    ``sklearn.utils.estimator_checks.parametrize_with_checks`` passes with no
    check skipped.

    Examples
    --------
    >>> import numpy as np
    >>> from sklecg.features import STFTFeatures
    >>> X = np.random.default_rng(0).normal(size=(4, 1000))
    >>> STFTFeatures(fs=250, n_fft=128, hop_length=64).fit_transform(X).shape
    (4, 65, 14)
    >>> stft = STFTFeatures(n_fft=128, hop_length=64, reduce="mean_freq")
    >>> stft.fit_transform(X).shape
    (4, 14)
    >>> stft.get_feature_names_out()[:2]
    array(['stft_frame0', 'stft_frame1'], dtype=object)
    """

    _parameter_constraints: dict = {
        "fs": [Interval(Real, 0, None, closed="neither")],
        "n_fft": [Interval(Integral, 1, None, closed="left")],
        "hop_length": [Interval(Integral, 1, None, closed="left"), None],
        "window": [str, tuple, Real, "array-like"],
        "output": [StrOptions({"magnitude", "power", "log_power"})],
        "reduce": [StrOptions({"mean_freq", "mean_time", "flatten"}), None],
        "chunk_size": [Interval(Integral, 1, None, closed="left"), None],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        fs: float = 1.0,
        n_fft: int = 256,
        hop_length: int | None = None,
        window="hann",
        output: str = "magnitude",
        reduce: str | None = None,
        chunk_size: int | None = None,
        n_jobs: int | None = None,
    ):
        self.fs = fs
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.window = window
        self.output = output
        self.reduce = reduce
        self.chunk_size = chunk_size
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.unequal_length = False
        tags.input_tags.min_length = self.n_fft
        tags.input_tags.min_length_reason = f"one STFT frame of n_fft={self.n_fft}"
        return tags

    def _fit(self, signals: np.ndarray) -> None:
        self.window_ = self._make_window()
        self.n_timesteps_ = signals.shape[-1]
        self.n_freqs_ = self.n_fft // 2 + 1
        self.n_frames_ = 1 + (self.n_timesteps_ - self.n_fft) // self._hop
        self.frequencies_ = np.fft.rfftfreq(self.n_fft, d=1.0 / self.fs)
        self.times_ = (np.arange(self.n_frames_) * self._hop + self.n_fft / 2) / (
            self.fs
        )
        self._n_features_out = (
            None if self.reduce is None else self._reduced_width() * self.n_leads_
        )

    def _transform(self, signals: np.ndarray) -> np.ndarray:
        if signals.shape[-1] != self.n_timesteps_:
            raise ValueError(
                f"X has {signals.shape[-1]} features, but STFTFeatures is "
                f"expecting {self.n_timesteps_} features as input (signals of "
                f"{self.n_timesteps_} timesteps, the length seen in fit). Put "
                "sklecg.preprocessing.Resampler(length=...) before it."
            )
        n, lead_shape = signals.shape[0], signals.shape[1:-1]
        spec_shape = (*lead_shape, self.n_freqs_, self.n_frames_)
        if self.reduce is None:
            out = np.empty((n, *spec_shape), dtype=np.float32)
        else:
            out = np.empty((n, self._n_features_out), dtype=np.float32)
        step = self.chunk_size or self._auto_chunk_size(int(np.prod(spec_shape)))
        window = self.window_ / self.window_.sum()

        def transform_chunk(start: int) -> None:
            chunk = slice(start, start + step)
            self._transform_chunk(signals[chunk], window, out[chunk])

        n_threads = min(effective_n_jobs(self.n_jobs), -(-n // step))
        if n_threads == 1:
            for start in range(0, n, step):
                transform_chunk(start)
        else:
            with ThreadPoolExecutor(n_threads) as pool:
                list(pool.map(transform_chunk, range(0, n, step)))
        return out

    @property
    def _hop(self) -> int:
        return self.hop_length or max(1, self.n_fft // 4)

    def _make_window(self) -> np.ndarray:
        if isinstance(self.window, str | tuple | Real):
            try:
                return get_window(self.window, self.n_fft).astype(np.float32)
            except ValueError as error:
                raise ValueError(
                    f"window={self.window!r} is not a window scipy.signal.get_window "
                    f"knows ({error}). Pass a name such as 'hann' or 'hamming', a "
                    "(name, parameter) tuple, or n_fft weights."
                ) from error
        window = np.asarray(self.window, dtype=np.float32)
        if window.shape != (self.n_fft,):
            raise ValueError(
                f"window given as an array must have shape (n_fft,) = "
                f"({self.n_fft},); got shape {window.shape}. Pass n_fft weights "
                "or a scipy.signal.get_window name such as 'hann'."
            )
        return window

    def _reduced_width(self) -> int:
        return {
            "mean_freq": self.n_frames_,
            "mean_time": self.n_freqs_,
            "flatten": self.n_freqs_ * self.n_frames_,
        }[self.reduce]

    def _auto_chunk_size(self, spec_size: int) -> int:
        # Per signal: windowed frames (float32), complex64 spectrum and a
        # float32 spectrogram, all about the size of the spectrogram.
        per_signal = 4 * (spec_size * self.n_fft // self.n_freqs_ + 3 * spec_size)
        return max(1, _DEFAULT_CHUNK_BYTES // per_signal)

    def _transform_chunk(
        self, x: np.ndarray, window: np.ndarray, out: np.ndarray
    ) -> None:
        frames = sliding_window_view(x, self.n_fft, axis=-1)[..., :: self._hop, :]
        # (chunk, [n_leads,] n_frames, n_freqs), contiguous and cache-sized
        values = self._scale(rfft(frames * window, axis=-1))
        if self.reduce == "mean_freq":
            out[...] = values.mean(axis=-1).reshape(len(out), -1)
        elif self.reduce == "mean_time":
            out[...] = values.mean(axis=-2).reshape(len(out), -1)
        else:
            out[...] = np.swapaxes(values, -1, -2).reshape(out.shape)

    def _scale(self, spectrum: np.ndarray) -> np.ndarray:
        """Magnitude, power or log-power of a complex spectrum, in float32."""
        if self.output == "magnitude":
            return np.abs(spectrum)
        values = np.square(spectrum.real)
        values += np.square(spectrum.imag)
        if self.output == "log_power":
            values += np.float32(1e-10)
            np.log10(values, out=values)
            values *= np.float32(10.0)
        return values

    def _output_names(self) -> list[str]:
        if self.reduce == "mean_freq":
            names = [f"stft_frame{j}" for j in range(self.n_frames_)]
        elif self.reduce == "mean_time":
            names = [f"stft_freq{i}" for i in range(self.n_freqs_)]
        else:
            names = [
                f"stft_freq{i}_frame{j}"
                for i in range(self.n_freqs_)
                for j in range(self.n_frames_)
            ]
        if self.n_leads_ == 1:
            return names
        return [f"lead{lead}_{name}" for lead in range(self.n_leads_) for name in names]
