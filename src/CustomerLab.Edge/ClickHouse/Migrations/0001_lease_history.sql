-- Lease history: one row per lease of a tracking number to a session. The edge writes a row when the
-- lease starts and again when it ends (released, expired and reclaimed, or retired); ReplacingMergeTree
-- keeps the newest version of each lease, so analysts read it with FINAL (or argMax by version).
-- Attribution uses it for calls that arrive after the live lease in Redis is gone.
CREATE TABLE IF NOT EXISTS lease_history
(
    lease_id          UUID,
    site_id           LowCardinality(String),
    pool_id           LowCardinality(String),
    number            String                    COMMENT 'tracking number, E.164',
    session_id        String,
    visitor_id        String,
    source            LowCardinality(String)    COMMENT 'source rule or channel that chose the pool',
    started_at        DateTime64(3, 'UTC'),
    last_activity_at  DateTime64(3, 'UTC'),
    ended_at          Nullable(DateTime64(3, 'UTC')),
    end_reason        LowCardinality(String)    COMMENT 'empty while live; released, expired, retired',
    version           UInt64                    COMMENT 'milliseconds since the epoch when this row was written'
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (site_id, number, started_at, lease_id)
TTL toDateTime(started_at) + INTERVAL 400 DAY;
