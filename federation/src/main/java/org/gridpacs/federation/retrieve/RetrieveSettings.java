package org.gridpacs.federation.retrieve;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The {@code federation.retrieve.*} keys of {@code conf/federation.properties}. Unknown keys under that prefix are
 * errors (a typo would otherwise be silently ignored).
 *
 * @param locateTimeoutMillis how long each site may take to answer the C-FIND that finds which site holds what a
 *                            relayed retrieve asks for ({@code federation.retrieve.locate-timeout-ms})
 * @param cache               whether each instance relayed from another site is also stored in the local archive
 *                            ({@code federation.retrieve.cache}); the next retrieve of it is then served here
 */
public record RetrieveSettings(int locateTimeoutMillis, boolean cache) {
    static final String PREFIX = "federation.retrieve.";
    public static final RetrieveSettings DEFAULT = new RetrieveSettings(10_000, false);

    public RetrieveSettings {
        if (locateTimeoutMillis < 1) {
            throw new IllegalArgumentException(PREFIX + "locate-timeout-ms must be at least 1");
        }
    }

    /** The settings of {@code file}; the defaults for keys it does not set (or when it is missing). */
    public static RetrieveSettings load(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        return parse(p);
    }

    static RetrieveSettings parse(Properties p) {
        int timeout = DEFAULT.locateTimeoutMillis;
        boolean cache = DEFAULT.cache;
        for (String key : p.stringPropertyNames()) {
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            String value = p.getProperty(key).trim();
            if (key.equals(PREFIX + "locate-timeout-ms")) {
                try {
                    timeout = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(key + ": '" + value + "' is not a number of milliseconds");
                }
                if (timeout < 1) {
                    throw new IllegalArgumentException(key + ": '" + value + "' must be at least 1");
                }
            } else if (key.equals(PREFIX + "cache")) {
                if (!value.equals("true") && !value.equals("false")) {
                    throw new IllegalArgumentException(key + ": '" + value + "' is not true or false");
                }
                cache = value.equals("true");
            } else {
                throw new IllegalArgumentException(key + ": unknown key (known: " + PREFIX + "locate-timeout-ms, "
                        + PREFIX + "cache)");
            }
        }
        return new RetrieveSettings(timeout, cache);
    }
}
