-- The off-site copy queue: instances this node received that still need their copy on a shared storage (the
-- grid). Durable, so that a copy survives a restart or a crash; an entry is removed once the copy is verified and
-- its location row recorded. target names the storage (one queue serves any later tier: 'grid' today).
-- object_key is the object the copier created there before it verified it: after a crash that object is checked
-- and recorded, or removed, rather than left behind.
CREATE TABLE offsite_queue (
    sop_uid     VARCHAR NOT NULL,
    target      VARCHAR NOT NULL,
    queued      TIMESTAMP WITH TIME ZONE NOT NULL,
    attempts    INT DEFAULT 0 NOT NULL,
    -- not before this time (backoff after a failure)
    next_try    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_error  VARCHAR,
    object_key  VARCHAR,
    CONSTRAINT offsite_queue_pk PRIMARY KEY (sop_uid, target)
);
CREATE INDEX offsite_queue_next_ix ON offsite_queue (target, next_try);
