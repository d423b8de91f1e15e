"""Entry point for gunicorn: `gunicorn -c gunicorn.conf.py wsgi:app`."""

import gc

from dotenv import load_dotenv

from hotline.app import create_app

load_dotenv(".env", override=False)
app = create_app()
# What was built at start (the app, the models, templates, libraries) lives as long as the
# worker: moved out of the garbage collector's sight, a full collection during a request
# (a year's statistics page allocates enough to cause them) no longer walks all of it.
gc.freeze()
