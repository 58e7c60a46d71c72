"""Group commit: writers that arrive together share a transaction, and one bad job fails alone."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.batch import WriteBatcher
from bot.db.engine import Database
from bot.db.models import SourceRow


def add(
    source_id: str, transactions: list[object] | None = None
) -> Callable[[AsyncSession], Awaitable[str]]:
    async def job(session: AsyncSession) -> str:
        if transactions is not None:
            transactions.append(session.get_transaction())  # kept alive: ids stay distinct
        session.add(SourceRow(id=source_id, url=f"https://{source_id}.example/", error_count=0))
        await session.flush()
        return source_id

    return job


async def stored(database: Database) -> set[str]:
    async with database.transaction() as session:
        return set((await session.execute(select(SourceRow.id))).scalars())


async def test_concurrent_writers_share_transactions_and_each_gets_its_result(
    database: Database,
) -> None:
    batcher = WriteBatcher(database)
    seen: list[object] = []
    results = await asyncio.gather(*(batcher.run(add(f"s{n}", seen)) for n in range(30)))
    assert results == [f"s{n}" for n in range(30)]
    assert await stored(database) == {f"s{n}" for n in range(30)}
    assert len({id(t) for t in seen}) < 30  # some shared a transaction (the first runs alone)


async def test_a_failing_job_fails_alone_and_the_others_commit(database: Database) -> None:
    batcher = WriteBatcher(database)

    async def broken(session: AsyncSession) -> str:
        await session.execute(select(func.count()).select_from(SourceRow))
        raise RuntimeError("this source's write is broken")

    jobs = [add("a"), broken, add("b"), add("a"), add("c")]  # the second "a" breaks the key
    outcomes = await asyncio.gather(*(batcher.run(job) for job in jobs), return_exceptions=True)
    assert outcomes[0] == "a" and outcomes[2] == "b" and outcomes[4] == "c"
    assert isinstance(outcomes[1], RuntimeError)
    assert isinstance(outcomes[3], Exception)  # duplicate primary key
    assert await stored(database) == {"a", "b", "c"}


async def test_batches_are_bounded(database: Database) -> None:
    batcher = WriteBatcher(database, max_jobs=4)
    seen: list[object] = []
    await asyncio.gather(*(batcher.run(add(f"s{n}", seen)) for n in range(12)))
    per_transaction = [sum(t is other for other in seen) for t in {id(t): t for t in seen}.values()]
    assert max(per_transaction) <= 4 and sum(per_transaction) == 12


async def test_a_cancelled_writer_does_not_strand_the_others(database: Database) -> None:
    batcher = WriteBatcher(database)
    gate = asyncio.Event()

    async def slow(session: AsyncSession) -> str:
        await gate.wait()
        return "never"

    leader = asyncio.create_task(batcher.run(slow))
    await asyncio.sleep(0.05)  # the leader holds the lock, waiting inside its transaction
    follower = asyncio.create_task(batcher.run(add("after")))
    await asyncio.sleep(0.05)
    leader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leader
    assert await asyncio.wait_for(follower, 5) == "after"
    assert await stored(database) == {"after"}
