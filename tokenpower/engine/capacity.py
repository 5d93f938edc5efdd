"""Capacity as an equilibrium: a shadow price per serving country.

When the tokens a country's customers want exceed what its fleet can serve,
something must give.  The standard answer (a *shadow price*, the Lagrange
multiplier of the capacity constraint) is a scarcity charge ``mu_c >= 0`` in
dollars per million tokens added to every price in country ``c`` until
demand fits: ``mu_c = 0`` where capacity is slack, demand equal to capacity
where ``mu_c > 0`` (complementary slackness).  Tokens the charge prices out
go to other countries' offerings or to the outside good, and the log-sum
values them.

The conditions ``mu >= 0, K - Q(mu) >= 0, mu (K - Q(mu)) = 0`` form a
nonlinear complementarity problem.  It is solved by the standard
reformulation with the Fischer-Burmeister function
``phi(a, b) = a + b - sqrt(a^2 + b^2)``, which is zero exactly when
``a >= 0, b >= 0, a b = 0`` (Fischer 1992), and a semismooth Newton method
with a backtracking line search (Facchinei and Pang 2003, ch. 9), for all
Monte Carlo draws at once; draws that have converged or never bind drop out
of the iteration.
"""

from __future__ import annotations

import numpy as np

__all__ = ["fischer_burmeister", "shadow_prices"]


def fischer_burmeister(a, b):
    """``a + b - sqrt(a^2 + b^2)``: zero exactly when a >= 0, b >= 0 and a b = 0.

    >>> [float(fischer_burmeister(a, b)) for a, b in [(0, 3), (2, 0), (1, 1), (-1, 0)]]
    [0.0, 0.0, 0.5857864376269049, -2.0]
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    return a + b - np.hypot(a, b)


def shadow_prices(load, capacity, tol: float = 1e-9, max_iter: int = 60):
    """Shadow prices that clear every capacity, for many draws at once.

    ``load(mu, rows)`` returns the tokens demanded in each country (shape
    (len(rows), C)) when the shadow prices ``mu`` (same shape, USD per
    million tokens) are added to the prices of the draws ``rows``;
    ``capacity`` (D, C) is each country's tokens per week (``inf``: no limit;
    a country with zero capacity must have no offering left in ``load``).
    Demand in a country falls as its own shadow price rises.  Returns
    ``(mu, converged)``: ``mu`` (D, C) and a boolean per draw (the complementarity
    conditions hold to ``tol``, relative to capacity).

    One country with capacity 50 whose demand is ``100 - 10 mu``: the
    shadow price is 5.

    >>> mu, ok = shadow_prices(lambda m, r: 100 - 10 * m, np.array([[50.0]]))
    >>> round(float(mu[0, 0]), 6), bool(ok[0])
    (5.0, True)
    """
    capacity = np.asarray(capacity, float)
    n, c = capacity.shape
    limited = np.isfinite(capacity) & (capacity > 0)
    scale = np.where(limited, capacity, 1.0)
    mu = np.zeros((n, c))
    converged = np.ones(n, bool)
    rows = np.arange(n)
    q = np.asarray(load(mu, rows), float)
    binding = (limited & (q > capacity * (1 + tol))).any(axis=1)
    todo = rows[binding]
    converged[todo] = False

    def residual(m, r):
        q = np.asarray(load(m, r), float)
        b = np.where(limited[r], (capacity[r] - np.where(limited[r], q, 0)) / scale[r], 0.0)
        return np.where(limited[r], fischer_burmeister(m, b), m)

    f = residual(mu[todo], todo) if len(todo) else np.zeros((0, c))
    for _ in range(max_iter):
        if not len(todo):
            break
        norm = np.max(np.abs(f), axis=1)
        done = norm < tol
        converged[todo[done]] = True
        todo, f = todo[~done], f[~done]
        if not len(todo):
            break
        m = mu[todo]
        jac = np.empty((len(todo), c, c))
        for k in range(c):  # forward differences, one country at a time
            h = 1e-6 * (1 + np.abs(m[:, k]))
            bumped = m.copy()
            bumped[:, k] += h
            jac[:, :, k] = (residual(bumped, todo) - f) / h[:, None]
        step = np.linalg.solve(jac + 1e-12 * np.eye(c), -f[..., None])[..., 0]
        t = np.ones(len(todo))
        merit = (f**2).sum(axis=1)
        accepted = np.zeros(len(todo), bool)
        new_m, new_f = m.copy(), f.copy()
        for _ in range(30):  # backtracking on the squared residual
            trial = m + t[:, None] * step
            trial_f = residual(trial, todo)
            ok = ~accepted & ((trial_f**2).sum(axis=1) <= (1 - 1e-4 * t) * merit)
            new_m[ok], new_f[ok] = trial[ok], trial_f[ok]
            accepted |= ok
            if accepted.all():
                break
            t = np.where(accepted, t, t / 2)
        stuck = ~accepted
        new_m[stuck], new_f[stuck] = trial[stuck], trial_f[stuck]
        mu[todo], f = new_m, new_f
    if len(todo):
        converged[todo] = np.max(np.abs(f), axis=1) < tol * 1e3
    return np.where(mu < tol, 0.0, mu), converged
