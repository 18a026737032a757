package org.gridpacs.dose.jobs;

/** Where a dose job is. QUEUED and RUNNING are open; the others are final. */
public enum JobState {
    QUEUED, RUNNING, DONE, FAILED, CANCELLED;

    public boolean isFinal() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }
}
