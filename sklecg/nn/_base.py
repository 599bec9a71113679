"""Shared base class and helpers of the sklecg network modules."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn

__all__ = [
    "ECGModule",
    "conv_block",
    "count_parameters",
    "mlp",
    "parameterized_layers",
    "per_block",
]

# the minimum-length search gives up (and shows the network's own error)
# beyond this many input values per channel: the failure is not the length
_MAX_PROBE_SIZE = 2**16


class ECGModule(nn.Module):
    """Base class of the sklecg networks: size arguments, a body and a head.

    The base owns what every network shares:

    * the size arguments ``n_outputs`` (number of classes), ``n_channels``
      (leads) and the input lengths named in ``input_axes``
      (``n_timesteps``, or ``n_freqs`` and ``n_frames`` for spectrograms),
      kept as attributes of the same names;
    * the output layer ``classifier``, an :class:`torch.nn.Linear` registered
      last and sized by a dry run of :meth:`forward_features` on a zero
      input, so ``forward(x) == classifier(forward_features(x))``;
    * the input-length check: that dry run raises a :class:`ValueError`
      naming the network, the length given and the shortest length that
      works (:meth:`min_input_lengths`, found by dry runs too);
    * :meth:`reset_head`, a fresh output layer for transfer learning, and
      :attr:`embedding_size`, the width of :meth:`forward_features`.

    ``input_kind`` tells :class:`~sklecg.nn.ECGClassifier` how to shape the
    input: ``"signal"`` for ``(batch, n_channels, n_timesteps)``,
    ``"spectrogram"`` for ``(batch, n_channels, n_freqs, n_frames)`` and
    ``"signal+features"`` for the two named inputs ``signal`` ``(batch,
    n_channels, n_timesteps)`` and ``features`` ``(batch, n_features)``.
    ``any_length`` declares whether the network takes any length along the
    time axis (the last one: samples, or frames of a spectrogram), as
    networks with global pooling or a recurrent layer do: ``ECGClassifier``
    then predicts on other lengths than it was fitted on. It is False by
    default: a network sized for one length (a flatten before dense layers)
    keeps it.

    A subclass calls ``super().__init__(n_outputs, n_channels,
    n_timesteps=...)``, builds its layers, implements
    :meth:`forward_features` and ends with ``self._build_classifier()``.
    A network that flattens a fixed-length map overrides
    :meth:`_forward_trunk` with the layers before its dense ones and sizes
    them with ``self._trunk_shape()``.

    Parameters
    ----------
    n_outputs : int or None, default=None
        Number of classes.
    n_channels : int or None, default=None
        Number of input channels (leads).
    **input_lengths : int or None
        The lengths named in ``input_axes`` (``n_timesteps=...``); None
        leaves a length free (networks with global pooling).

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> class TinyCNN(ECGModule):
    ...     def __init__(self, n_outputs=2, n_channels=1, n_timesteps=None):
    ...         super().__init__(n_outputs, n_channels, n_timesteps=n_timesteps)
    ...         self.conv = nn.Sequential(
    ...             nn.Conv1d(n_channels, 8, 5), nn.ReLU(), nn.MaxPool1d(4))
    ...         self._build_classifier()
    ...
    ...     def forward_features(self, x):
    ...         return self.conv(x).amax(dim=-1)
    >>> net = TinyCNN()
    >>> net(torch.zeros(3, 1, 100)).shape, net.embedding_size
    (torch.Size([3, 2]), 8)
    >>> net.min_input_lengths()
    {'n_timesteps': 8}
    >>> TinyCNN(n_timesteps=6)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: TinyCNN needs inputs of at least 8 samples (n_timesteps=8), ...
    >>> net.reset_head(4).classifier
    Linear(in_features=8, out_features=4, bias=True)
    """

    input_kind = "signal"
    #: whether any length along the time axis passes (global pooling, LSTM)
    any_length = False
    #: the input lengths (constructor arguments) and their units
    input_axes = {"n_timesteps": "samples"}
    #: how to give the network longer inputs (part of the too-short error)
    lengthen_hint = (
        "resample the signals to a longer length (sklecg.preprocessing.Resampler)"
    )

    def __init__(
        self,
        n_outputs: int | None = None,
        n_channels: int | None = None,
        **input_lengths: int | None,
    ):
        super().__init__()
        unknown = sorted(set(input_lengths) - set(self.input_axes))
        if unknown:
            raise TypeError(
                f"{type(self).__name__} takes the input lengths "
                f"{list(self.input_axes)}, not {unknown}."
            )
        self.n_outputs = n_outputs
        self.n_channels = n_channels
        for axis in self.input_axes:
            setattr(self, axis, input_lengths.get(axis))

    @property
    def input_lengths(self) -> dict[str, int | None]:
        """The input lengths given at construction, e.g. ``{"n_timesteps": 187}``."""
        return {axis: getattr(self, axis) for axis in self.input_axes}

    @property
    def embedding_size(self) -> int:
        """Width of :meth:`forward_features`' output (the embedding)."""
        return self.classifier.in_features

    def forward_features(self, *inputs: torch.Tensor, **named_inputs: torch.Tensor):
        """Return the penultimate-layer activations ``(batch, embedding_size)``."""
        raise NotImplementedError

    def forward(self, *inputs: torch.Tensor, **named_inputs: torch.Tensor):
        """Return the class logits ``(batch, n_outputs)``."""
        return self.classifier(self.forward_features(*inputs, **named_inputs))

    def reset_head(self, n_outputs: int) -> ECGModule:
        """Replace the output layer by a freshly initialised one (transfer).

        The new ``classifier`` has the same input width
        (:attr:`embedding_size`), ``n_outputs`` outputs and the old one's
        device and dtype; every other layer is kept as it is.

        Parameters
        ----------
        n_outputs : int
            Number of classes of the new task.

        Returns
        -------
        self : ECGModule
        """
        old = self.classifier
        self.classifier = nn.Linear(
            old.in_features, n_outputs, device=old.weight.device, dtype=old.weight.dtype
        )
        self.n_outputs = n_outputs
        return self

    def min_input_lengths(self) -> dict[str, int]:
        """The shortest input the network takes, found by dry runs.

        Zero inputs of growing length go through the layers that see the
        length (:meth:`forward_features`, or the layers before the flatten
        of a network sized for one length) until one passes, then a
        bisection finds the shortest; for several lengths (spectrograms) each
        is bisected with the others long enough.

        Returns
        -------
        dict
            One entry per name of ``input_axes``, e.g. ``{"n_timesteps": 4}``.
        """
        axes = list(self.input_axes)
        trunk = self._forward_trunk
        size = 1
        while not self._passes(trunk, dict.fromkeys(axes, size)):
            if (2 * size) ** len(axes) > _MAX_PROBE_SIZE:
                # no length passes: show the network's own error
                self._dry_run(trunk, dict.fromkeys(axes, size))
            size *= 2
        minima = {}
        for axis in axes:
            low, high = 0, size  # ``high`` passes, ``low`` is taken to fail
            while high - low > 1:
                middle = (low + high) // 2
                lengths = {**dict.fromkeys(axes, size), axis: middle}
                if self._passes(trunk, lengths):
                    high = middle
                else:
                    low = middle
            minima[axis] = high
        return minima

    def _forward_trunk(self, *inputs: torch.Tensor) -> torch.Tensor:
        """The layers whose output follows the input length.

        All of :meth:`forward_features` by default; a network that flattens
        a fixed-length map returns the layers before its dense ones.
        """
        return self.forward_features(*inputs)

    def _trunk_shape(self) -> tuple[int, ...]:
        """Output shape (without batch) of :meth:`_forward_trunk`, as given."""
        missing = [
            axis for axis, length in self.input_lengths.items() if length is None
        ]
        if missing:
            raise ValueError(
                f"{type(self).__name__} sizes its dense layers for one input "
                f"size: pass {missing[0]} (the length of the inputs it will take)."
            )
        return self._output_shape(self._forward_trunk, self.input_lengths)

    def _build_classifier(self) -> None:
        """Check the input lengths and size the output layer by a dry run."""
        lengths = self.input_lengths
        if None in lengths.values():
            given = {axis: n for axis, n in lengths.items() if n is not None}
            lengths = {**self.min_input_lengths(), **given}
        shape = self._output_shape(self.forward_features, lengths)
        if len(shape) != 1:
            raise ValueError(
                f"{type(self).__name__}.forward_features must return (batch, "
                f"n_features) activations; got shape (batch, *{shape})."
            )
        self.classifier = nn.Linear(shape[0], self.n_outputs)

    def _zero_inputs(self, lengths: dict[str, int]) -> tuple[torch.Tensor, ...]:
        """A batch of one zero input of these lengths, as ``forward`` takes it."""
        reference = next(self.parameters(), None)
        like = (
            {}
            if reference is None
            else {"device": reference.device, "dtype": reference.dtype}
        )
        sizes = [lengths[axis] for axis in self.input_axes]
        return (torch.zeros(1, self.n_channels, *sizes, **like),)

    def _dry_run(self, fn: Callable, lengths: dict[str, int]) -> torch.Tensor:
        """``fn`` on zero inputs in eval mode, without gradients."""
        modes = [(module, module.training) for module in self.modules()]
        self.eval()
        try:
            with torch.no_grad():
                out = fn(*self._zero_inputs(lengths))
        finally:
            for module, training in modes:
                module.training = training
        if out.numel() == 0 or not torch.isfinite(out).all():
            raise RuntimeError(
                f"{type(self).__name__} gives an empty or non-finite output for "
                f"zero inputs of lengths {lengths}."
            )
        return out

    def _passes(self, fn: Callable, lengths: dict[str, int]) -> bool:
        try:
            self._dry_run(fn, lengths)
        except (RuntimeError, IndexError):
            return False
        return True

    def _output_shape(self, fn: Callable, lengths: dict[str, int]) -> tuple[int, ...]:
        """Shape (without batch) of a dry run; too short an input is a ValueError."""
        try:
            return tuple(self._dry_run(fn, lengths).shape[1:])
        except (RuntimeError, IndexError) as error:
            minima = self.min_input_lengths()
            short = {axis: n for axis, n in minima.items() if lengths[axis] < n}
            if not short:
                raise
            needs = " and ".join(
                f"{n} {self._unit(axis, n)} ({axis}={n})" for axis, n in short.items()
            )
            got = ", ".join(f"{axis}={lengths[axis]}" for axis in short)
            raise ValueError(
                f"{type(self).__name__} needs inputs of at least {needs}, got "
                f"{got}. To fix it, {self.lengthen_hint}, or pass smaller "
                "kernels or fewer pooling blocks."
            ) from error

    def _unit(self, axis: str, n: int) -> str:
        unit = self.input_axes[axis]
        return unit[:-1] if n == 1 else unit


def count_parameters(
    module: nn.Module,
    trainable_only: bool = False,
    layer_types: tuple[type[nn.Module], ...] | None = None,
) -> int:
    """Number of parameters of a torch module.

    Parameters
    ----------
    module : torch.nn.Module
        The network.
    trainable_only : bool, default=False
        Count only parameters with ``requires_grad=True``.
    layer_types : tuple of torch.nn.Module classes or None, default=None
        Count only the parameters of layers of these types, e.g.
        ``(torch.nn.Conv1d,)`` for the convolution weights and biases that
        ablation tables report; None counts every parameter.

    Returns
    -------
    int

    Examples
    --------
    >>> from torch import nn
    >>> from sklecg.nn import SimpleCNN
    >>> count_parameters(SimpleCNN(n_outputs=5, n_timesteps=187))
    52357
    >>> count_parameters(SimpleCNN(), layer_types=(nn.Conv1d,))
    35200
    """
    if layer_types is None:
        params = module.parameters()
    else:
        params = (
            p
            for layer in module.modules()
            if isinstance(layer, layer_types)
            for p in layer.parameters(recurse=False)
        )
    return sum(p.numel() for p in params if p.requires_grad or not trainable_only)


def parameterized_layers(module: nn.Module) -> list[tuple[str, nn.Module]]:
    """Layers that own parameters, in registration order (output layer last).

    Parameters
    ----------
    module : torch.nn.Module
        The network.

    Returns
    -------
    list of (str, torch.nn.Module)
        ``(name, layer)`` for every submodule with parameters of its own
        (convolutions, batch norms, LSTMs, dense layers).

    Examples
    --------
    >>> from sklecg.nn import SimpleCNN
    >>> [name for name, _ in parameterized_layers(SimpleCNN())]
    ['conv.0.1', 'conv.1.1', 'conv.2.1', 'head.0', 'classifier']
    """
    return [
        (name, layer)
        for name, layer in module.named_modules()
        if any(True for _ in layer.parameters(recurse=False))
    ]


def per_block(value, n_blocks: int, name: str) -> tuple:
    """Broadcast an int (or other scalar) to one value per block."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != n_blocks:
            raise ValueError(
                f"{name} must have one entry per block ({n_blocks}), got "
                f"{len(value)}: {tuple(value)}."
            )
        return tuple(value)
    return (value,) * n_blocks


def conv_block(
    in_channels: int,
    out_channels: int,
    kernel_size: int,
    *,
    pool: nn.Module | None,
    batch_norm: bool = True,
    dim: int = 1,
) -> nn.Sequential:
    """Convolution ("same" padding) [+ BatchNorm] + ReLU [+ pooling]."""
    conv = (nn.Conv1d, nn.Conv2d)[dim - 1]
    norm = (nn.BatchNorm1d, nn.BatchNorm2d)[dim - 1]
    # explicit zero padding keeps the length for even kernels too ("same")
    pad = (nn.ConstantPad1d, nn.ConstantPad2d)[dim - 1]
    left = (kernel_size - 1) // 2
    layers = [
        pad((left, kernel_size - 1 - left) * dim, 0.0),
        conv(in_channels, out_channels, kernel_size),
    ]
    if batch_norm:
        layers.append(norm(out_channels))
    layers.append(nn.ReLU())
    if pool is not None:
        layers.append(pool)
    return nn.Sequential(*layers)


def mlp(in_features: int, hidden: Sequence[int], dropout: float) -> nn.Sequential:
    """Dense - ReLU - Dropout for every width in ``hidden``."""
    layers = []
    for width in hidden:
        layers += [nn.Linear(in_features, width), nn.ReLU(), nn.Dropout(dropout)]
        in_features = width
    return nn.Sequential(*layers)
