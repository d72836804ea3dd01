-- Test calls (issue 22): the demo page's "place a test call" (Development only) sends the webhooks a provider would send,
-- through the real call path, so its call is stored like any other, attributed, but flagged. Reports, exports, payouts and
-- the conversions view leave flagged calls out; the calls table (and so the console's call log) keeps them.
ALTER TABLE calls
    ADD COLUMN IF NOT EXISTS simulated Bool DEFAULT false COMMENT 'a test call placed from the demo page, not by a caller: left out of reports, exports, payouts and conversions';

-- The report views of 0011 and the conversion views of 0030/0031 as they were, without test calls.
CREATE OR REPLACE VIEW calls_by_channel_daily AS
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
WHERE NOT simulated
GROUP BY site_id, day, channel, campaign;

CREATE OR REPLACE VIEW conversion_by_source AS
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
    WHERE attribution_status = 'attributed' AND NOT simulated
) AS c ON s.site_id = c.site_id AND s.session_id = c.session_id
GROUP BY site_id, source, channel;

CREATE OR REPLACE VIEW attribution_rate_daily AS
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
WHERE NOT simulated
GROUP BY site_id, day;

CREATE OR REPLACE VIEW conversions AS
SELECT
    site_id, call_id AS conversion_id, 'call' AS type, provider AS origin, true AS verified, started_at AS occurred_at,
    visitor_id, session_id, toDecimal128(0, 4) AS value, '' AS currency,
    '' AS email_sha256, if(startsWith(caller_number, '+'), lower(hex(SHA256(caller_number))), '') AS phone_sha256,
    attribution_status,
    first_source, first_medium, first_campaign, first_channel, last_source, last_medium, last_campaign, last_channel,
    landing_page, gclid, gbraid, wbraid, msclkid, fbclid, ttclid, li_fat_id, publisher_id
FROM calls FINAL
WHERE NOT simulated
UNION ALL
SELECT
    site_id, message_id AS conversion_id, 'text' AS type, provider AS origin, true AS verified, received_at AS occurred_at,
    visitor_id, session_id, toDecimal128(0, 4) AS value, '' AS currency,
    '' AS email_sha256, if(startsWith(consumer_number, '+'), lower(hex(SHA256(consumer_number))), '') AS phone_sha256,
    attribution_status,
    first_source, first_medium, first_campaign, first_channel, last_source, last_medium, last_campaign, last_channel,
    landing_page, gclid, '' AS gbraid, '' AS wbraid, msclkid, fbclid, '' AS ttclid, '' AS li_fat_id, publisher_id
FROM texts FINAL
WHERE direction = 'inbound' AND keyword = ''
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

CREATE OR REPLACE VIEW conversion_call_links AS
SELECT site_id, conversion_id, any(conv_type) AS type, any(conv_at) AS occurred_at,
       argMax(c_call_id, c_started_at) AS call_id, max(c_started_at) AS call_started_at, argMax(link, c_started_at) AS linked_by
FROM
(
    SELECT e.site_id AS site_id, e.conversion_id AS conversion_id, e.type AS conv_type, e.occurred_at AS conv_at,
           c.call_id AS c_call_id, c.started_at AS c_started_at, 'visitor' AS link
    FROM (SELECT site_id, conversion_id, type, occurred_at, visitor_id FROM conversion_events FINAL WHERE visitor_id != '') AS e
    INNER JOIN (SELECT site_id, call_id, started_at, visitor_id FROM calls FINAL WHERE visitor_id != '' AND NOT simulated) AS c
        ON c.site_id = e.site_id AND c.visitor_id = e.visitor_id
    UNION ALL
    SELECT e.site_id, e.conversion_id, e.type, e.occurred_at, c.call_id, c.started_at, 'phone'
    FROM (SELECT site_id, conversion_id, type, occurred_at, phone_sha256 FROM conversion_events FINAL WHERE phone_sha256 != '') AS e
    INNER JOIN (SELECT site_id, call_id, started_at, lower(hex(SHA256(caller_number))) AS caller_sha256 FROM calls FINAL WHERE startsWith(caller_number, '+') AND NOT simulated) AS c
        ON c.site_id = e.site_id AND c.caller_sha256 = e.phone_sha256
)
WHERE c_started_at <= conv_at AND c_started_at >= conv_at - INTERVAL 30 DAY
GROUP BY site_id, conversion_id;
