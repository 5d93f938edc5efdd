"""Demand: a nested logit with an outside good, calibrated to the observed week.

Each segment chooses among the offerings it may use or the **outside good**
(not sending this token to an API model this week, utility 0).  Offerings are
grouped in **nests** -- all the hosts of one model (``nest_by = "model"``)
or all the models of one country of origin (``"origin"``) -- and the
**nesting parameter** lambda (0 < lambda <= 1) says how much closer two
offerings of one nest are than two of different nests: at lambda = 1 the
nested logit is the plain multinomial logit; as lambda falls, a token pushed
off one host goes more and more to another host of the same model.

With utility ``V`` of each offering, nest ``n``'s inclusive value is
``I_n = lambda * ln(sum over n of exp(V / lambda))``; the probability of
nest ``n`` is ``exp(I_n) / (1 + sum_m exp(I_m))`` (the 1 is the outside
good) and, within it, of offering ``j``, ``exp(V_j / lambda) / sum over n
of exp(V / lambda)`` (McFadden 1978; Train 2009, ch. 4).  The log of the
denominator, ``ln(1 + sum_m exp(I_m))``, is the **log-sum**: divided by the
price coefficient, it is a segment's consumer surplus per token of market
size up to a constant (Small and Rosen 1981), so its change values tokens
that are priced out or left unserved.

Calibration (Berry 1994): the constants of each (model, serving country)
group are found by Newton's method so that the inside shares reproduce the
observed volumes exactly; a constant per segment then sets the share of the
outside good.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "calibrate_constants",
    "inside_constants",
    "nested_logit",
    "offering_elasticity",
]


def nested_logit(utility, nest, lam, outside: bool = True):
    """Choice probabilities of a nested logit, with or without an outside good.

    ``utility`` (..., S, O): the utility of each offering for each segment
    (``-inf`` where an offering is not available); ``nest`` (O,): the nest of
    each offering (integers from 0); ``lam``: the nesting parameter, a scalar
    or shape (...,).  Returns ``(p, log_sum, p_in_nest)``: ``p`` (..., S, O)
    the probability of each offering (with the outside good, the row sums to
    one minus the outside share), ``log_sum`` (..., S) the log of the
    denominator (``ln(1 + sum exp I_n)`` with the outside good,
    ``ln(sum exp I_n)`` without; ``-inf`` where nothing is available), and
    ``p_in_nest`` the probability of each offering within its nest.

    Two offerings in one nest, at utilities 0 and 0, with lambda 0.5 and an
    outside good: the nest's inclusive value is 0.5 ln 2 = 0.35, so it is
    chosen with probability 1.41 / 2.41 = 0.59, each offering 0.29:

    >>> p, ls, _ = nested_logit(np.zeros((1, 2)), np.array([0, 0]), 0.5)
    >>> np.round(p, 3).tolist(), round(float(ls[0]), 3)
    ([[0.293, 0.293]], 0.881)
    """
    v = np.asarray(utility, float)
    nest = np.asarray(nest)
    lam = np.asarray(lam, float)[..., None, None]
    n_nests = int(nest.max()) + 1
    onehot = np.eye(n_nests)[nest]
    top = np.max(v, axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    w = np.exp((v - top) / lam)
    sums = w @ onehot  # (..., S, N)
    with np.errstate(divide="ignore"):
        inclusive = top + lam * np.log(sums)
    peak = np.max(inclusive, axis=-1, keepdims=True)
    peak_safe = np.where(np.isfinite(peak), peak, 0.0)
    with np.errstate(divide="ignore"):
        inside = np.log(np.exp(inclusive - peak_safe).sum(axis=-1)) + peak_safe[..., 0]
    log_sum = np.logaddexp(0.0, inside) if outside else inside
    with np.errstate(invalid="ignore"):
        p_nest = np.where(np.isfinite(inclusive), np.exp(inclusive - log_sum[..., None]), 0.0)
    denom = sums[..., nest]
    p_in_nest = np.divide(w, denom, out=np.zeros_like(w), where=denom > 0)
    return p_in_nest * p_nest[..., nest], log_sum, p_in_nest


def calibrate_constants(
    base_utility,
    demand,
    group,
    nest_of_group,
    targets,
    lam,
    tol: float = 1e-10,
    max_iter: int = 200,
):
    """Constants of each group that make the nested logit reproduce the observed volumes.

    ``base_utility`` (..., S, O) is the utility without constants, ``demand``
    (..., S) each segment's inside tokens, ``group`` (O,) the group of each
    offering, ``nest_of_group`` (G,) the nest of each group (a group lies in
    one nest), ``targets`` (..., G) each group's observed tokens (they add up
    to the total demand; a zero target gives a constant of ``-inf``), ``lam``
    the nesting parameter (scalar or (...,)).  Shares are conditional on
    using some offering, so the constants are fixed up to a common shift,
    pinned by the Newton system.  Newton's method on the log volumes with the
    nested logit's analytical Jacobian; a draw whose Newton step does not
    help takes the contraction step ``lambda x gap`` instead.  Returns
    ``(delta, converged)``: ``delta`` (..., G) and a boolean (...,) per draw.
    """
    targets = np.asarray(targets, float)
    demand = np.asarray(demand, float)
    n_groups = targets.shape[-1]
    lam_a = np.asarray(lam, float) + np.zeros(targets.shape[:-1])
    onehot = np.eye(n_groups)[group]  # (O, G)
    nest_off = np.asarray(nest_of_group)[group]
    same_nest = np.asarray(nest_of_group)[:, None] == np.asarray(nest_of_group)[None, :]
    total = targets.sum(axis=-1, keepdims=True)
    positive = targets > 1e-12 * total
    safe_t = np.where(positive, targets, 1.0)
    delta = np.where(positive, np.log(safe_t / total), -np.inf)
    eye = np.eye(n_groups)
    pin = np.ones((n_groups, n_groups)) / n_groups
    zero_rows = np.where(positive, 0.0, 1.0)[..., None, :] * eye

    def state(d):
        p, _, p_in = nested_logit(
            base_utility + np.take(d, group, axis=-1)[..., None, :], nest_off, lam_a, False
        )
        pg = p @ onehot  # (..., S, G)
        weighted = pg * demand[..., :, None]
        predicted = weighted.sum(axis=-2)
        with np.errstate(divide="ignore"):
            gap = np.where(positive, np.log(safe_t) - np.log(np.where(positive, predicted, 1)), 0)
        return pg, p_in @ onehot, weighted, predicted, gap

    pg, pin_g, weighted, predicted, gap = state(delta)
    converged = np.zeros(targets.shape[:-1], bool)
    for _ in range(max_iter):
        worst = np.max(np.abs(gap), axis=-1)
        converged = worst < tol
        if converged.all():
            break
        lam_m = lam_a[..., None, None]
        jac = (
            np.einsum("...sg,gh->...gh", weighted, eye) / lam_m
            - (1 - lam_m) / lam_m * np.einsum("...sg,...sh->...gh", weighted, pin_g) * same_nest
            - np.einsum("...sg,...sh->...gh", weighted, pg)
        )
        scale = np.where(positive, 1.0 / np.where(positive, predicted, 1.0), 0.0)[..., :, None]
        step = np.linalg.solve(jac * scale + pin + zero_rows, gap[..., None])[..., 0]
        trial = np.where(positive, delta + step, -np.inf)
        t_state = state(trial)
        better = (np.max(np.abs(t_state[-1]), axis=-1) < worst)[..., None]
        contraction = np.where(positive, delta + lam_a[..., None] * gap, -np.inf)
        delta = np.where(better, trial, contraction)
        pg, pin_g, weighted, predicted, gap = t_state if better.all() else state(delta)
    return delta, converged


def inside_constants(inside_log_sum, outside_share):
    """Constant of each segment that gives the outside good its share.

    Adding ``xi`` to every offering's utility adds ``xi`` to every inclusive
    value, so the inside share ``A e^xi / (1 + A e^xi)`` (``ln A`` the inside
    log-sum) equals ``1 - s0`` at ``xi = ln((1 - s0) / (s0 A))``.

    >>> round(float(inside_constants(0.0, 0.2)), 4)  # ln 4
    1.3863
    """
    s0 = np.asarray(outside_share, float)
    return np.log((1 - s0) / s0) - np.asarray(inside_log_sum, float)


def offering_elasticity(price, p, p_in_nest, alpha, lam):
    """Own-price elasticity of each offering's demand in a nested logit (negative).

    ``-alpha p (1/lambda - (1 - lambda)/lambda x share within the nest - share)``.
    At lambda = 1 it is the plain logit's ``-alpha p (1 - share)``:

    >>> float(offering_elasticity(2.0, 0.25, 0.5, 0.5, 1.0))
    -0.75
    """
    lam = np.asarray(lam, float)
    return -alpha * price * (1 / lam - (1 - lam) / lam * p_in_nest - p)
