-- Calls, part 2: recording only after a notice. The calls row keeps which notice was played and when each party
-- heard it; call_recordings has one row per recording (its audio stays at Twilio; the edge proxies it to signed-in
-- users and never shows Twilio's URL). A recording row names its call, so every recording can be shown to have
-- been preceded by the notice (calls.caller_notice_at, and notice_played here).
ALTER TABLE calls
    ADD COLUMN IF NOT EXISTS recording_notice String DEFAULT '' COMMENT 'the recording notice played on the call; empty: none (not recorded)',
    ADD COLUMN IF NOT EXISTS caller_notice_at Nullable(DateTime64(3, 'UTC')) COMMENT 'when the caller heard the notice (TwiML <Say> before the <Dial>)',
    ADD COLUMN IF NOT EXISTS business_notice_at Nullable(DateTime64(3, 'UTC')) COMMENT 'when the business heard the notice (the whisper, before the bridge)';

-- Retention: 400 days after the recording (Retention:Days:call_recordings); deletion requests remove rows here and the
-- audio at Twilio (a durable, retried queue).
CREATE TABLE IF NOT EXISTS call_recordings
(
    recording_sid       String                  COMMENT 'Twilio RecordingSid (RE...)',
    call_id             String                  COMMENT 'the call (calls.call_id) the recording belongs to',
    provider            LowCardinality(String),
    site_id             LowCardinality(String),
    account_sid         String                  COMMENT 'the Twilio account holding the audio',
    tracking_number     String,
    caller_number       String                  COMMENT 'copied from the call, so deletion by phone number finds the recording',
    visitor_id          String                  COMMENT 'copied from the call''s attribution, so deletion by visitor finds it',
    session_id          String,
    recording_status    LowCardinality(String)  COMMENT 'Twilio RecordingStatus: completed, absent, failed',
    duration_seconds    UInt32,
    channels            UInt8                   COMMENT '2: caller and business on separate channels (record-from-answer-dual)',
    recording_url       String                  COMMENT 'Twilio''s URL (needs the account''s credentials); never shown publicly',
    notice_played       Bool                    COMMENT 'the caller heard the notice before the Dial that recorded',
    notice_text         String,
    caller_notice_at    Nullable(DateTime64(3, 'UTC')),
    business_notice_at  Nullable(DateTime64(3, 'UTC')),
    call_started_at     DateTime64(3, 'UTC'),
    created_at          DateTime64(3, 'UTC')    COMMENT 'when the edge stored the recording callback'
)
ENGINE = ReplacingMergeTree(created_at)
PARTITION BY toYYYYMM(call_started_at)
ORDER BY (site_id, call_id, recording_sid)
TTL toDateTime(call_started_at) + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 10000;
