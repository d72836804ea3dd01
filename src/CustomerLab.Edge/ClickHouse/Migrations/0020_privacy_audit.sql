-- Privacy audit: one row per access (export) or deletion request, from the admin API or the CLI. The subject
-- (a visitor id or a caller's phone number) is never stored: only its keyed hash, HMAC-SHA256 under
-- Privacy:AuditKey, so a later request about the same subject can be matched without keeping who it was.
-- Retention: 5 years (configurable with Retention:Days:privacy_audit).
CREATE TABLE IF NOT EXISTS privacy_audit
(
    request_id    UUID,
    requested_at  DateTime64(3, 'UTC'),
    action        LowCardinality(String)  COMMENT 'export or delete',
    subject_type  LowCardinality(String)  COMMENT 'visitor or phone',
    subject_hash  String                  COMMENT 'hex HMAC-SHA256 of "<subject_type>:<id>" under Privacy:AuditKey; never the id itself',
    requested_by  String                  COMMENT 'admin:<first 12 hex of the API key hash> or cli:<OS user>',
    outcome       LowCardinality(String)  COMMENT 'completed or failed',
    counts        String                  COMMENT 'JSON: items found (export) or removed (delete) per store and table',
    error         String                  COMMENT 'why a failed request failed; no personal data'
)
ENGINE = MergeTree
ORDER BY (requested_at, request_id)
TTL toDateTime(requested_at) + INTERVAL 1825 DAY;
