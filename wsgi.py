"""Entry point for gunicorn: `gunicorn -c gunicorn.conf.py wsgi:app`."""

from dotenv import load_dotenv

from hotline.app import create_app

load_dotenv(".env", override=False)
app = create_app()
