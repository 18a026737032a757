-- The grid tier's per-study state on this node (issue 14, tiering). A row exists while a study is being migrated
-- to the grid (MIGRATING: grid copies verified, local copies being removed here and on the other nodes) or once it
-- is tiered (TIERED: only its grid copies are kept), or while it is restored (RESTORING). Durable, so that a node
-- killed mid-migration resumes it at start (nothing lost: a local copy is removed only after its grid copy was read
-- back and verified; nothing duplicated: repair does not fetch copies of a study in this table).
-- pending_nodes: the other nodes not yet told to drop their copies (comma-separated), retried until empty.
CREATE TABLE grid_tier (
    study_uid     VARCHAR PRIMARY KEY,
    state         VARCHAR NOT NULL,
    changed       TIMESTAMP WITH TIME ZONE NOT NULL,
    pending_nodes VARCHAR,
    last_error    VARCHAR
);
-- When a study was last read (retrieve), flushed in batches from memory: the tiering policy's "not read for N days".
CREATE TABLE study_read (
    study_uid VARCHAR PRIMARY KEY,
    last_read TIMESTAMP WITH TIME ZONE NOT NULL
);
