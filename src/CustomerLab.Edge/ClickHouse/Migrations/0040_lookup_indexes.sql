-- Attribution and privacy requests look rows up by visitor (pageviews) and by caller (calls), neither of which is in the
-- table's sort key: without an index every such lookup reads all of a site's rows, so its cost grows with the site's
-- history. A bloom filter per granule lets ClickHouse skip the granules that cannot hold the id (checked in
-- tests/CustomerLab.Tests/ClickHouse/LookupIndexTests.cs with EXPLAIN indexes = 1). Rows written before this migration
-- are indexed by MATERIALIZE INDEX, a background mutation.
ALTER TABLE pageviews ADD INDEX IF NOT EXISTS visitor_lookup visitor_id TYPE bloom_filter(0.01) GRANULARITY 1;

ALTER TABLE pageviews MATERIALIZE INDEX visitor_lookup;

ALTER TABLE calls ADD INDEX IF NOT EXISTS caller_lookup caller_number TYPE bloom_filter(0.01) GRANULARITY 1;

ALTER TABLE calls MATERIALIZE INDEX caller_lookup;
