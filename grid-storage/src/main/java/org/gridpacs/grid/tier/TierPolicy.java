package org.gridpacs.grid.tier;

import java.time.Duration;
import java.util.Properties;

/**
 * When studies are tiered without an administrator (conf/grid.properties): those not read for {@code afterDays}
 * days (0: never, the default: a node alone on one machine has no cheaper tier than its own disk), looked for every
 * {@code interval}; read times are kept in memory and written to the index every {@code readFlush}. A migration,
 * restore or verify moves {@code transfers} instances at once. An object of the grid no index row names is an
 * orphan ({@link GridOrphans}) only once older than {@code orphanGrace}: younger, it may be an upload in flight.
 * When the file system holding the node's storage is fuller than {@code fillPercent} (0: never), the least recently
 * read studies are tiered as well ({@link FillLevel}). A tiered study that is retrieved is copied back to this
 * node for {@code restageHours} after its last read (0: never; {@link Restaging}).
 */
public record TierPolicy(int afterDays, Duration interval, Duration readFlush, int transfers, Duration orphanGrace,
                         int fillPercent, int restageHours) {
    public static final String AFTER_DAYS = "grid.tier.after-days";
    public static final String FILL_PERCENT = "grid.tier.fill-percent";
    public static final String RESTAGE_HOURS = "grid.tier.restage-hours";
    public static final String INTERVAL = "grid.tier.interval-minutes";
    public static final String TRANSFERS = "grid.tier.parallel-transfers";
    public static final String ORPHAN_GRACE = "grid.tier.orphan-grace-minutes";
    public static final TierPolicy OFF = new TierPolicy(0, Duration.ofMinutes(60), Duration.ofMinutes(1), 8,
            Duration.ofMinutes(60), 0, 0);

    public TierPolicy {
        if (afterDays < 0) {
            throw new IllegalArgumentException(AFTER_DAYS + " must be 0 (off) or more days, not " + afterDays);
        }
        if (fillPercent < 0 || fillPercent > 99) {
            throw new IllegalArgumentException(FILL_PERCENT + " must be 0 (off) or a percentage from 1 to 99, not "
                    + fillPercent);
        }
        if (restageHours < 0) {
            throw new IllegalArgumentException(RESTAGE_HOURS + " must be 0 (off) or more hours, not " + restageHours);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException(INTERVAL + " must be at least 1 minute");
        }
        if (transfers < 1 || transfers > 64) {
            throw new IllegalArgumentException(TRANSFERS + " must be from 1 to 64, not " + transfers);
        }
        if (orphanGrace.isNegative()) {
            throw new IllegalArgumentException(ORPHAN_GRACE + " must be 0 or more minutes, not "
                    + orphanGrace.toMinutes());
        }
    }

    public boolean enabled() {
        return afterDays > 0 || fillPercent > 0;
    }

    public static TierPolicy fromProperties(Properties p) {
        return new TierPolicy(number(p, AFTER_DAYS, 0), Duration.ofMinutes(number(p, INTERVAL, 60)),
                OFF.readFlush(), number(p, TRANSFERS, OFF.transfers()),
                Duration.ofMinutes(number(p, ORPHAN_GRACE, (int) OFF.orphanGrace().toMinutes())),
                number(p, FILL_PERCENT, 0), number(p, RESTAGE_HOURS, 0));
    }

    private static int number(Properties p, String key, int def) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return def;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + v.strip() + "'");
        }
    }
}
