"""The claim workload of `make bench` on flatmachines' SQLite work backend (PyPI `flatmachines`).

Usage: python3 flatmachines_claims.py DB_PATH ITEMS PROCESSES
Pushes ITEMS items into one pool, then PROCESSES worker processes each claim and complete items
until the pool is empty. Prints one JSON object: claims per second, items claimed more than once
(flatmachines' claim is atomic only within one process), and "database is locked" retries.
"""
import asyncio
import json
import multiprocessing
import sys
import time

from flatmachines.work import SQLiteWorkBackend


def worker(db_path: str, name: str, queue) -> None:
    async def run() -> tuple[list[str], int]:
        pool = SQLiteWorkBackend(db_path).pool("bench")
        claimed, retries = [], 0
        while True:
            try:
                item = await pool.claim(name)
                if item is None:
                    return claimed, retries
                claimed.append(item.id)
                await pool.complete(item.id)
            except Exception as error:  # sqlite3.OperationalError: database is locked; KeyError on a double claim
                if "locked" in str(error):
                    retries += 1
                    continue
                if isinstance(error, KeyError):
                    continue
                raise
    queue.put(asyncio.run(run()))


def main() -> None:
    db_path, items, processes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    backend = SQLiteWorkBackend(db_path)
    pool = backend.pool("bench")

    async def fill() -> None:
        for i in range(items):
            await pool.push({"i": i})
    asyncio.run(fill())

    queue = multiprocessing.Queue()
    started = time.monotonic()
    workers = [multiprocessing.Process(target=worker, args=(db_path, f"w{n}", queue)) for n in range(processes)]
    for w in workers:
        w.start()
    results = [queue.get() for _ in workers]
    for w in workers:
        w.join()
    elapsed = time.monotonic() - started
    claims = [c for claimed, _ in results for c in claimed]
    print(json.dumps({
        "claims_per_second": len(claims) / elapsed,
        "claims": len(claims),
        "double_claims": len(claims) - len(set(claims)),
        "locked_retries": sum(r for _, r in results),
    }))


if __name__ == "__main__":
    main()
