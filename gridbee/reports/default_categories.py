# ruff: noqa: E501 - one category per line reads best as a table
"""The categories a new install starts with: everything the seeds mention, in the classes of
the digital urban management standard. Counties adjust them in the admin."""

H = 60  # minutes per hour

# code, name, group, class, urgency, handling minutes, department, radius m, window h, icon
DEFAULT_CATEGORIES = [
    ("loose_roof_tiles", "屋顶瓦片松动", "event", "突发事件", "emergency", 4 * H, "zjj", 30, 72, "🏚"),
    ("trapped_in_lift", "电梯困人", "event", "突发事件", "emergency", 30, "scjgj", 30, 6, "🛗"),
    ("missing_person", "人员走失", "event", "突发事件", "emergency", 60, "gaj", 2000, 24, "🧒"),
    ("fire_hazard", "火灾隐患", "event", "突发事件", "emergency", 60, "yjj", 100, 24, "🔥"),
    ("road_collapse", "路面塌陷", "event", "突发事件", "emergency", 2 * H, "zjj", 100, 72, "🕳"),
    ("traffic_accident", "交通事故", "event", "突发事件", "emergency", 30, "gaj", 100, 6, "🚑"),
    ("manhole_missing", "井盖缺失", "component", "公用设施", "emergency", 2 * H, "cgj", 30, 72, "⚠"),
    ("fallen_tree", "树木倒伏", "component", "园林绿化", "emergency", 2 * H, "cgj", 50, 24, "🌳"),
    ("overflowing_bins", "垃圾桶满溢", "event", "市容环境", "ordinary", 24 * H, "cgj", 50, 72, "🗑"),
    ("exposed_garbage", "暴露垃圾", "event", "市容环境", "ordinary", 24 * H, "cgj", 50, 72, "🚮"),
    ("stairwell_clutter", "楼道乱堆放", "event", "市容环境", "ordinary", 72 * H, "zjj", 30, 72, "📦"),
    ("illegal_ads", "乱贴小广告", "event", "宣传广告", "ordinary", 48 * H, "cgj", 30, 72, "📄"),
    ("street_vending", "占道经营", "event", "街面秩序", "ordinary", 24 * H, "cgj", 50, 24, "🛒"),
    ("parked_cars", "车辆乱停放", "event", "街面秩序", "ordinary", 24 * H, "gaj", 50, 24, "🚗"),
    ("shared_bikes", "共享单车乱停放", "event", "街面秩序", "ordinary", 24 * H, "cgj", 50, 24, "🚲"),
    ("construction", "违规施工", "event", "施工管理", "ordinary", 48 * H, "zjj", 100, 72, "🏗"),
    ("dispute", "矛盾纠纷", "event", "街面秩序", "ordinary", 24 * H, "gaj", 100, 24, "🗣"),
    ("damaged_facility", "市政设施损坏", "component", "公用设施", "ordinary", 72 * H, "cgj", 50, 72, "🔧"),
    ("broken_streetlight", "路灯损坏", "component", "公用设施", "ordinary", 72 * H, "cgj", 50, 72, "💡"),
    ("damaged_road", "道路破损", "component", "道路交通", "ordinary", 72 * H, "jtj", 50, 72, "🛣"),
    ("traffic_signal", "信号灯故障", "component", "道路交通", "ordinary", 24 * H, "gaj", 50, 24, "🚦"),
    ("dangerous_building", "危房隐患", "component", "房屋土地", "ordinary", 72 * H, "zjj", 50, 168, "🏠"),
]  # fmt: skip


# Categories about a person (人员走失, 矛盾纠纷, 交通事故): never in the public Open311 output.
PRIVATE = frozenset({"missing_person", "dispute", "traffic_accident"})


def install(category_model) -> None:
    # The migration that first installs these runs before Category.is_public exists; the
    # migration adding the field marks the private ones then.
    has_is_public = any(f.name == "is_public" for f in category_model._meta.get_fields())
    for sort, row in enumerate(DEFAULT_CATEGORIES):
        code, name, group, major, urgency, minutes, dept, radius, window, icon = row
        public = {"is_public": code not in PRIVATE} if has_is_public else {}
        category_model.objects.get_or_create(
            code=code,
            defaults={
                **public,
                "name": name,
                "group": group,
                "major_class": major,
                "urgency": urgency,
                "handling_minutes": minutes,
                "department_code": dept,
                "dedup_radius_m": radius,
                "dedup_window_hours": window,
                "icon": icon,
                "sort": sort,
            },
        )
