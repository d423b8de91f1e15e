"""`GET /healthz` tells monitoring whether the database answers."""

from hotline.db import Database


def test_healthy_service_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_database_gone_gives_503(client, svc):
    svc.database.dispose()
    svc.database = Database("postgresql+psycopg://postgres@127.0.0.1:1/gone")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
