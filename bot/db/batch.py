"""Group commit: concurrent writers share one transaction instead of queueing for one each.

A poll cycle finishes hundreds of sources within seconds, and each wants a short write
(its new items and its fetch state). One transaction each costs a BEGIN, a COMMIT and
several thread hops on SQLite, and SQLite takes one writer at a time anyway. So writes
are queued: whoever holds the lock writes everything queued so far in one transaction,
and whoever arrives meanwhile is written by the next holder. Each job still commits
atomically (all of it or none); if one job breaks a shared transaction, the jobs of that
batch are retried alone, so one bad source never fails another.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import Database

__all__ = ["WriteBatcher"]

_T = TypeVar("_T")
Job = Callable[[AsyncSession], Awaitable[_T]]


class WriteBatcher:
    """Runs write jobs in shared transactions, in arrival order, one transaction at a time."""

    def __init__(self, db: Database, *, max_jobs: int = 50) -> None:
        self._db = db
        self._max_jobs = max_jobs  # bounds how long one transaction holds SQLite's write lock
        self._queue: list[tuple[Job[Any], asyncio.Future[Any]]] = []
        self._lock = asyncio.Lock()  # FIFO: the next holder writes what queued meanwhile

    async def run(self, job: Job[_T]) -> _T:
        """Run `job(session)` in a transaction (perhaps shared); its result or its error."""
        future: asyncio.Future[_T] = asyncio.get_running_loop().create_future()
        self._queue.append((job, future))
        while not future.done():
            async with self._lock:
                if not future.done():
                    await self._flush()
        return future.result()

    async def _flush(self) -> None:
        batch, self._queue = self._queue[: self._max_jobs], self._queue[self._max_jobs :]
        try:
            try:
                async with self._db.transaction() as session:
                    results = [await job(session) for job, _ in batch]
            except Exception as exc:
                if len(batch) == 1:
                    batch[0][1].set_exception(exc)
                    return
                await self._one_by_one(batch)
                return
            for (_, future), result in zip(batch, results, strict=True):
                future.set_result(result)
        finally:  # cancelled mid-write: nobody else will run these, so their callers must hear
            for _, future in batch:
                future.cancel()  # a no-op for the futures already resolved

    async def _one_by_one(self, batch: list[tuple[Job[Any], asyncio.Future[Any]]]) -> None:
        for job, future in batch:
            try:
                async with self._db.transaction() as session:
                    future.set_result(await job(session))
            except Exception as exc:
                future.set_exception(exc)
