"""`GET /healthz` tells monitoring whether the database answers."""

from hotline.db import Database


def test_healthy_service_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "scheduler": {"heartbeat_age_seconds": None, "oldest_overdue_work_seconds": None},
    }


def test_database_gone_gives_503(client, svc):
    svc.database.dispose()
    svc.database = Database("postgresql+psycopg://postgres@127.0.0.1:1/gone")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_a_database_without_the_current_schema_gives_503(client, svc):
    from hotline import migrate

    migrate.downgrade(svc.database.engine, "base")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "hotline db upgrade" in response.get_json()["checks"]["schema"]
    migrate.upgrade(svc.database.engine)
    assert client.get("/healthz").status_code == 200
