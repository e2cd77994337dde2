"""Logrolls: trades across two issues that leave both parties better off.

When two parties weigh two issues differently, each can concede on the issue it cares
less about in return for getting its way on the one it cares more about; both gain, which
no issue-by-issue compromise can achieve (Coleman 1966; Tollison & Willett 1979; Raiffa
1982, ch. 10 on "integrative" trades). With the salience weights of
:mod:`parley.deals.utility`, a trade between *a* and *b* on issues *j* and *k* can help
both only if their salience ratios differ:

.. math::

    \\frac{\\tilde s_{aj}}{\\tilde s_{ak}} > \\frac{\\tilde s_{bj}}{\\tilde s_{bk}},

and then *a* gets its way on *j* and *b* on *k*. (With linear loss and the midpoint
baseline below, moving *u* and *v* normalised units towards *a* on *j* and towards *b* on
*k* changes the utilities by :math:`\\tilde s_{aj}u - \\tilde s_{ak}v` and
:math:`\\tilde s_{bk}v - \\tilde s_{bj}u`; both are positive for some *u*, *v* exactly when
the inequality holds.)

The trade starts from a *baseline*: by default the midpoint between the two parties'
positions on each issue (splitting the difference issue by issue), or the status quo
(``baseline="status_quo"``; the midpoint where an issue has none). It moves issue *j* a
fraction *t* of the way from the baseline to *a*'s position and issue *k* a fraction *s*
to *b*'s. Of these trades it takes the one that maximises the product of the two gains
:math:`\\Delta U_a \\Delta U_b` (the Nash 1950 solution of the two-party trade, with
no trade as the threat point), so that both gain rather than one taking nearly all: a grid
of ``steps + 1`` values of each, then two finer grids around the best cell (the log of the
product is concave in (*t*, *s*), so this converges on the maximum). Trades are ranked by
their joint gain :math:`\\Delta U_a + \\Delta U_b`. Red lines bound the trade only with
``within_red_lines=True``; otherwise each trade lists the red lines it crosses (on a
stalled issue the trade that would pay often crosses one). Other issues stay at the
baseline; utilities are additive, so they do not change the gains. Only pairs where both
parties have a stance on both issues and different positions on each are considered.

References
----------
.. [1] Coleman, J. S. (1966). The possibility of a social welfare function. *American
   Economic Review* 56(5), 1105-1122.
.. [2] Tollison, R. D. and Willett, T. D. (1979). An economic theory of mutually
   advantageous issue linkages in international negotiations. *International
   Organization* 33(4), 425-449.
.. [3] Raiffa, H. (1982). *The Art and Science of Negotiation*. Cambridge, MA: Harvard
   University Press.
.. [4] Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2), 155-162.

Examples
--------
A at (0, 0) with saliences 0.8 and 0.2, B at (100, 100) with 0.2 and 0.8. From the
midpoints (50, 50), giving A issue x and B issue y changes A's utility by
0.8 x 0.5 - 0.2 x 0.5 = +0.3 and B's by the same:

>>> from parley.scenario import Scenario
>>> from parley.deals.utility import preferences
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 1},
...                {"id": "b", "name": "B", "capability": 1}],
...     "issues": [{"id": "x", "name": "X"}, {"id": "y", "name": "Y"}],
...     "stances": [{"actor": "a", "issue": "x", "position": 0, "salience": 0.8},
...                 {"actor": "a", "issue": "y", "position": 0, "salience": 0.2},
...                 {"actor": "b", "issue": "x", "position": 100, "salience": 0.2},
...                 {"actor": "b", "issue": "y", "position": 100, "salience": 0.8}]})
>>> best = logrolls(preferences(s))[0]
>>> best.describe()
'b concedes x: 50 -> 0 (towards a); a concedes y: 50 -> 100 (towards b); gains: a +0.300, b +0.300'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from parley.deals.utility import Preferences

__all__ = ["Logroll", "logrolls"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Logroll:
    """A trade across two issues that raises both parties' utilities.

    Attributes
    ----------
    party_a, party_b : str
        ``party_a`` gets its way on ``issue_a`` (``party_b`` concedes it), and ``party_b``
        on ``issue_b``.
    issue_a, issue_b : str
        The two issues.
    baseline_a, baseline_b : float
        Where the issues stood before the trade.
    value_a, value_b : float
        Where the trade puts them.
    gain_a, gain_b : float
        Utility gains of ``party_a`` and ``party_b``.
    ratio_a, ratio_b : float
        Salience ratios :math:`\\tilde s_{\\cdot, a} / \\tilde s_{\\cdot, b}` over
        (issue_a, issue_b) of party_a and party_b (the first is the larger).
    crosses : tuple of str
        The two parties' red lines that the traded values cross (e.g.
        ``ukraine requires donbas <= 50``); empty for a trade inside them.
    """

    party_a: str
    party_b: str
    issue_a: str
    issue_b: str
    baseline_a: float
    baseline_b: float
    value_a: float
    value_b: float
    gain_a: float
    gain_b: float
    ratio_a: float
    ratio_b: float
    crosses: tuple[str, ...] = ()

    @property
    def joint_gain(self) -> float:
        """``gain_a + gain_b``."""
        return self.gain_a + self.gain_b

    def describe(self) -> str:
        """Who moves which issue to where, and what each gains."""
        text = (f"{self.party_b} concedes {self.issue_a}: {self.baseline_a:g} -> "
                f"{self.value_a:.4g} (towards {self.party_a}); {self.party_a} concedes "
                f"{self.issue_b}: {self.baseline_b:g} -> {self.value_b:.4g} (towards "
                f"{self.party_b}); gains: {self.party_a} +{self.gain_a:.3f}, "
                f"{self.party_b} +{self.gain_b:.3f}")
        if self.crosses:
            text += "; crosses red lines: " + ", ".join(self.crosses)
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "party_a": self.party_a, "party_b": self.party_b,
            "issue_a": self.issue_a, "issue_b": self.issue_b,
            "baseline": {self.issue_a: self.baseline_a, self.issue_b: self.baseline_b},
            "trade": {self.issue_a: self.value_a, self.issue_b: self.value_b},
            "gains": {self.party_a: self.gain_a, self.party_b: self.gain_b},
            "joint_gain": self.joint_gain,
            "salience_ratios": {party: (r if np.isfinite(r) else None) for party, r in
                                ((self.party_a, self.ratio_a), (self.party_b, self.ratio_b))},
            "crosses": list(self.crosses),
            "within_red_lines": not self.crosses,
            "text": self.describe(),
        }


def _baseline(prefs: Preferences, a: int, b: int, j: int, kind: str) -> float:
    sq = prefs.status_quo[j]
    if kind == "status_quo" and not np.isnan(sq):
        return float(sq)
    return float((prefs.position[a, j] + prefs.position[b, j]) / 2.0)


def _inside(prefs: Preferences, rows: list[int], j: int, x: FloatArray,
            enforce: bool) -> NDArray[np.bool_]:
    if not enforce:
        return np.ones(x.shape, dtype=bool)
    lo = prefs.acceptable_low[rows, j].max()
    hi = prefs.acceptable_high[rows, j].min()
    out: NDArray[np.bool_] = (x >= lo) & (x <= hi)
    return out


def _crossed(prefs: Preferences, rows: list[int], j: int, x: float) -> list[str]:
    out = []
    issue = prefs.issue_ids[j]
    for i in rows:
        lo, hi = prefs.acceptable_low[i, j], prefs.acceptable_high[i, j]
        if x < lo:
            out.append(f"{prefs.actor_ids[i]} requires {issue} >= {lo:g}")
        elif x > hi:
            out.append(f"{prefs.actor_ids[i]} requires {issue} <= {hi:g}")
    return out


def _best_trade(prefs: Preferences, a: int, b: int, j: int, k: int, base_j: float,
                base_k: float, steps: int, min_gain: float, enforce: bool,
                ) -> tuple[float, float, float, float] | None:
    """(x_j, x_k, gain_a, gain_b) of the trade with the largest product of gains, or None."""
    target_j, target_k = prefs.position[a, j], prefs.position[b, k]
    rows = [a, b]
    ref_j = prefs.issue_terms(j, np.array([base_j]))[0, rows]
    ref_k = prefs.issue_terms(k, np.array([base_k]))[0, rows]
    t_lo, t_hi, s_lo, s_hi = 0.0, 1.0, 0.0, 1.0
    best: tuple[float, float, float, float, float] | None = None
    for _ in range(3):
        t = np.linspace(t_lo, t_hi, steps + 1)
        s = np.linspace(s_lo, s_hi, steps + 1)
        xj = base_j + t * (target_j - base_j)
        xk = base_k + s * (target_k - base_k)
        dj = ref_j - prefs.issue_terms(j, xj)[:, rows]  # (T, 2): gain on j
        dk = ref_k - prefs.issue_terms(k, xk)[:, rows]  # (S, 2)
        ga = dj[:, 0][:, None] + dk[:, 0][None, :]
        gb = dj[:, 1][:, None] + dk[:, 1][None, :]
        ok = ((ga > min_gain) & (gb > min_gain)
              & _inside(prefs, rows, j, xj, enforce)[:, None]
              & _inside(prefs, rows, k, xk, enforce)[None, :])
        if not ok.any():
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            score = np.where(ok, np.log(ga) + np.log(gb), -np.inf)
        r, c = np.unravel_index(int(np.argmax(score)), score.shape)
        if best is None or score[r, c] > best[4]:
            best = (float(xj[r]), float(xk[c]), float(ga[r, c]), float(gb[r, c]),
                    float(score[r, c]))
        ht, hs = (t_hi - t_lo) / steps, (s_hi - s_lo) / steps
        t_lo, t_hi = max(0.0, t[r] - ht), min(1.0, t[r] + ht)
        s_lo, s_hi = max(0.0, s[c] - hs), min(1.0, s[c] + hs)
    return None if best is None else best[:4]


def logrolls(prefs: Preferences, *, baseline: Literal["midpoint", "status_quo"] = "midpoint",
             within_red_lines: bool = False, steps: int = 50,
             min_gain: float = 1e-9) -> tuple[Logroll, ...]:
    """Every mutually beneficial two-issue trade between two parties, best first.

    Parameters
    ----------
    prefs : Preferences
        The parties' utilities.
    baseline : {'midpoint', 'status_quo'}
        Where the issues stand before the trade (see the module docstring).
    within_red_lines : bool
        Keep the traded values inside both parties' red lines. By default a trade may
        cross them, and :attr:`Logroll.crosses` names the red lines it crosses: a stalled
        issue is often one where the trade that would pay crosses a red line.
    steps : int
        Grid steps per issue in each refinement round.
    min_gain : float
        Smallest utility gain that counts as a gain for each party.

    Returns
    -------
    tuple of Logroll
        Sorted by joint gain, largest first.
    """
    if baseline not in ("midpoint", "status_quo"):
        raise ValueError(f"baseline must be 'midpoint' or 'status_quo'; got {baseline!r}")
    w, pos, mask = prefs.weight, prefs.position, prefs.mask
    out = []
    n, m = prefs.n_parties, prefs.n_issues
    for p in range(n):
        for q in range(p + 1, n):
            for j in range(m):
                for k in range(j + 1, m):
                    if not (mask[[p, q]][:, [j, k]].all() and pos[p, j] != pos[q, j]
                            and pos[p, k] != pos[q, k]):
                        continue
                    lhs, rhs = w[p, j] * w[q, k], w[p, k] * w[q, j]
                    if lhs == rhs:
                        continue
                    a, b = (p, q) if lhs > rhs else (q, p)
                    base_j = _baseline(prefs, a, b, j, baseline)
                    base_k = _baseline(prefs, a, b, k, baseline)
                    trade = _best_trade(prefs, a, b, j, k, base_j, base_k, steps, min_gain,
                                        within_red_lines)
                    if trade is None:
                        continue
                    xj, xk, ga, gb = trade
                    with np.errstate(divide="ignore"):
                        ratio_a = float(np.divide(w[a, j], w[a, k]))
                        ratio_b = float(np.divide(w[b, j], w[b, k]))
                    crosses = tuple(_crossed(prefs, [a, b], j, xj)
                                    + _crossed(prefs, [a, b], k, xk))
                    out.append(Logroll(prefs.actor_ids[a], prefs.actor_ids[b],
                                       prefs.issue_ids[j], prefs.issue_ids[k], base_j, base_k,
                                       xj, xk, ga, gb, ratio_a, ratio_b, crosses))
    out.sort(key=lambda r: (-r.joint_gain, r.party_a, r.party_b, r.issue_a, r.issue_b))
    return tuple(out)
