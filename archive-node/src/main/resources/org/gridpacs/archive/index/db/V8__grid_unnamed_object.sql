-- Grid objects a migration has uploaded but not yet named in the location table (issue 14): the key is recorded
-- before the object is read back and verified, and the row goes in the transaction that names the object. Rows a
-- killed node left are settled at its next start: an object the index names is kept, any other is removed, so a
-- crash mid-migration leaves no unnamed copy in the bucket. Local to this node: never sent to the others.
CREATE TABLE grid_unnamed_object (
    storage_key VARCHAR PRIMARY KEY,
    storage_id  VARCHAR NOT NULL,
    sop_uid     VARCHAR NOT NULL,
    created     TIMESTAMP WITH TIME ZONE NOT NULL
);
