package org.gridpacs.dose.engine;

import java.io.Serializable;

/**
 * One batch of a job: its index, which alone (with the job's seed) seeds its random stream, and its size. A batch
 * therefore gives the same histories wherever and whenever it runs.
 */
public record Batch(int index, long histories) implements Serializable {
    public Batch {
        if (index < 0 || histories < 0) {
            throw new IllegalArgumentException("bad batch " + index + " of " + histories + " histories");
        }
    }
}
