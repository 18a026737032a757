-- The dose jobs of the dose-jobs module (SchemaMigrations "dose_jobs", history in schema_history_dose_jobs; the
-- archive's scripts run first). One row per job, whatever asked for it (HTTP, the on-arrival rule).
CREATE TABLE dose_job (
    -- a random UUID: also the pseudonymous id that leaves the node for the compute grid
    id               VARCHAR(36) PRIMARY KEY,
    -- QUEUED, RUNNING, DONE, FAILED, CANCELLED (JobState)
    state            VARCHAR(16) NOT NULL,
    detail           VARCHAR(1000),
    -- HTTP or ON_ARRIVAL
    origin           VARCHAR(16) NOT NULL,
    study_uid        VARCHAR(64) NOT NULL,
    plan_uid         VARCHAR(64),
    -- the beam description of a request without a plan, as JSON
    beams_json       CLOB,
    -- target uncertainty, percent; or a fixed number of histories
    uncertainty      DOUBLE PRECISION,
    histories        BIGINT,
    seed             BIGINT NOT NULL,
    -- set for an on-arrival job: it waits for its CT series until this time
    wait_ct_until    TIMESTAMP WITH TIME ZONE,
    created          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated          TIMESTAMP WITH TIME ZONE NOT NULL,
    owner_node       VARCHAR(64) NOT NULL,
    histories_done   BIGINT NOT NULL DEFAULT 0,
    histories_planned BIGINT NOT NULL DEFAULT 0,
    uncertainty_reached DOUBLE PRECISION,
    eta_seconds      DOUBLE PRECISION,
    result_dose_uid  VARCHAR(64),
    result_error_uid VARCHAR(64),
    result_plan_uid  VARCHAR(64),
    error            VARCHAR(4000),
    attempts         INT NOT NULL DEFAULT 0,
    -- the plan SOP Instance UID an on-arrival job was made for: one job per stored plan
    arrival_plan_uid VARCHAR(64) UNIQUE
);
CREATE INDEX dose_job_state_ix ON dose_job (state, created);
CREATE INDEX dose_job_created_ix ON dose_job (created);
