"""SpectrogramCNNLSTM on scipy STFT spectrograms of beats and records."""

import numpy as np
import pytest
import torch

from sklecg.nn import SpectrogramCNNLSTM, count_parameters


@pytest.mark.parametrize(
    ("n_samples", "n_fft", "n_freqs", "count"),
    [(187, 64, 33, 630_053), (9000, 256, 129, 1_809_701)],
)
def test_shapes_and_counts_on_stft_spectrograms(n_samples, n_fft, n_freqs, count):
    from scipy.signal import stft

    rng = np.random.default_rng(0)
    _, _, Z = stft(rng.normal(size=(2, n_samples)), nperseg=n_fft)
    spec = torch.from_numpy(np.abs(Z)).float()[:, None]  # (2, 1, freqs, frames)
    assert spec.shape[2] == n_freqs
    net = SpectrogramCNNLSTM(n_outputs=4, n_freqs=n_freqs, n_frames=spec.shape[3])
    assert net(spec).shape == (2, 4)
    assert net.forward_features(spec).shape == (2, 64)
    assert count_parameters(SpectrogramCNNLSTM(n_outputs=5, n_freqs=n_freqs)) == count


def test_the_lstm_takes_any_number_of_frames():
    net = SpectrogramCNNLSTM(n_outputs=3, n_freqs=33, n_frames=12).eval()
    for n_frames in (4, 12, 100):
        assert net(torch.zeros(2, 1, 33, n_frames)).shape == (2, 3)
