-- Texts to and from tracking numbers: one row per text (Twilio MessageSid). direction 'inbound' is a consumer's text
-- to a tracking number, attributed like a call (tracking number + time -> the session that held the number);
-- 'reply' is the business's answer relayed through the tracking number (not attributed: attribution_status 'reply').
-- The body is kept only when the site opts in (calls.texts.storeBody); body_length always.
-- Retention: 400 days after the text (Retention:Days:texts). Privacy requests cover it by consumer_number and visitor_id.
CREATE TABLE IF NOT EXISTS texts
(
    message_id          String                  COMMENT 'Twilio MessageSid',
    provider            LowCardinality(String),
    site_id             LowCardinality(String),
    pool_id             LowCardinality(String),
    tracking_number     String                  COMMENT 'the tracking number texted (inbound) or texted from (reply), E.164',
    direction           LowCardinality(String)  COMMENT 'inbound (consumer to tracking number) or reply (business to consumer, relayed)',
    sender_number       String                  COMMENT 'who sent it: the consumer (inbound) or the business line (reply)',
    recipient_number    String                  COMMENT 'the tracking number (inbound) or the consumer the reply went to; empty when dropped',
    consumer_number     String                  COMMENT 'the consumer in the conversation, E.164; privacy requests by phone match it',
    keyword             LowCardinality(String)  COMMENT 'stop, start, help, or empty for an ordinary text',
    outcome             LowCardinality(String)  COMMENT 'forwarded, not_forwarded, relayed, dropped, opted_out, opted_in, help',
    received_at         DateTime64(3, 'UTC'),
    attribution_status  LowCardinality(String)  COMMENT 'attributed, ambiguous, no_lease, not_tracking_number (as calls); reply for replies',
    attribution_reason  String,
    lease_id            String,
    session_id          String,
    visitor_id          String,
    first_source        LowCardinality(String),
    first_medium        LowCardinality(String),
    first_campaign      String,
    first_channel       LowCardinality(String),
    last_source         LowCardinality(String),
    last_medium         LowCardinality(String),
    last_campaign       String,
    last_channel        LowCardinality(String),
    landing_page        String,
    gclid               String,
    msclkid             String,
    fbclid              String,
    publisher_id        String,
    body_length         UInt32                  COMMENT 'characters in the body',
    body                String                  COMMENT 'the text itself, only when the site keeps bodies (off by default)',
    segments            UInt16,
    media_count         UInt16,
    stored_at           DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(stored_at)
PARTITION BY toYYYYMM(received_at)
ORDER BY (site_id, message_id)
TTL toDateTime(received_at) + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 10000;
