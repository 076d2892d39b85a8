"""WGS-84 / GCJ-02 / BD-09 conversion; the database holds WGS-84 and we convert at the edges.

Phones report WGS-84, AMap and Tencent draw GCJ-02, Baidu draws BD-09. Both offsets are
published forward formulas without closed-form inverses; the usual one-step "inverse" is off
by 1-2 m, which is enough to put a point in the neighbouring grid cell. The inverses here
iterate the forward formula until it reproduces the input to within 1e-9 degrees.

Scalar functions use `math` only: they run per request on a hot path. The `*_arrays`
functions run the same formulas (built from the same factories) over numpy arrays.
"""

import math

import numpy as np

_A = 6378245.0  # Krasovsky 1940 semi-major axis, which GCJ-02 is built on
_EE = 0.00669342162296594323  # its first eccentricity squared
_RAD = math.pi / 180.0
_DEG_PER_M_LAT = 180.0 / (_A * (1.0 - _EE) * math.pi)  # meridian arc, before the lat factor
_DEG_PER_M_LON = 180.0 / (_A * math.pi)  # parallel arc, before the lat factor
_X_PI = math.pi * 3000.0 / 180.0
_TOL = 1e-9
_MAX_ITER = 30  # a guard only: every point in the China rectangle converges in 2-4 steps


def _make_gcj_forward(sin, cos, sqrt, fabs):
    # The published polynomials with their constants folded (2/3 * 20 -> 40/3 ...), which
    # trims a fifth off the hot path and moves results by a few ulps at most.
    pi = math.pi

    def forward(lon, lat):
        # No China check here, so the inverse can iterate right up to the border.
        x = lon - 105.0
        y = lat - 35.0
        xp = x * pi
        yp = y * pi
        root = sqrt(fabs(x))
        xy = 0.1 * x * y
        shared = 40.0 / 3.0 * (sin(6.0 * xp) + sin(2.0 * xp))
        dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + xy + 0.2 * root + shared
        dlat += 40.0 / 3.0 * sin(yp) + 80.0 / 3.0 * sin(yp / 3.0)
        dlat += 320.0 / 3.0 * sin(yp / 12.0) + 640.0 / 3.0 * sin(yp / 30.0)
        dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + xy + 0.1 * root + shared
        dlon += 40.0 / 3.0 * sin(xp) + 80.0 / 3.0 * sin(xp / 3.0)
        dlon += 100.0 * sin(xp / 12.0) + 200.0 * sin(xp / 30.0)
        rad = lat * _RAD
        s = sin(rad)
        magic = 1.0 - _EE * s * s
        sqrt_magic = sqrt(magic)
        return (
            lon + dlon * sqrt_magic / cos(rad) * _DEG_PER_M_LON,
            lat + dlat * magic * sqrt_magic * _DEG_PER_M_LAT,
        )

    return forward


def _make_bd_pair(sin, cos, atan2, hypot):
    def forward(lon, lat):
        z = hypot(lon, lat) + 0.00002 * sin(lat * _X_PI)
        theta = atan2(lat, lon) + 0.000003 * cos(lon * _X_PI)
        return z * cos(theta) + 0.0065, z * sin(theta) + 0.006

    def approx_inverse(lon, lat):
        x = lon - 0.0065
        y = lat - 0.006
        z = hypot(x, y) - 0.00002 * sin(y * _X_PI)
        theta = atan2(y, x) - 0.000003 * cos(x * _X_PI)
        return z * cos(theta), z * sin(theta)

    return forward, approx_inverse


_gcj_fwd = _make_gcj_forward(math.sin, math.cos, math.sqrt, math.fabs)
_gcj_fwd_np = _make_gcj_forward(np.sin, np.cos, np.sqrt, np.fabs)
_bd_fwd, _bd_approx_inv = _make_bd_pair(math.sin, math.cos, math.atan2, math.hypot)
_bd_fwd_np, _bd_approx_inv_np = _make_bd_pair(np.sin, np.cos, np.arctan2, np.hypot)


def _invert(forward, lon, lat, x, y):
    # Fixed-point step x -= f(x) - target; the offsets vary slowly, so it contracts fast.
    # Correct before testing, so the returned point is one step better than the test.
    for _ in range(_MAX_ITER):
        fx, fy = forward(x, y)
        ex = fx - lon
        ey = fy - lat
        x -= ex
        y -= ey
        if -_TOL < ex < _TOL and -_TOL < ey < _TOL:
            break
    return x, y


def _invert_np(forward, start, lon, lat):
    # `_invert` over 1-d arrays. Each point leaves the working set once it converges, so it
    # takes exactly the scalar steps, and the costly sines run only on points still moving.
    x, y = lon.copy(), lat.copy()
    idx = np.flatnonzero(_in_china_np(lon, lat))
    x[idx], y[idx] = start(lon[idx], lat[idx])
    for _ in range(_MAX_ITER):
        if not idx.size:
            break
        fx, fy = forward(x[idx], y[idx])
        ex = fx - lon[idx]
        ey = fy - lat[idx]
        x[idx] -= ex
        y[idx] -= ey
        idx = idx[(np.abs(ex) >= _TOL) | (np.abs(ey) >= _TOL)]
    return x, y


def _in_china(lon, lat):
    # The reference libraries' rectangle: outside it GCJ-02 and BD-09 apply no offset.
    return 72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271


def _in_china_np(lon, lat):
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if not _in_china(lon, lat):
        return lon, lat
    return _gcj_fwd(lon, lat)


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    if not _in_china(lon, lat):
        return lon, lat
    # Starting from the input, the first step is the usual approximate inverse g - offset(g).
    return _invert(_gcj_fwd, lon, lat, lon, lat)


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    if not _in_china(lon, lat):
        return lon, lat
    return _bd_fwd(lon, lat)


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if not _in_china(lon, lat):
        return lon, lat
    x, y = _bd_approx_inv(lon, lat)
    return _invert(_bd_fwd, lon, lat, x, y)


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def _gcj02_to_wgs84_np(lon, lat):
    return _invert_np(_gcj_fwd_np, lambda lon, lat: (lon, lat), lon, lat)


def _bd09_to_gcj02_np(lon, lat):
    return _invert_np(_bd_fwd_np, _bd_approx_inv_np, lon, lat)


# Keyed by the plain values; `Crs` members are str subclasses and hash alike, so both work.
_TO_WGS84 = {"gcj02": gcj02_to_wgs84, "bd09": bd09_to_wgs84}
_FROM_WGS84 = {"gcj02": wgs84_to_gcj02, "bd09": wgs84_to_bd09}
_TO_WGS84_NP = {
    "gcj02": _gcj02_to_wgs84_np,
    "bd09": lambda lon, lat: _gcj02_to_wgs84_np(*_bd09_to_gcj02_np(lon, lat)),
}


def _lookup(table, crs):
    try:
        return table[crs]
    except (KeyError, TypeError):  # TypeError: an unhashable crs
        raise ValueError(f"unknown coordinate system {crs!r}") from None


def to_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    if crs == "wgs84":
        return lon, lat
    return _lookup(_TO_WGS84, crs)(lon, lat)


def from_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    if crs == "wgs84":
        return lon, lat
    return _lookup(_FROM_WGS84, crs)(lon, lat)


def to_wgs84_arrays(lons: np.ndarray, lats: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Batch `to_wgs84` over same-shaped arrays; returns new float64 arrays of that shape."""
    lons = np.array(lons, dtype=np.float64)
    lats = np.array(lats, dtype=np.float64)
    if lons.shape != lats.shape:
        raise ValueError(f"lons and lats differ in shape: {lons.shape} != {lats.shape}")
    if crs == "wgs84":
        return lons, lats
    out_lons, out_lats = _lookup(_TO_WGS84_NP, crs)(lons.ravel(), lats.ravel())
    return out_lons.reshape(lons.shape), out_lats.reshape(lats.shape)
