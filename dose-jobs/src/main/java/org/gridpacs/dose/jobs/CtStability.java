package org.gridpacs.dose.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a CT series has stopped growing: its instance count, as the index gives it, has not changed (and no
 * instance of it arrived) for a while. Kept in memory: after a restart a series is watched afresh for that while.
 */
final class CtStability {
    private record Seen(int count, Instant since) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final Duration stable;

    CtStability(Duration stable) {
        this.stable = stable;
    }

    /** A CT instance of the series arrived now: it is not stable before {@code stable} from now. */
    void arrived(String series, Instant now) {
        seen.put(series, new Seen(-1, now));
    }

    /** Whether the series, now holding {@code count} instances, has been unchanged for the stable time. */
    boolean isStable(String series, int count, Instant now) {
        Seen s = seen.get(series);
        if (s == null || s.count() != count && s.count() != -1) {
            seen.put(series, new Seen(count, now)); // a count seen for the first time starts the clock
            return stable.isZero();
        }
        if (s.count() == -1) {
            seen.put(series, new Seen(count, s.since())); // the clock started at the last arrival
        }
        return !now.isBefore(s.since().plus(stable));
    }
}
