-- The console's audit: one row per change made from the console (a call tagged or marked, a site, pool or user
-- changed), written before the change is answered. Admins read it at /console/audit. Retention: 5 years
-- (configurable with Retention:Days:console_audit).
CREATE TABLE IF NOT EXISTS console_audit
(
    event_id     UUID,
    at           DateTime64(3, 'UTC'),
    user_name    String                  COMMENT 'the signed-in console user',
    user_role    LowCardinality(String)  COMMENT 'admin or analyst, when the change was made',
    action       LowCardinality(String)  COMMENT 'what was done, such as call.mark, site.save, user.add',
    site_id      String                  COMMENT 'the site concerned; empty for changes about no one site (users)',
    details      String                  COMMENT 'what changed, JSON; never a password or a provider token'
)
ENGINE = MergeTree
ORDER BY (at, event_id)
TTL toDateTime(at) + INTERVAL 1825 DAY;
