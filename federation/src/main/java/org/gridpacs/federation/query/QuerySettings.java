package org.gridpacs.federation.query;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;

/**
 * The federated query's settings, {@code federation.query.*} in {@code conf/federation.properties}: how long the
 * gateway waits for each remote site before answering with what it has.
 *
 * @param timeout   how long a fanned-out C-FIND waits for every site (connection, TLS, association, all matches)
 * @param keepAlive how long an association to a site is kept open, idle, for the next query (zero: not kept)
 */
public record QuerySettings(Duration timeout, Duration keepAlive) {
    public static final String TIMEOUT = "federation.query.timeout-seconds";
    public static final String KEEP_ALIVE = "federation.query.keep-alive-seconds";
    private static final Set<String> KEYS = new java.util.TreeSet<>(Set.of(TIMEOUT, KEEP_ALIVE)); // sorted: messages
    public static final QuerySettings DEFAULTS = new QuerySettings(Duration.ofSeconds(10), Duration.ofSeconds(30));

    public QuerySettings {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the federated query timeout must be positive: " + timeout);
        }
        if (keepAlive.isNegative()) {
            throw new IllegalArgumentException("the federated query keep-alive must not be negative: " + keepAlive);
        }
    }

    /** The earlier form: associations kept for the default time. */
    public QuerySettings(Duration timeout) {
        this(timeout, DEFAULTS_KEEP_ALIVE);
    }

    private static final Duration DEFAULTS_KEEP_ALIVE = Duration.ofSeconds(30);

    /** From settings already read; an unknown {@code federation.query.} key or a bad value names the key. */
    public static QuerySettings read(Properties p) {
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("federation.query.") && !KEYS.contains(key)) {
                throw new IllegalArgumentException(key + ": unknown setting (known: " + KEYS + ")");
            }
        }
        Duration timeout = seconds(p, TIMEOUT, 1, DEFAULTS.timeout());
        Duration keepAlive = seconds(p, KEEP_ALIVE, 0, DEFAULTS.keepAlive());
        return new QuerySettings(timeout, keepAlive);
    }

    private static Duration seconds(Properties p, String key, int min, Duration otherwise) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return otherwise;
        }
        try {
            int seconds = Integer.parseInt(v.trim());
            if (seconds < min || seconds > 600) {
                throw new NumberFormatException();
            }
            return Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v.trim() + "' is not a number of seconds (" + min
                    + " to 600)");
        }
    }

    /** From {@code conf/federation.properties}. */
    public static QuerySettings load(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        try {
            return read(p);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
