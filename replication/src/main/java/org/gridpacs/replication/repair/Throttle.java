package org.gridpacs.replication.repair;

/** At most {@code perSecond} permits a second, spread evenly: keeps repair traffic from crowding out clients. */
final class Throttle {
    private final long intervalNanos;
    private long next = System.nanoTime();

    Throttle(int perSecond) {
        this.intervalNanos = 1_000_000_000L / Math.max(1, perSecond);
    }

    synchronized void acquire() throws InterruptedException {
        long now = System.nanoTime();
        if (next > now) {
            long wait = next - now;
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        next = Math.max(next, now) + intervalNanos;
    }
}
