-- Texts are conversions too (issue 21 with issue 16's texts table): a consumer's text to a tracking number joins
-- the conversions view as one more branch, attributed like calls. Keyword messages (STOP, START, HELP) and the
-- business's replies are not conversions. The other two branches are 0030's, unchanged.
CREATE OR REPLACE VIEW conversions AS
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
