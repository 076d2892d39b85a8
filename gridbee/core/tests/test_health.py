def test_health_answers_ok_with_the_database_in_use(client, db):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
