-- Pool exhaustion events: one row each time a session found its pool without a free number (counted once per
-- stay without a number, as the pool's own counter does). Retention: 400 days.
CREATE TABLE IF NOT EXISTS pool_exhaustions
(
    site_id     LowCardinality(String),
    pool_id     LowCardinality(String),
    session_id  String,
    at          DateTime64(3, 'UTC')
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (site_id, pool_id, at)
TTL toDateTime(at) + INTERVAL 400 DAY;

-- Calls per day by the channel and campaign of the visitor's last touch before the call.
CREATE VIEW IF NOT EXISTS calls_by_channel_daily AS
SELECT
    site_id,
    toDate(started_at) AS day,
    if(attribution_status = 'attributed', if(last_channel = '', 'unknown', last_channel), 'unattributed') AS channel,
    last_campaign AS campaign,
    count() AS calls,
    countIf(status = 'completed') AS completed_calls,
    sum(duration_seconds) AS talk_seconds,
    countIf(previous_calls = 0) AS first_time_callers
FROM calls FINAL
GROUP BY site_id, day, channel, campaign;

-- Session-to-call conversion by the source and channel the session arrived from.
CREATE VIEW IF NOT EXISTS conversion_by_source AS
SELECT
    s.site_id AS site_id,
    s.source AS source,
    s.channel AS channel,
    count() AS sessions,
    countIf(c.called = 1) AS sessions_with_call,
    round(sessions_with_call / sessions, 4) AS conversion_rate
FROM
(
    SELECT site_id, session_id, argMin(source, timestamp) AS source, argMin(channel, timestamp) AS channel
    FROM pageviews FINAL
    WHERE NOT is_bot
    GROUP BY site_id, session_id
) AS s
LEFT JOIN
(
    SELECT DISTINCT site_id, session_id, toUInt8(1) AS called
    FROM calls FINAL
    WHERE attribution_status = 'attributed'
) AS c ON s.site_id = c.site_id AND s.session_id = c.session_id
GROUP BY site_id, source, channel;

-- Pool use per hour: leases started, distinct numbers used, and sessions that found the pool exhausted.
CREATE VIEW IF NOT EXISTS pool_usage_hourly AS
SELECT site_id, pool_id, hour, sum(leases_started) AS leases_started, sum(numbers_used) AS numbers_used, sum(exhaustions) AS exhaustions
FROM
(
    SELECT site_id, pool_id, toStartOfHour(started_at) AS hour, count() AS leases_started, uniqExact(number) AS numbers_used, toUInt64(0) AS exhaustions
    FROM lease_history FINAL
    GROUP BY site_id, pool_id, hour
    UNION ALL
    SELECT site_id, pool_id, toStartOfHour(at) AS hour, toUInt64(0), toUInt64(0), count()
    FROM pool_exhaustions
    GROUP BY site_id, pool_id, hour
)
GROUP BY site_id, pool_id, hour;

-- Share of calls credited to one session, per day.
CREATE VIEW IF NOT EXISTS attribution_rate_daily AS
SELECT
    site_id,
    toDate(started_at) AS day,
    count() AS calls,
    countIf(attribution_status = 'attributed') AS attributed,
    countIf(attribution_status = 'ambiguous') AS ambiguous,
    countIf(attribution_status = 'no_lease') AS no_lease,
    countIf(attribution_status = 'not_tracking_number') AS not_tracking_number,
    round(attributed / calls, 4) AS attribution_rate
FROM calls FINAL
GROUP BY site_id, day;
