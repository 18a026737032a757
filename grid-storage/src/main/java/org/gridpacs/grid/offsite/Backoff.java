package org.gridpacs.grid.offsite;

import java.time.Duration;

/** Exponential backoff between attempts of one queue entry: {@code first}, doubled per failure, at most {@code max}. */
public record Backoff(Duration first, Duration max) {
    public Backoff {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff: the first wait must be positive and at most the longest ("
                    + first + ", " + max + ")");
        }
    }

    /** The wait after the {@code failures}-th failure in a row (1: the first). */
    public Duration after(int failures) {
        long millis = first.toMillis();
        for (int i = 1; i < failures && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
