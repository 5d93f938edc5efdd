"""Geography: great-circle distances and arcs, and the latency floor of fibre.

Distances use a spherical Earth of mean radius 6,371.0088 km (the IUGG mean
radius), which is within about 0.5 % of the ellipsoidal distance.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = [
    "EARTH_RADIUS_KM",
    "KM_PER_NMI",
    "fibre_rtt_floor_ms",
    "great_circle_arc",
    "great_circle_km",
]

EARTH_RADIUS_KM = 6371.0088
KM_PER_NMI = 1.852


def great_circle_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km between points given in decimal degrees.

    Works on scalars or NumPy arrays / pandas Series (haversine formula).

    >>> round(great_circle_km(51.5074, -0.1278, 40.7128, -74.0060))  # London - New York
    5570
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return float(d) if np.ndim(d) == 0 else d


def great_circle_arc(
    lat1: float, lon1: float, lat2: float, lon2: float, points: int = 24
) -> pd.DataFrame:
    """Points along the great circle from (lat1, lon1) to (lat2, lon2), in order.

    Returns columns ``order``, ``latitude``, ``longitude`` (``points`` rows,
    both ends included), for drawing a cable or a request as a curved line.
    """
    if points < 2:
        raise ValueError("an arc needs at least 2 points")
    p1, l1, p2, l2 = map(math.radians, (lat1, lon1, lat2, lon2))
    a = np.array([math.cos(p1) * math.cos(l1), math.cos(p1) * math.sin(l1), math.sin(p1)])
    b = np.array([math.cos(p2) * math.cos(l2), math.cos(p2) * math.sin(l2), math.sin(p2)])
    omega = math.acos(max(-1.0, min(1.0, float(a @ b))))
    t = np.linspace(0.0, 1.0, points)
    if omega < 1e-12:
        xyz = np.outer(np.ones(points), a)
    else:
        xyz = (np.outer(np.sin((1 - t) * omega), a) + np.outer(np.sin(t * omega), b)) / math.sin(
            omega
        )
    lat = np.degrees(np.arcsin(np.clip(xyz[:, 2], -1, 1)))
    lon = np.degrees(np.arctan2(xyz[:, 1], xyz[:, 0]))
    return pd.DataFrame({"order": np.arange(points), "latitude": lat, "longitude": lon})


def fibre_rtt_floor_ms(distance_km, ms_per_1000km_one_way: float, route_factor: float = 1.0):
    """Round-trip time floor in ms over fibre for a great-circle distance.

    ``ms_per_1000km_one_way`` is the propagation delay of light in fibre
    (about 4.9 ms per 1,000 km, from the data), and ``route_factor`` the ratio
    of the real cable route to the great circle (1.2-1.5 in the data).

    >>> fibre_rtt_floor_ms(1000.0, 4.9)
    9.8
    """
    if ms_per_1000km_one_way <= 0 or route_factor < 1:
        raise ValueError("delay must be positive and the route factor at least 1")
    rtt = 2.0 * np.asarray(distance_km, dtype=float) * route_factor * ms_per_1000km_one_way / 1000.0
    return float(rtt) if rtt.ndim == 0 else rtt
