def test_the_fixture_county_enrols_a_partner_through_the_real_steps(county):
    partner = county.partner
    assert partner.user.role == "partner" and partner.status == "active"
    assert partner.certificate.number.startswith("522731-")
    assert sorted(b.grid.code for b in partner.bindings.all()) == sorted(
        [
            "522731001001001",
            "522731001002001",
        ]
    )
    assert [s.action for s in county.recommended.steps.all()] == ["submit", "recommend"]
