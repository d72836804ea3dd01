-- Calls, part 1 of the phone side: how the call to the business went. duration_seconds stays the caller's whole call
-- (the total duration); talk_seconds is the time the caller and the business were connected.
-- A call that arrives through the durable call-event spool is written once, when it ends, with
-- insert_deduplication_token = provider:call_id:revision, so a replayed write is dropped (the window below).
ALTER TABLE calls
    ADD COLUMN IF NOT EXISTS answered Bool DEFAULT false COMMENT 'the business answered (the Dial connected)',
    ADD COLUMN IF NOT EXISTS talk_seconds UInt32 DEFAULT 0 COMMENT 'seconds the caller and the business talked (Twilio DialCallDuration)',
    ADD COLUMN IF NOT EXISTS dial_status LowCardinality(String) DEFAULT '' COMMENT 'how the Dial to the business ended: completed, busy, no-answer, failed, canceled',
    ADD COLUMN IF NOT EXISTS forwarded_to String DEFAULT '' COMMENT 'the business line dialled (the pool''s or the site''s forward-to number), E.164';

ALTER TABLE calls MODIFY SETTING non_replicated_deduplication_window = 10000;
