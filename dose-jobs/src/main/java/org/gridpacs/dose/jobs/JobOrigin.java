package org.gridpacs.dose.jobs;

/** What asked for a job: a request over HTTP (or the CLI), or the on-arrival rule for a stored RT Plan. */
public enum JobOrigin {
    HTTP, ON_ARRIVAL
}
