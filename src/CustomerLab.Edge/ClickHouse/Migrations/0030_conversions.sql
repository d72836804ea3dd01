-- Leads and purchases (issue 21): one row per conversion that is not a call. Reported by the tag (a form submitted:
-- origin 'form'; customerlab('lead'|'conversion') on a page: origin 'page') or by the client's server
-- (POST /v1/conversions, authenticated with the site's conversion secret: origin 'server'). What a page reports can
-- be forged by anyone, so it is verified = false and kept out of payouts and the Google Ads export.
-- Idempotent: conversion_id is the order id (or the event id of a lead without one), per site; a second row with
-- the same id is dropped by ReplacingMergeTree (read with FINAL), and the edge answers 200 "duplicate" for an id it
-- already holds. No field value is stored: a form's field names only, and the opted-in email or phone as the hex
-- SHA-256 of its normalised form (Google's enhanced conversions), which is personal data all the same (privacy
-- requests cover it). Retention: 400 days (Retention:Days:conversion_events).
CREATE TABLE IF NOT EXISTS conversion_events
(
    conversion_id   String                    COMMENT 'the order id, or the event id of a lead without one; unique per site',
    site_id         LowCardinality(String),
    type            LowCardinality(String)    COMMENT 'lead or purchase',
    origin          LowCardinality(String)    COMMENT 'form (the tag saw a form submitted), page (customerlab() on a page), server (POST /v1/conversions)',
    verified        Bool                      COMMENT 'reported by the client''s server with the site''s secret; false for what a page reported',
    occurred_at     DateTime64(3, 'UTC'),
    visitor_id      String                    COMMENT 'the visitor the tag or the visitor token named; empty when only a hashed email or phone is known',
    session_id      String,
    page_url        String                    COMMENT 'the page the form or call was on, without the form''s fields',
    form_id         String                    COMMENT 'the form''s id or name attribute, or what customerlab(''lead'', {form}) named',
    form_fields     Array(String)             COMMENT 'the names of the form''s fields; never their values',
    email_sha256    String                    COMMENT 'hex SHA-256 of the normalised email (lowercase, trimmed; dots dropped before @gmail.com)',
    phone_sha256    String                    COMMENT 'hex SHA-256 of the phone number in E.164 (+ and digits)',
    value           Decimal(18, 4),
    currency        LowCardinality(String)    COMMENT 'ISO 4217, upper case; empty without a value',
    received_at     DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (site_id, conversion_id)
TTL toDateTime(occurred_at) + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 10000;

-- Every conversion, whatever its channel, with the same attribution columns: calls (their own table keeps the
-- lifecycle) and the rows of conversion_events, whose first and last touch, landing page, click ids and publisher
-- are the visitor's pageviews up to the conversion, as the edge computes them for a call. One branch per table:
-- texts join as one more branch (docs/leads.md). Publisher ids are read from the 'pub' URL parameter here
-- (Calls:PublisherParameter's default).
CREATE VIEW IF NOT EXISTS conversions AS
SELECT
    site_id, call_id AS conversion_id, 'call' AS type, provider AS origin, true AS verified, started_at AS occurred_at,
    visitor_id, session_id, toDecimal128(0, 4) AS value, '' AS currency,
    '' AS email_sha256, if(startsWith(caller_number, '+'), lower(hex(SHA256(caller_number))), '') AS phone_sha256,
    attribution_status,
    first_source, first_medium, first_campaign, first_channel, last_source, last_medium, last_campaign, last_channel,
    landing_page, gclid, gbraid, wbraid, msclkid, fbclid, ttclid, li_fat_id, publisher_id
FROM calls FINAL
UNION ALL
SELECT
    site_id, conversion_id, type, origin, verified, occurred_at, visitor_id, session_id, value, currency, email_sha256, phone_sha256,
    attribution_status,
    first_touch.1 AS first_source, first_touch.2 AS first_medium, first_touch.3 AS first_campaign, first_touch.4 AS first_channel,
    last_touch.1 AS last_source, last_touch.2 AS last_medium, last_touch.3 AS last_campaign, last_touch.4 AS last_channel,
    landing_page, gclid, gbraid, wbraid, msclkid, fbclid, ttclid, li_fat_id, publisher_id
FROM
(
    SELECT
        e.site_id AS site_id, e.conversion_id AS conversion_id, e.type AS type, e.origin AS origin, e.verified AS verified,
        e.occurred_at AS occurred_at, e.visitor_id AS visitor_id, e.session_id AS session_id, toDecimal128(e.value, 4) AS value,
        e.currency AS currency, e.email_sha256 AS email_sha256, e.phone_sha256 AS phone_sha256,
        if(countIf(p.timestamp <= e.occurred_at AND p.visitor_id != '') > 0, 'attributed', 'no_pageviews') AS attribution_status,
        argMinIf((p.source, p.medium, p.utm_campaign, p.channel), p.timestamp, p.timestamp <= e.occurred_at AND p.visitor_id != '') AS first_touch,
        argMaxIf((p.source, p.medium, p.utm_campaign, p.channel), p.timestamp,
            p.timestamp <= e.occurred_at AND p.visitor_id != '' AND p.channel NOT IN ('internal', 'direct')) AS outside_touch,
        -- No outside touch after the first visit: the first touch is also the last (as for calls).
        if(outside_touch.4 = '', first_touch, outside_touch) AS last_touch,
        argMinIf(p.url, p.timestamp, p.session_id = e.session_id AND p.session_id != '') AS landing_page,
        argMaxIf(p.click_id, p.timestamp, p.click_id_type = 'gclid' AND p.timestamp <= e.occurred_at) AS gclid,
        argMaxIf(p.click_id, p.timestamp, p.click_id_type = 'gbraid' AND p.timestamp <= e.occurred_at) AS gbraid,
        argMaxIf(p.click_id, p.timestamp, p.click_id_type = 'wbraid' AND p.timestamp <= e.occurred_at) AS wbraid,
        argMaxIf(p.click_id, p.timestamp, p.click_id_type = 'msclkid' AND p.timestamp <= e.occurred_at) AS msclkid,
        argMaxIf(p.click_id, p.timestamp, p.click_id_type = 'fbclid' AND p.timestamp <= e.occurred_at) AS fbclid,
        argMaxIf(p.click_id, p.timestamp, p.click_id_type = 'ttclid' AND p.timestamp <= e.occurred_at) AS ttclid,
        argMaxIf(p.click_id, p.timestamp, p.click_id_type = 'li_fat_id' AND p.timestamp <= e.occurred_at) AS li_fat_id,
        argMaxIf(extractURLParameter(p.url, 'pub'), p.timestamp, extractURLParameter(p.url, 'pub') != '' AND p.timestamp <= e.occurred_at) AS publisher_id
    FROM (SELECT * FROM conversion_events FINAL) AS e
    LEFT JOIN
    (
        SELECT site_id, visitor_id, session_id, timestamp, url, source, medium, utm_campaign, channel, click_id_type, click_id
        FROM pageviews FINAL
        WHERE event_name = 'pageview'
    ) AS p ON p.site_id = e.site_id AND p.visitor_id = e.visitor_id
    GROUP BY e.site_id, e.conversion_id, e.type, e.origin, e.verified, e.occurred_at, e.visitor_id, e.session_id, e.value, e.currency,
        e.email_sha256, e.phone_sha256
);

-- A lead or purchase linked to the latest call before it (within 30 days) by the same visitor, or from the same
-- phone number (the caller's match key equal to the conversion's phone_sha256): "bought after calling".
CREATE VIEW IF NOT EXISTS conversion_call_links AS
SELECT site_id, conversion_id, any(conv_type) AS type, any(conv_at) AS occurred_at,
       argMax(c_call_id, c_started_at) AS call_id, max(c_started_at) AS call_started_at, argMax(link, c_started_at) AS linked_by
FROM
(
    SELECT e.site_id AS site_id, e.conversion_id AS conversion_id, e.type AS conv_type, e.occurred_at AS conv_at,
           c.call_id AS c_call_id, c.started_at AS c_started_at, 'visitor' AS link
    FROM (SELECT site_id, conversion_id, type, occurred_at, visitor_id FROM conversion_events FINAL WHERE visitor_id != '') AS e
    INNER JOIN (SELECT site_id, call_id, started_at, visitor_id FROM calls FINAL WHERE visitor_id != '') AS c
        ON c.site_id = e.site_id AND c.visitor_id = e.visitor_id
    UNION ALL
    SELECT e.site_id, e.conversion_id, e.type, e.occurred_at, c.call_id, c.started_at, 'phone'
    FROM (SELECT site_id, conversion_id, type, occurred_at, phone_sha256 FROM conversion_events FINAL WHERE phone_sha256 != '') AS e
    INNER JOIN (SELECT site_id, call_id, started_at, lower(hex(SHA256(caller_number))) AS caller_sha256 FROM calls FINAL WHERE startsWith(caller_number, '+')) AS c
        ON c.site_id = e.site_id AND c.caller_sha256 = e.phone_sha256
)
WHERE c_started_at <= conv_at AND c_started_at >= conv_at - INTERVAL 30 DAY
GROUP BY site_id, conversion_id;
