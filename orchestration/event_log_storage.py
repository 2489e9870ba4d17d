"""Dagster's SQLite event log, with one open connection per database file instead of one per event.

Dagster's `SqliteEventLogStorage` creates an engine, connects, commits and disposes it for every event it stores,
and a materialisation or check result writes both its run's database and the index database. A `make demo` run
stores about 2,700 events (700 of them before its first step starts: every asset and check "planned"); recording
them cost 15-20 s of a 73-76 s run (55-61 s here, as with an in-memory instance; docs/benchmarks.md, session 22).
Here each database file keeps one connection, and SQLite syncs its write-ahead log at checkpoints
(`synchronous=NORMAL`, safe in WAL mode, which Dagster sets: a power loss may drop the last events, it does not
corrupt the file). `orchestration/instance.py` (prepare_dagster_home) names this class in the `dagster.yaml` it
writes into $DAGSTER_HOME, so `make build`, `make demo`, `make bench` and `make dagster` (UI and daemon) record this way.
"""

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as db
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

# A run writes its own database and the index; a daemon moves on to new runs, so older engines are closed.
OPEN_DATABASES = 8


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage (one SQLite file per run plus an index file, in `base_dir`) that keeps a connection
    open per file, for the OPEN_DATABASES files used last."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> "PooledSqliteEventLogStorage":
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:  # one thread at a time, as the base class: the connection is shared across threads
            engine = self._engine(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = db.create_engine(self.conn_string_for_shard(shard), poolclass=StaticPool,
                                      connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
            db.event.listen(engine, "connect", lambda dbapi_connection, _: dbapi_connection.execute("pragma synchronous=normal"))
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > OPEN_DATABASES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    def _close_all(self) -> None:
        while self._engines:
            self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        with self._db_lock:
            self._close_all()  # the base class deletes the run files
        super().wipe()

    def dispose(self) -> None:
        with self._db_lock:
            self._close_all()
        super().dispose()
