-- Jobs are known on every node of a cluster (rows sent between nodes) and a dead owner's open jobs are adopted by
-- another node: owner_epoch counts the owner changes of a job, so that a node merging rows from its peers can tell
-- the newer owner from the older one without comparing the clocks of two machines (JobMerge).
ALTER TABLE dose_job ADD COLUMN owner_epoch INT NOT NULL DEFAULT 0;
CREATE INDEX dose_job_owner_ix ON dose_job (owner_node, state);
