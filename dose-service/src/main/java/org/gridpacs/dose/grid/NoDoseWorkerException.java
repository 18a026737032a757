package org.gridpacs.dose.grid;

/** The compute grid has no dose worker to run batches on (none started, none reachable, or all left). */
public final class NoDoseWorkerException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    NoDoseWorkerException(String detail, Throwable cause) {
        super("no dose worker in the compute grid (" + detail + "): start one with scripts/pacs dose-worker", cause);
    }
}
