"""Parse the signal scaling out of a WFDB ``.hea`` header.

Only what the fetchers need: per-signal gain, baseline and units, the sampling
frequency and the number of samples (see the WFDB ``header(5)`` format).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["WFDBHeader", "parse_header"]

_GAIN = re.compile(
    r"^(?P<gain>[-+\d.eE]+)(?:\((?P<baseline>[-+\d]+)\))?(?:/(?P<units>\S+))?$"
)
_UNITS_TO_MV = {"mV": 1.0, "uV": 1e-3, "V": 1e3}
_DEFAULT_GAIN = 200.0


@dataclass(frozen=True)
class WFDBHeader:
    """Scaling of a one- or multi-signal WFDB record.

    Physical value in mV = (digital - baseline) / gain * to_mv, per signal.
    """

    record: str
    fs: float
    n_samples: int
    gains: tuple[float, ...]
    baselines: tuple[int, ...]
    to_mv: tuple[float, ...]
    names: tuple[str, ...]


def parse_header(text: str, record: str) -> WFDBHeader:
    """Parse the header text of ``record``.

    Raises
    ------
    ValueError
        Naming the record, when a line is malformed or the units are not a
        voltage.
    """
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    try:
        fields = lines[0].split()
        n_signals = int(fields[1])
        fs = float(fields[2].split("/")[0]) if len(fields) > 2 else 250.0
        n_samples = int(fields[3]) if len(fields) > 3 else 0
        gains, baselines, to_mv, names = [], [], [], []
        for line in lines[1 : 1 + n_signals]:
            sig = line.split()
            adc_zero = int(sig[4]) if len(sig) > 4 else 0
            match = _GAIN.match(sig[2]) if len(sig) > 2 else None
            if len(sig) > 2 and match is None:
                raise ValueError(f"gain field {sig[2]!r}")
            gain = float(match["gain"]) if match else _DEFAULT_GAIN
            units = (match["units"] if match else None) or "mV"
            if units not in _UNITS_TO_MV:
                raise ValueError(f"units {units!r} (expected one of mV, uV, V)")
            gains.append(gain or _DEFAULT_GAIN)
            baseline = match["baseline"] if match else None
            baselines.append(int(baseline) if baseline is not None else adc_zero)
            to_mv.append(_UNITS_TO_MV[units])
            names.append(" ".join(sig[8:]) if len(sig) > 8 else f"sig{len(names)}")
        if len(gains) != n_signals:
            raise ValueError(f"{n_signals} signals announced, {len(gains)} found")
    except (IndexError, ValueError) as exc:
        raise ValueError(
            f"the WFDB header of record {record} is malformed: {exc}. "
            f"Received: {text[:200]!r}"
        ) from exc
    return WFDBHeader(
        record,
        fs,
        n_samples,
        tuple(gains),
        tuple(baselines),
        tuple(to_mv),
        tuple(names),
    )
