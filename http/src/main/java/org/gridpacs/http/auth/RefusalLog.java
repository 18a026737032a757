package org.gridpacs.http.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Says whether a refusal from an address is worth a log line: the first, then at most one a minute per address, so
 * that a client guessing passwords cannot fill the log (nor the memory: the table is emptied past 10 000 addresses).
 */
final class RefusalLog {
    private static final long EVERY_NANOS = 60_000_000_000L;
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

    boolean shouldLog(String address) {
        long now = System.nanoTime();
        Long last = lastLogged.get(address);
        if (last != null && now - last < EVERY_NANOS) {
            return false;
        }
        if (lastLogged.size() > 10_000) {
            lastLogged.clear();
        }
        lastLogged.put(address, now);
        return true;
    }
}
