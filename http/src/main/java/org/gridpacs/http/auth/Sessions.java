package org.gridpacs.http.auth;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The browser sessions of one node, after a login on the login page: a random token (the session cookie's value)
 * for each, ended after {@link #idleTimeout} without a request, at logout, or when its account is removed from the
 * accounts file. In memory only: a restart (or, behind HAProxy, a failover to another node) means logging in again;
 * HAProxy keeps a browser on one node (cookie persistence in conf/haproxy.cfg) so that this is rare.
 *
 * <p>The role is not kept in the session but looked up in the accounts at every request, so that a changed role
 * applies at once.
 */
public final class Sessions {
    /** Bound on the sessions kept: a flood of logins cannot grow memory without end. */
    static final int MAX_SESSIONS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Session(String name, long lastUsed) {
    }

    private final UserAccounts accounts;
    private final Duration idleTimeout;
    private final LongSupplier clock;
    private final Map<String, Session> byToken = new ConcurrentHashMap<>();

    public Sessions(UserAccounts accounts, Duration idleTimeout) {
        this(accounts, idleTimeout, System::nanoTime);
    }

    /** With a clock in nanoseconds (tests). */
    Sessions(UserAccounts accounts, Duration idleTimeout, LongSupplier clock) {
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("a session's idle timeout must be positive, not " + idleTimeout);
        }
        this.accounts = accounts;
        this.idleTimeout = idleTimeout;
        this.clock = clock;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** A new session for an authenticated account; its token is the cookie's value (256 random bits). */
    public String open(String name) {
        long now = clock.getAsLong();
        if (byToken.size() >= MAX_SESSIONS) {
            byToken.values().removeIf(s -> expired(s, now));
            if (byToken.size() >= MAX_SESSIONS) {
                byToken.clear(); // everyone logs in again rather than memory growing
            }
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        byToken.put(token, new Session(name, now));
        return token;
    }

    /** The caller of a live session, which counts as used now; null for an unknown, expired or orphaned token. */
    public Caller find(String token) {
        if (token == null) {
            return null;
        }
        Session s = byToken.get(token);
        if (s == null) {
            return null;
        }
        long now = clock.getAsLong();
        AccountRole role = accounts.roleOf(s.name());
        if (expired(s, now) || role == null) {
            byToken.remove(token);
            return null;
        }
        byToken.put(token, new Session(s.name(), now));
        return new Caller(s.name(), role.rights());
    }

    /** Ends a session (logout). */
    public void close(String token) {
        if (token != null) {
            byToken.remove(token);
        }
    }

    private boolean expired(Session s, long now) {
        return now - s.lastUsed() >= idleTimeout.toNanos();
    }
}
