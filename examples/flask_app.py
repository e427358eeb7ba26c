"""A Flask app with the health checks of examples/allgood.py under /healthcheck.

Run it: `.venv/bin/pip install -e . && .venv/bin/python examples/flask_app.py`,
then open http://127.0.0.1:5000/healthcheck.
"""

from pathlib import Path

from flask import Flask

import allgreen

app = Flask(__name__)
allgreen.mount_healthcheck(app, Path(__file__).with_name("allgood.py"), app_name="flask-example")


@app.get("/")
def home() -> str:
    return 'Your app. Its health: <a href="/healthcheck">/healthcheck</a>'


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=5000)
