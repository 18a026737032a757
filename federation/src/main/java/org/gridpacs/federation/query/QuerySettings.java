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
 * @param timeout how long a fanned-out C-FIND waits for every site (connection, TLS, association, all matches)
 */
public record QuerySettings(Duration timeout) {
    public static final String TIMEOUT = "federation.query.timeout-seconds";
    private static final Set<String> KEYS = Set.of(TIMEOUT);
    public static final QuerySettings DEFAULTS = new QuerySettings(Duration.ofSeconds(10));

    public QuerySettings {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the federated query timeout must be positive: " + timeout);
        }
    }

    /** From settings already read; an unknown {@code federation.query.} key or a bad value names the key. */
    public static QuerySettings read(Properties p) {
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("federation.query.") && !KEYS.contains(key)) {
                throw new IllegalArgumentException(key + ": unknown setting (known: " + KEYS + ")");
            }
        }
        String v = p.getProperty(TIMEOUT);
        if (v == null || v.isBlank()) {
            return DEFAULTS;
        }
        try {
            int seconds = Integer.parseInt(v.trim());
            if (seconds < 1 || seconds > 600) {
                throw new NumberFormatException();
            }
            return new QuerySettings(Duration.ofSeconds(seconds));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(TIMEOUT + ": '" + v.trim() + "' is not a number of seconds (1 to 600)");
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
