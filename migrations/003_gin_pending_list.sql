-- The write path is dominated by GIN updates. With fastupdate (the default)
-- new entries go to a pending list that is merged into the tree in bulk,
-- which is far cheaper per entry than inserting them one by one; a larger
-- list (32 MB, up from 4 MB) merges less often and in bigger, more efficient
-- batches. Autovacuum also merges it in the background. The cost: a search
-- scans the pending list too, so it is kept bounded (see README, performance).
ALTER INDEX articles_tsv_idx SET (fastupdate = on, gin_pending_list_limit = 32768);

-- Insert-heavy table: let autovacuum visit it (and clean the pending list)
-- after every 20,000 new rows rather than a fraction of a large table.
ALTER TABLE articles SET (autovacuum_vacuum_insert_threshold = 20000,
                          autovacuum_vacuum_insert_scale_factor = 0);
