-- Sessions, maintained by ClickHouse itself: a materialized view folds every inserted pageview into
-- sessions_agg (AggregatingMergeTree), so stateless edges need no session affinity. The functions are
-- idempotent (uniqExact of event ids, min/max, argMin/argMax), so a duplicate pageview changes nothing.
-- Read it through the sessions view. Retention: 400 days after the session's last pageview.
CREATE TABLE IF NOT EXISTS sessions_agg
(
    site_id         LowCardinality(String),
    session_id      String,
    visitor         SimpleAggregateFunction(any, String),
    first_seen      SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen       SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    pageview_ids    AggregateFunction(uniqExact, UUID),
    landing_state   AggregateFunction(argMin, String, DateTime64(3, 'UTC')),
    exit_state      AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
    first_state     AggregateFunction(argMin, Tuple(String, String, String, String, String, String, String, String, String), DateTime64(3, 'UTC')),
    last_state      AggregateFunction(argMax, Tuple(String, String, String, String, String, String, String, String, String), DateTime64(3, 'UTC')),
    bot             SimpleAggregateFunction(max, Bool)
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, session_id)
TTL toDateTime(last_seen) + INTERVAL 400 DAY;

-- The touch tuple: (referrer, source, medium, channel, utm_source, utm_medium, utm_campaign, click_id_type, click_id).
-- The last touch only counts pageviews that came from outside (a referrer from another host, utm or a click id).
CREATE MATERIALIZED VIEW IF NOT EXISTS sessions_mv TO sessions_agg AS
SELECT
    site_id,
    session_id,
    any(visitor_id) AS visitor,
    min(timestamp) AS first_seen,
    max(timestamp) AS last_seen,
    uniqExactState(event_id) AS pageview_ids,
    argMinState(url, timestamp) AS landing_state,
    argMaxState(url, timestamp) AS exit_state,
    argMinState((referrer, source, medium, channel, utm_source, utm_medium, utm_campaign, click_id_type, click_id), timestamp) AS first_state,
    argMaxIfState((referrer, source, medium, channel, utm_source, utm_medium, utm_campaign, click_id_type, click_id), timestamp,
        channel NOT IN ('internal', 'direct')) AS last_state,
    max(is_bot) AS bot
FROM pageviews
GROUP BY site_id, session_id;

-- One row per session, merged: what analysts query.
CREATE VIEW IF NOT EXISTS sessions AS
SELECT
    site_id,
    session_id,
    any(visitor) AS visitor_id,
    min(first_seen) AS started_at,
    max(last_seen) AS ended_at,
    dateDiff('second', started_at, ended_at) AS duration_seconds,
    uniqExactMerge(pageview_ids) AS pageviews,
    argMinMerge(landing_state) AS landing_page,
    argMaxMerge(exit_state) AS exit_page,
    argMinMerge(first_state) AS first_touch,
    argMaxMerge(last_state) AS last_touch,
    first_touch.1 AS first_referrer, first_touch.2 AS first_source, first_touch.3 AS first_medium, first_touch.4 AS first_channel,
    first_touch.5 AS first_utm_source, first_touch.6 AS first_utm_medium, first_touch.7 AS first_utm_campaign,
    first_touch.8 AS first_click_id_type, first_touch.9 AS first_click_id,
    last_touch.1 AS last_referrer, last_touch.2 AS last_source, last_touch.3 AS last_medium, last_touch.4 AS last_channel,
    last_touch.5 AS last_utm_source, last_touch.6 AS last_utm_medium, last_touch.7 AS last_utm_campaign,
    last_touch.8 AS last_click_id_type, last_touch.9 AS last_click_id,
    max(bot) AS is_bot
FROM sessions_agg
GROUP BY site_id, session_id;
