"""Sampling a scenario's uncertain inputs into batched arrays.

Any number of a scenario (capability, position, salience, status quo) may declare its
uncertainty (:class:`~parley.scenario.Quantity`): triangular, normal truncated to bounds, or
uniform. :class:`InputSpace` lists those inputs, and :meth:`InputSpace.draw` samples them into
a :class:`Batch`: capability ``(B, n)``, position and salience ``(B, n, m)``, status quo
``(B, m)``, every other number at its point value.

Every input is sampled by inversion, :math:`x = F^{-1}(u)` with :math:`u \\sim U(0, 1)`
(Devroye 1986, ch. 2), so that a design of uniforms (a Monte Carlo draw, a Sobol sequence, a
one-at-a-time sweep) maps to inputs in one way:

* uniform on :math:`[a, b]`: :math:`a + u (b - a)`;
* triangular with mode :math:`c`: :math:`a + \\sqrt{u (b - a)(c - a)}` for
  :math:`u < (c - a)/(b - a)`, else :math:`b - \\sqrt{(1 - u)(b - a)(b - c)}`;
* normal :math:`N(\\mu, \\sigma^2)` truncated to :math:`[a, b]`:
  :math:`\\mu + \\sigma \\Phi^{-1}(\\Phi(\\alpha) + u(\\Phi(\\beta) - \\Phi(\\alpha)))`,
  :math:`\\alpha = (a - \\mu)/\\sigma`, :math:`\\beta = (b - \\mu)/\\sigma`
  (``scipy.stats.truncnorm``).

**Jitter.** A scenario that declares no uncertainty can still be perturbed with
:class:`Jitter`: relative (log-normal) noise on capabilities, relative noise on saliences
clipped to [0, 1], and additive noise on positions and status quo, its standard deviation a
share of the issue's scale, clipped to the scale. Jitter applies to the numbers that declare
nothing (all of them with ``override=True``).

**Streams and common random numbers.** Each input draws its uniforms from its own stream,
a child of the chunk's seed keyed by the input's label (``position russia/donbas``). Two
variants of a scenario (a what-if and its baseline) sampled with the same seed therefore
give the same draws to every input they share, whatever inputs were added or removed: the
comparison uses common random numbers (Law 2015, sec. 11.2), and its differences are not
blurred by sampling noise.

References
----------
.. [1] Devroye, L. (1986). *Non-Uniform Random Variate Generation*. Springer.
.. [2] Law, A. M. (2015). *Simulation Modeling and Analysis*, 5th ed. McGraw-Hill.

Examples
--------
>>> from parley.scenario import Scenario
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 2},
...                {"id": "b", "name": "B", "capability": 1}],
...     "issues": [{"id": "x", "name": "X"}],
...     "stances": [{"actor": "a", "issue": "x", "salience": 0.5, "position":
...                  {"value": 20, "uncertainty": {"kind": "uniform", "low": 10, "high": 30}}},
...                 {"actor": "b", "issue": "x", "position": 80, "salience": 1.0}]})
>>> space = InputSpace.from_scenario(s)
>>> space.labels
('position a/x',)
>>> batch = space.draw(np.random.SeedSequence(1), 1000)
>>> batch.position.shape, bool(((batch.position[:, 0, 0] >= 10)
...                              & (batch.position[:, 0, 0] <= 30)).all())
((1000, 2, 1), True)
>>> float(batch.position[0, 1, 0])  # b's position declares nothing: its point value
80.0
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import special, stats

from parley.arrays import ArrayView, array_view
from parley.errors import Problem, ScenarioError
from parley.scenario import BoundedNormal, Quantity, Scenario, Triangular, Uniform

__all__ = [
    "Batch",
    "ClippedNormal",
    "Input",
    "InputKind",
    "InputSpace",
    "Jitter",
    "LogNormal",
    "input_stream",
    "realise",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
InputKind = Literal["capability", "position", "salience", "status_quo"]

# u is kept inside (0, 1) so that unbounded inverses stay finite
_U_EPS = 1e-12


@dataclass(frozen=True)
class LogNormal:
    """Log-normal noise with the given median: ``median * exp(sigma * Z)`` (jitter)."""

    median: float
    sigma: float

    def ppf(self, u: FloatArray) -> FloatArray:
        """Inverse distribution function."""
        z = special.ndtri(np.clip(u, _U_EPS, 1 - _U_EPS))
        out: FloatArray = self.median * np.exp(self.sigma * z)
        return out


@dataclass(frozen=True)
class ClippedNormal:
    """Normal noise ``N(mean, sd**2)`` clipped (not truncated) to [low, high] (jitter).

    Clipping keeps mass at the bounds: an actor at the end of a scale stays there in about
    half the draws, as its stated position says.
    """

    mean: float
    sd: float
    low: float
    high: float

    def ppf(self, u: FloatArray) -> FloatArray:
        """Inverse distribution function."""
        z = special.ndtri(np.clip(u, _U_EPS, 1 - _U_EPS))
        out: FloatArray = np.clip(self.mean + self.sd * z, self.low, self.high)
        return out


Distribution = Triangular | BoundedNormal | Uniform | LogNormal | ClippedNormal


def ppf(dist: Distribution, u: FloatArray) -> FloatArray:
    """The inverse distribution function of ``dist`` at ``u`` (see the module docstring)."""
    u = np.asarray(u, dtype=float)
    if isinstance(dist, LogNormal | ClippedNormal):
        return dist.ppf(u)
    a, b = dist.low, dist.high
    if isinstance(dist, Uniform):
        return a + u * (b - a)
    if isinstance(dist, Triangular):
        if b == a:
            return np.full_like(u, a)
        c = dist.mode
        split = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1.0 - u) * (b - a) * (b - c))
        out: FloatArray = np.where(u < split, left, right)
        return out
    # truncated normal
    if b == a:
        return np.full_like(u, a)
    alpha, beta = (a - dist.mean) / dist.sd, (b - dist.mean) / dist.sd
    x: FloatArray = stats.truncnorm.ppf(np.clip(u, _U_EPS, 1 - _U_EPS), alpha, beta,
                                        loc=dist.mean, scale=dist.sd)
    return np.clip(x, a, b)


@dataclass(frozen=True)
class Jitter:
    """Noise for numbers that declare no uncertainty.

    Parameters
    ----------
    capability : float
        Relative noise: capability times :math:`e^{\\sigma Z}` (log-normal, median the point
        value; stays positive).
    salience : float
        Relative noise: salience times :math:`1 + \\sigma Z`, clipped to [0, 1] (a salience
        of 0 stays 0).
    position : float
        Additive noise on positions and status quo, the standard deviation a share of the
        issue's scale width (0.05 on a 0-100 scale: 5 points), clipped to the scale.
    override : bool
        Jitter every number, replacing declared uncertainties too.

    Examples
    --------
    >>> Jitter.parse("0.1")
    Jitter(capability=0.1, salience=0.1, position=0.1, override=False)
    >>> Jitter.parse("capability=0.2,position=0.05")
    Jitter(capability=0.2, salience=0.0, position=0.05, override=False)
    """

    capability: float = 0.0
    salience: float = 0.0
    position: float = 0.0
    override: bool = False

    def __post_init__(self) -> None:
        for name in ("capability", "salience", "position"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not math.isfinite(value) or value < 0:
                raise ScenarioError([Problem(f"jitter.{name}", "must be a number >= 0", value,
                                             "give e.g. 0.1 (10 %)")])

    @property
    def active(self) -> bool:
        """Whether any noise is set."""
        return self.capability > 0 or self.salience > 0 or self.position > 0

    @classmethod
    def parse(cls, text: str) -> Jitter:
        """Read ``"0.1"`` (every kind) or ``"capability=0.2,salience=0.1,position=0.05"``.

        ``override`` may be added as a bare word: ``"0.1,override"``.
        """
        values: dict[str, float] = {}
        override = False
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            if part == "override":
                override = True
                continue
            key, sep, raw = part.partition("=")
            names = ["capability", "salience", "position"] if not sep else [key.strip()]
            raw = raw if sep else key
            for name in names:
                if name not in ("capability", "salience", "position"):
                    raise ScenarioError([Problem("jitter", "must name capability, salience "
                                                 "or position", name,
                                                 "write e.g. capability=0.2,position=0.05")])
                try:
                    values[name] = float(raw)
                except ValueError:
                    raise ScenarioError([Problem(f"jitter.{name}", "must be a number", raw,
                                                 "write e.g. 0.1")]) from None
        return cls(**values, override=override)

    def to_dict(self) -> dict[str, float | bool]:
        """JSON-ready mapping (what :meth:`from_dict` reads)."""
        return {"capability": self.capability, "salience": self.salience,
                "position": self.position, "override": self.override}

    @classmethod
    def from_dict(cls, data: Mapping[str, float | bool] | None) -> Jitter | None:
        """The jitter stored by :meth:`to_dict` (``None`` stays ``None``)."""
        if data is None:
            return None
        return cls(capability=float(data.get("capability", 0.0)),
                   salience=float(data.get("salience", 0.0)),
                   position=float(data.get("position", 0.0)),
                   override=bool(data.get("override", False)))


@dataclass(frozen=True)
class Input:
    """One uncertain input: where it goes in the arrays and how it is distributed."""

    kind: InputKind
    actor: str | None
    issue: str | None
    value: float
    distribution: Distribution
    declared: bool

    @property
    def label(self) -> str:
        """``capability russia``, ``position russia/donbas``, ``status_quo donbas``."""
        if self.kind == "capability":
            return f"capability {self.actor}"
        if self.kind == "status_quo":
            return f"status_quo {self.issue}"
        return f"{self.kind} {self.actor}/{self.issue}"

    def ppf(self, u: FloatArray) -> FloatArray:
        """The input's values at the uniforms ``u``."""
        return ppf(self.distribution, u)


@dataclass(frozen=True, eq=False)
class Batch:
    """A batch of ``B`` draws of a scenario's numbers (the leading axis is the draw).

    ``mask``, scale bounds and acceptable ranges are the same in every draw.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    capability: FloatArray
    position: FloatArray
    salience: FloatArray
    status_quo: FloatArray
    mask: BoolArray
    low: FloatArray
    high: FloatArray

    @property
    def size(self) -> int:
        """Number of draws ``B``."""
        return int(self.capability.shape[0])

    def weights(self) -> FloatArray:
        """Capability x salience, ``(B, n, m)``, zero where the actor has no stance."""
        out: FloatArray = np.where(self.mask, self.capability[:, :, None] * self.salience, 0.0)
        return out


@dataclass(frozen=True, eq=False)
class InputSpace:
    """The uncertain inputs of a scenario and its point values (its array view).

    Build one with :meth:`from_scenario`; :meth:`draw` samples, :meth:`transform` maps a
    design of uniforms (``nan``: the point value) to a :class:`Batch`.
    """

    view: ArrayView
    inputs: tuple[Input, ...]

    @classmethod
    def from_scenario(cls, scenario: Scenario, jitter: Jitter | None = None) -> InputSpace:
        """List every declared uncertainty of ``scenario``, plus ``jitter`` where set."""
        view = array_view(scenario)
        jit = jitter or Jitter()
        inputs: list[Input] = []

        def add(kind: InputKind, actor: str | None, issue: str | None, q: Quantity,
                noise: Distribution | None) -> None:
            declared = q.uncertainty is not None
            if declared and not (jit.override and noise is not None):
                assert q.uncertainty is not None
                inputs.append(Input(kind, actor, issue, q.value, q.uncertainty, True))
            elif noise is not None:
                inputs.append(Input(kind, actor, issue, q.value, noise, False))

        for a in scenario.actors:
            noise: Distribution | None = (LogNormal(a.capability.value, jit.capability)
                                          if jit.capability > 0 else None)
            add("capability", a.id, None, a.capability, noise)
        for iss in scenario.issues:
            width = iss.scale.high - iss.scale.low
            for a in scenario.actors:
                st = scenario.stance(a.id, iss.id)
                if st is None:
                    continue
                pos_noise = (ClippedNormal(st.position.value, jit.position * width,
                                           iss.scale.low, iss.scale.high)
                             if jit.position > 0 else None)
                add("position", a.id, iss.id, st.position, pos_noise)
                sal_noise = (ClippedNormal(st.salience.value, jit.salience * st.salience.value,
                                           0.0, 1.0)
                             if jit.salience > 0 and st.salience.value > 0 else None)
                add("salience", a.id, iss.id, st.salience, sal_noise)
            if iss.status_quo is not None:
                sq_noise = (ClippedNormal(iss.status_quo.value, jit.position * width,
                                          iss.scale.low, iss.scale.high)
                            if jit.position > 0 else None)
                add("status_quo", None, iss.id, iss.status_quo, sq_noise)
        return cls(view, tuple(inputs))

    @property
    def labels(self) -> tuple[str, ...]:
        """Each input's label, in order."""
        return tuple(x.label for x in self.inputs)

    @property
    def k(self) -> int:
        """Number of uncertain inputs."""
        return len(self.inputs)

    def uniforms(self, seed: np.random.SeedSequence, size: int) -> FloatArray:
        """``(size, k)`` uniforms, column ``i`` from input ``i``'s own stream of ``seed``."""
        u = np.empty((size, self.k))
        for i, x in enumerate(self.inputs):
            u[:, i] = np.random.default_rng(input_stream(seed, x.label)).random(size)
        return u

    def draw(self, seed: np.random.SeedSequence, size: int) -> Batch:
        """Sample ``size`` draws (see :meth:`uniforms` for the streams)."""
        return self.transform(self.uniforms(seed, size))

    def point(self, size: int = 1) -> Batch:
        """``size`` copies of the point values."""
        return self.transform(np.full((size, self.k), np.nan))

    def transform(self, u: FloatArray) -> Batch:
        """Map uniforms ``(B, k)`` to a batch; a ``nan`` keeps the input's point value."""
        u = np.asarray(u, dtype=float)
        if u.ndim != 2 or u.shape[1] != self.k:
            raise ValueError(f"uniforms must have shape (B, {self.k}); got {u.shape}")
        v = self.view
        size = u.shape[0]
        cap = np.repeat(v.capability[None], size, axis=0)
        pos = np.repeat(v.position[None], size, axis=0)
        sal = np.repeat(v.salience[None], size, axis=0)
        sq = np.repeat(v.status_quo[None], size, axis=0)
        actor = {a: i for i, a in enumerate(v.actor_ids)}
        issue = {j: i for i, j in enumerate(v.issue_ids)}
        for col, x in enumerate(self.inputs):
            uc = u[:, col]
            keep = np.isnan(uc)
            values = np.where(keep, x.value, x.ppf(np.where(keep, 0.5, uc)))
            if x.kind == "capability":
                cap[:, actor[str(x.actor)]] = values
            elif x.kind == "status_quo":
                sq[:, issue[str(x.issue)]] = values
            elif x.kind == "position":
                pos[:, actor[str(x.actor)], issue[str(x.issue)]] = values
            else:
                sal[:, actor[str(x.actor)], issue[str(x.issue)]] = values
        return Batch(v.actor_ids, v.issue_ids, cap, pos, sal, sq, v.mask, v.low, v.high)


def input_stream(seed: np.random.SeedSequence, label: str) -> np.random.SeedSequence:
    """The child of ``seed`` that feeds the input called ``label``.

    Keyed by a 64-bit hash of the label (not by the input's place in a list), so that the
    same input gets the same stream in every variant of a scenario.
    """
    key = int.from_bytes(hashlib.sha256(label.encode()).digest()[:8], "big")
    return np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, key))


def realise(scenario: Scenario, batch: Batch, b: int) -> Scenario:
    """The scenario with draw ``b`` of ``batch`` in place of its point values.

    The draw is not validated again (a sampled position may leave the actor's own
    acceptable range, which a scenario file may not do), and uncertainty declarations are
    dropped: the result is one realisation. Built with ``model_construct``, so that cached
    lookups are fresh.
    """
    actor = {a: i for i, a in enumerate(batch.actor_ids)}
    issue = {j: i for i, j in enumerate(batch.issue_ids)}

    def q(x: float) -> Quantity:
        return Quantity.model_construct(value=float(x), uncertainty=None, evidence=())

    actors = tuple(a.model_copy(update={"capability": q(batch.capability[b, actor[a.id]])})
                   for a in scenario.actors)
    issues = tuple(
        i if i.status_quo is None else i.model_copy(
            update={"status_quo": q(batch.status_quo[b, issue[i.id]])})
        for i in scenario.issues)
    stances = tuple(
        st.model_copy(update={
            "position": q(batch.position[b, actor[st.actor], issue[st.issue]]),
            "salience": q(batch.salience[b, actor[st.actor], issue[st.issue]])})
        for st in scenario.stances)
    fields = {name: getattr(scenario, name) for name in Scenario.model_fields}
    fields.update(actors=actors, issues=issues, stances=stances)
    return Scenario.model_construct(**fields)

