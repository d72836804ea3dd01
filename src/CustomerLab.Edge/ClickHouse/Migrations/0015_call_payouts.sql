-- Calls, part 2: publisher payouts. A call is judged against its site's qualified-call rules when its row is written at
-- the end of its lifecycle (rules as they are then: editing a rule changes calls judged afterwards, not earlier ones).
ALTER TABLE calls
    ADD COLUMN IF NOT EXISTS test_call Bool DEFAULT false COMMENT 'the caller is one of the site''s test callers: never paid',
    ADD COLUMN IF NOT EXISTS qualified Bool DEFAULT false COMMENT 'the call met the site''s qualified-call rules',
    ADD COLUMN IF NOT EXISTS qualification_reason LowCardinality(String) DEFAULT '' COMMENT 'why not: no_rules, test_call, not_answered, too_short, repeat_caller; empty when qualified',
    ADD COLUMN IF NOT EXISTS payout Decimal(18, 4) DEFAULT 0 COMMENT 'what the call earns its publisher (publisher_id); 0 when not qualified or without a publisher',
    ADD COLUMN IF NOT EXISTS payout_currency LowCardinality(String) DEFAULT '' COMMENT 'ISO 4217 code of payout';
