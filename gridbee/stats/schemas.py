"""The dashboards API's shapes (api.py)."""

import datetime

from ninja import Schema


class FigureOut(Schema):
    code: str
    name: str
    unit: str
    kind: str
    value: float | None
    previous: float | None  # 环比: the period before
    last_year: float | None  # 同比: the same period a year earlier
    mom: float | None  # change: points for rates and hours, percent for counts
    yoy: float | None


class OverviewOut(Schema):
    county: str
    period: str
    start: datetime.date
    end: datetime.date
    figures: list[FigureOut]


class LeagueRowOut(Schema):
    rank: int
    key: str
    name: str
    values: dict[str, float | None]


class LeagueOut(Schema):
    dim: str
    period: str
    sort_by: str
    rows: list[LeagueRowOut]
    bottom: list[str]  # 末三位: the last three by sort_by


class TrendPointOut(Schema):
    label: str
    value: float | None


class HeatCellOut(Schema):
    cell: str  # H3 resolution 8
    lat: float
    lon: float
    n: int


class DrillCaseOut(Schema):
    id: int
    kind: str
    status: str
    category: str
    region: str
    grid: str
    department: str
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None


class DrillPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[DrillCaseOut]
