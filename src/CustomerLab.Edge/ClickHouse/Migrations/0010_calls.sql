-- Calls: one row per call, attributed to the session that held the tracking number when the call started.
-- Every webhook of a call's lifecycle (ringing, in-progress, completed...) writes the whole row again with a
-- higher version, so ReplacingMergeTree keeps one row per call: read with FINAL.
-- Retention: 400 days after the call (change with ALTER TABLE calls MODIFY TTL ...).
CREATE TABLE IF NOT EXISTS calls
(
    call_id               String                  COMMENT 'the provider''s call id (Twilio CallSid) or the generic webhook''s callId',
    provider              LowCardinality(String)  COMMENT 'twilio, or the generic webhook''s provider name',
    site_id               LowCardinality(String)  COMMENT 'empty when the number called is not a tracking number',
    pool_id               LowCardinality(String),
    tracking_number       String                  COMMENT 'the number called, E.164',
    caller_number         String                  COMMENT 'caller id, E.164 when it parses, else as received (anonymous...)',
    caller_region         LowCardinality(String)  COMMENT 'from the caller''s number itself (libphonenumber offline geocoder)',
    caller_country        LowCardinality(String),
    direction             LowCardinality(String),
    status                LowCardinality(String)  COMMENT 'ringing, in-progress, completed, busy, no-answer, failed, canceled',
    started_at            DateTime64(3, 'UTC'),
    duration_seconds      UInt32,
    attribution_status    LowCardinality(String)  COMMENT 'attributed, ambiguous, no_lease, not_tracking_number',
    attribution_reason    String,
    lease_id              String,
    session_id            String,
    visitor_id            String,
    candidate_sessions    Array(String)           COMMENT 'when ambiguous: every session that held the number in the window',
    first_source          LowCardinality(String)  COMMENT 'first touch of the visitor',
    first_medium          LowCardinality(String),
    first_campaign        String,
    first_channel         LowCardinality(String),
    last_source           LowCardinality(String)  COMMENT 'last touch from outside the site before the call',
    last_medium           LowCardinality(String),
    last_campaign         String,
    last_channel          LowCardinality(String),
    landing_page          String                  COMMENT 'first page of the session that held the number',
    gclid                 String,
    gbraid                String,
    wbraid                String,
    msclkid               String,
    fbclid                String,
    ttclid                String,
    li_fat_id             String,
    publisher_id          String                  COMMENT 'the publisher/affiliate parameter of the visitor''s pages (Calls:PublisherParameter)',
    seconds_since_last_pageview Nullable(UInt32),
    previous_calls        UInt32                  COMMENT 'earlier calls from the same caller to the same site',
    first_call_id         String                  COMMENT 'the caller''s first call to the site; this call''s id when it is the first',
    updated_at            DateTime64(3, 'UTC'),
    version               UInt64                  COMMENT 'lifecycle rank × 10^13 + event time in ms: later states win, a late ringing never overwrites completed'
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(started_at)
ORDER BY (site_id, call_id)
TTL toDateTime(started_at) + INTERVAL 400 DAY;
