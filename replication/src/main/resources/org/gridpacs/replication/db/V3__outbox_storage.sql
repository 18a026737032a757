-- News of a copy on a storage other than the node's home: a shared storage's copy (the grid) that this node made.
-- NULL, as in every row before this script, is the sending node's home storage.
ALTER TABLE replication_outbox ADD COLUMN storage_id VARCHAR;
