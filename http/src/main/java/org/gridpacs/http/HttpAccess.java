package org.gridpacs.http;

import java.util.Locale;

/**
 * Who may reach the user connector, and so whether a login is needed ({@code http.access} in
 * conf/node.properties), as Orthanc's RemoteAccessAllowed:
 * <ul>
 * <li>{@link #LOOPBACK}: the connector listens on a loopback address only, so only programs on this machine reach
 * it, and they are served without login, as {@link org.gridpacs.http.auth.Caller#LOCAL}. The server refuses to
 * start when the address it is given is not a loopback one: a loopback setting must never open patient data to the
 * network without a login.</li>
 * <li>{@link #NETWORK}: the connector listens where it is told, and every route but the public ones (/health,
 * /login) needs a login: HTTP Basic, or a session of the login page for browsers.</li>
 * </ul>
 */
public enum HttpAccess {
    LOOPBACK, NETWORK;

    /** From {@code loopback} or {@code network} (any case); IllegalArgumentException naming the two. */
    public static HttpAccess parse(String word) {
        try {
            return valueOf(word.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("http.access must be loopback or network, not '" + word + "'");
        }
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
