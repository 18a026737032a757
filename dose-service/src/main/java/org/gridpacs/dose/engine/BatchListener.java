package org.gridpacs.dose.engine;

/** Told by a {@link BatchExecutor} when a batch has been scored; called from any thread, so it must be thread-safe. */
@FunctionalInterface
public interface BatchListener {
    void batchDone(Batch batch);

    BatchListener NONE = b -> { };
}
