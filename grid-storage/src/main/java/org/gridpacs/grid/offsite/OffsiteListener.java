package org.gridpacs.grid.offsite;

import java.sql.SQLException;

import org.gridpacs.archive.store.InstanceStored;
import org.gridpacs.archive.store.StoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues the off-site copy of each instance this node received from its sender (a new object, or one that
 * replaced another): the store listeners hear only of those, not of the copies peers push here, so one node per
 * instance queues it. An event lost (the listeners' queue full, a crash before it was heard) is found by the
 * start-up pass ({@link OffsiteQueue#addMissing}).
 */
public final class OffsiteListener implements StoreListener {
    private static final Logger LOG = LoggerFactory.getLogger(OffsiteListener.class);
    private final OffsiteQueue queue;
    private final OffsiteCopier copier;

    public OffsiteListener(OffsiteQueue queue, OffsiteCopier copier) {
        this.queue = queue;
        this.copier = copier;
    }

    @Override
    public void instanceStored(InstanceStored event) {
        if (event.arrival() == InstanceStored.Arrival.DUPLICATE) {
            return; // nothing new: its copy is owed already, or made
        }
        try {
            if (queue.add(event.sopInstanceUID(), copier.target())) {
                copier.wake();
            }
        } catch (SQLException e) {
            LOG.warn("Could not queue the off-site copy of {} (the start-up pass will): {}", event.sopInstanceUID(),
                    e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "off-site copies to " + copier.target();
    }
}
