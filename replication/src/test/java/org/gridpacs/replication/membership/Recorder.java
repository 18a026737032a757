package org.gridpacs.replication.membership;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Test support: membership events as they arrive, with the time they arrived. */
final class Recorder implements MembershipListener {
    record Event(String kind, String node, long nanos) {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    @Override
    public void memberJoined(String node) {
        events.add(new Event("joined", node, System.nanoTime()));
    }

    @Override
    public void memberLeft(String node) {
        events.add(new Event("left", node, System.nanoTime()));
    }

    /** Waits for this event, failing on any other one or after the timeout; returns when it arrived. */
    long await(String kind, String node, long timeoutMillis) throws InterruptedException {
        Event e = events.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (e == null) {
            throw new AssertionError("no '" + kind + " " + node + "' within " + timeoutMillis + " ms");
        }
        if (!e.kind().equals(kind) || !e.node().equals(node)) {
            throw new AssertionError("expected '" + kind + " " + node + "', got '" + e.kind() + " " + e.node() + "'");
        }
        return e.nanos();
    }

    void assertQuiet() {
        Event e = events.poll();
        if (e != null) {
            throw new AssertionError("unexpected event '" + e.kind() + " " + e.node() + "'");
        }
    }
}
