-- Pageviews: one row per event the tag sent, enriched at the edge, written by the spool shipper in batches.
-- Every event carries a UUIDv7 made at the edge; a retried batch reuses its insert_deduplication_token, and
-- ReplacingMergeTree on the event id removes any duplicate that still gets in, so analysts read with FINAL
-- (or count(DISTINCT event_id)). The referrer log is the referrer columns (see the referrer_log view).
-- Retention: 400 days (change with ALTER TABLE pageviews MODIFY TTL ...).
CREATE TABLE IF NOT EXISTS pageviews
(
    event_id        UUID                      COMMENT 'UUIDv7 made at the edge; unique per event',
    site_id         LowCardinality(String),
    event_name      LowCardinality(String)    COMMENT 'pageview unless the tag named another event',
    timestamp       DateTime64(3, 'UTC')      COMMENT 'when the edge received the event',
    visitor_id      String                    COMMENT 'first-party visitor cookie id',
    session_id      String                    COMMENT 'first-party session cookie id',
    url             String,
    host            LowCardinality(String),
    path            String,
    title           String,
    referrer        String                    COMMENT 'document.referrer as sent; empty for direct',
    referrer_host   LowCardinality(String),
    source          LowCardinality(String)    COMMENT 'utm_source, else the referrer list name (Google), else the referrer host; empty for direct',
    medium          LowCardinality(String)    COMMENT 'utm_medium, else search, social, email, referral; empty for direct',
    channel         LowCardinality(String)    COMMENT 'paid, search, social, email, referral, campaign, internal, direct',
    utm_source      String,
    utm_medium      String,
    utm_campaign    String,
    utm_term        String,
    utm_content     String,
    click_id_type   LowCardinality(String)    COMMENT 'gclid, gbraid, wbraid, msclkid, fbclid, ttclid, li_fat_id or empty',
    click_id        String,
    browser         LowCardinality(String),
    browser_version LowCardinality(String),
    os              LowCardinality(String),
    os_version      LowCardinality(String),
    device_family   LowCardinality(String),
    device_brand    LowCardinality(String),
    device_type     LowCardinality(String)    COMMENT 'desktop, mobile, tablet, bot, other',
    screen_width    UInt16,
    country_code    LowCardinality(String)    COMMENT 'ISO 3166-1 alpha-2 from GeoIP; empty when unknown',
    region          LowCardinality(String),
    city            LowCardinality(String),
    ip_prefix       String                    COMMENT 'the client IP truncated at the edge (default /24 and /48); never the raw IP by default',
    is_bot          Bool,
    bot_reasons     Array(LowCardinality(String)) COMMENT 'uap_spider, crawler_list, headless, no_user_agent, no_accept_language',
    user_agent      String
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(timestamp)
ORDER BY (site_id, toDate(timestamp), event_id)
TTL toDateTime(timestamp) + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 10000;

-- The referrer log: every pageview that came with a referrer from another host.
CREATE VIEW IF NOT EXISTS referrer_log AS
SELECT timestamp, site_id, session_id, visitor_id, url, referrer, referrer_host, source, medium, channel,
       utm_source, utm_medium, utm_campaign, click_id_type, click_id, is_bot
FROM pageviews
WHERE referrer_host != '' AND referrer_host != host;
