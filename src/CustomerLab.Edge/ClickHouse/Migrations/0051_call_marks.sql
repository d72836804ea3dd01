-- Marks an analyst puts on a call in the console: tags, and a hand-made qualified / not qualified verdict that
-- overrides the site's payout rules (Calls/Payouts). Kept apart from calls, whose row the call's lifecycle may still
-- rewrite; readers join the newest mark of a call (FINAL). manual_qualified: -1 none, 0 not qualified, 1 qualified;
-- manual_payout is what the call earns under the site's rules when marked qualified (0 when not).
CREATE TABLE IF NOT EXISTS call_marks
(
    site_id           LowCardinality(String),
    call_id           String,
    tags              Array(String),
    manual_qualified  Int8                    COMMENT '-1: no hand-made verdict, 0: not qualified, 1: qualified',
    manual_payout     Decimal(18, 4)          COMMENT 'the payout when marked qualified (the publisher''s amount under the site''s rules); 0 otherwise',
    payout_currency   LowCardinality(String),
    marked_by         String                  COMMENT 'the console user who marked it',
    marked_at         DateTime64(3, 'UTC'),
    version           UInt64                  COMMENT 'marked_at in microseconds: the newest mark wins'
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (site_id, call_id);
