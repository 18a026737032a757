-- The federation's exports (issue 15, item 4): studies owed to another site, one row per study, destination site
-- and de-identification profile. Durable, so that an export survives a restart, a crash or the other site being
-- down for days. state: QUEUED (waiting, maybe after a failure: next_try), SENDING, DONE, FAILED (given up: a
-- permanent problem, or too many attempts). These tables are the federation module's own (history table
-- schema_history_federation), numbered apart from the archive's.
CREATE TABLE export_queue (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    study_uid   VARCHAR NOT NULL,
    destination VARCHAR NOT NULL,
    profile     VARCHAR NOT NULL,
    origin      VARCHAR NOT NULL,
    state       VARCHAR NOT NULL,
    queued      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated     TIMESTAMP WITH TIME ZONE NOT NULL,
    attempts    INT DEFAULT 0 NOT NULL,
    next_try    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_error  VARCHAR,
    total       INT DEFAULT 0 NOT NULL,
    sent        INT DEFAULT 0 NOT NULL,
    -- the Study Instance UID the destination holds (de-identified), once known
    sent_study_uid VARCHAR,
    CONSTRAINT export_queue_uq UNIQUE (study_uid, destination, profile)
);
CREATE INDEX export_queue_due_ix ON export_queue (state, next_try);

-- The instances of an export that the destination acknowledged (C-STORE success): a resumed export skips them.
CREATE TABLE export_sent (
    export_id BIGINT NOT NULL,
    sop_uid   VARCHAR NOT NULL,
    CONSTRAINT export_sent_pk PRIMARY KEY (export_id, sop_uid)
);

-- Studies stored here that a forwarding rule may want, waiting until they have been quiet for a while
-- (federation.forward.quiet-seconds): kept here so that a restart does not forget them.
CREATE TABLE forward_pending (
    study_uid   VARCHAR PRIMARY KEY,
    last_stored TIMESTAMP WITH TIME ZONE NOT NULL
);
