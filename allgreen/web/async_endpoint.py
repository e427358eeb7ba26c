"""Answer health check requests from an asyncio event loop without ever blocking it.

:class:`HealthService` is synchronous: a run waits for the executor, and
loading the config imports ``allgood.py``. :class:`AsyncHealthEndpoint` keeps
all of that off the loop. Each distinct piece of work (the report of one
selection, the tag list) is started once in a small shared worker pool, and
every request that needs it awaits the same asyncio future. A flood of
requests therefore costs one worker thread per in-flight run, never one thread
per request, and the loop stays free to answer other routes meanwhile.

Why not ``anyio.to_thread.run_sync`` per request: each waiting request would
hold a thread (or queue behind a limiter) just to block in the service's own
single-flight wait. A future shared on the loop is the single flight itself,
so waiting costs nothing.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar

from allgreen.report import Report
from allgreen.web.endpoint import HealthEndpoint, Response

T = TypeVar("T")

#: Worker threads shared by every request: a report per selection in flight, and tag lookups.
WORKERS = 4


class AsyncHealthEndpoint:
    """Serve a :class:`HealthEndpoint` to coroutines: same pages, no blocking call on the loop.

    :param endpoint: the framework-free endpoint (its service does the runs).
    :param workers: size of the shared worker pool.
    """

    def __init__(self, endpoint: HealthEndpoint, *, workers: int = WORKERS) -> None:
        self.endpoint = endpoint
        self._pool = concurrent.futures.ThreadPoolExecutor(
            workers, thread_name_prefix="allgreen-async"
        )
        # Keyed by loop too: an asyncio future belongs to the loop that made it.
        self._flights: dict[tuple[asyncio.AbstractEventLoop, Hashable], asyncio.Future[Any]] = {}

    async def page(
        self,
        *,
        base_path: str,
        tag: str | None = None,
        suffix: str | None = None,
        query: Mapping[str, str] | None = None,
        exclude: Sequence[str] = (),
        accept: str | None = None,
        authorization: str | None = None,
    ) -> Response:
        """Answer ``GET <prefix>[/<tag>][.json]`` (see :meth:`HealthEndpoint.page`)."""
        endpoint = self.endpoint
        request = endpoint.parse(
            base_path=base_path, tag=tag, suffix=suffix, query=query, exclude=exclude, accept=accept
        )
        if isinstance(request, Response):
            return request
        if request.tag is not None:
            known = await self._shared("tags", endpoint.service.tags)
            refusal = endpoint.refuse_tag(request.tag, known)
            if refusal is not None:
                return refusal
        report = await self.report(tag=request.tag, exclude=request.exclude)
        return endpoint.answer(request, report, authorization=authorization)

    async def metrics(self, *, authorization: str | None = None) -> Response:
        """Answer ``GET <prefix>/metrics`` (see :meth:`HealthEndpoint.metrics`)."""
        report = await self.report()
        return self.endpoint.answer_metrics(report, authorization=authorization)

    async def report(self, *, tag: str | None = None, exclude: Sequence[str] = ()) -> Report:
        """Return the report of ``tag`` minus ``exclude``, sharing the run with concurrent callers."""
        selection = (tag, tuple(sorted(set(exclude))))
        call = functools.partial(self.endpoint.service.report, tag=tag, exclude=selection[1])
        report: Report = await self._shared(("report", selection), call)
        return report

    async def _shared(self, key: Hashable, call: Callable[[], T]) -> T:
        """Await ``call()`` run in the pool, joining the run already in flight for ``key``."""
        loop = asyncio.get_running_loop()
        flight_key = (loop, key)
        future = self._flights.get(flight_key)
        if future is None:
            future = loop.run_in_executor(self._pool, call)
            self._flights[flight_key] = future
            future.add_done_callback(lambda _: self._flights.pop(flight_key, None))
        # shield: a caller that goes away (client disconnect) must not cancel the
        # run that other callers are waiting for.
        result: T = await asyncio.shield(future)
        return result

    def close(self) -> None:
        """Stop the worker pool and close the service (its executor and refresh thread)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.endpoint.service.close()
