def test_health_answers_ok_with_the_database_in_use(client, db):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_nul_characters_are_refused_before_reaching_the_database(client, db):
    for response in (
        client.post(
            "/api/auth/token",
            {"mobile": "138\x000000", "password": "x"},
            content_type="application/json",
        ),
        client.get("/api/certificates/ab%00cd"),
        client.post("/login/", {"username": "138\x000000", "password": "x"}),
    ):
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_input"
