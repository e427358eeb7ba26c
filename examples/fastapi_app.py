"""A FastAPI app with the health checks of examples/allgood.py under /healthcheck.

Run it: `.venv/bin/pip install -e '.[fastapi]' && .venv/bin/python examples/fastapi_app.py`,
then open http://127.0.0.1:8000/healthcheck.
"""

from pathlib import Path

import uvicorn
from fastapi import FastAPI

import allgreen.fastapi

app = FastAPI()
app.include_router(
    allgreen.fastapi.router(Path(__file__).with_name("allgood.py"), app_name="fastapi-example"),
    prefix="/healthcheck",
)


@app.get("/")
async def home() -> dict[str, str]:
    return {"health": "/healthcheck"}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=8000)
