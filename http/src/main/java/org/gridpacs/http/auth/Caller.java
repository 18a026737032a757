package org.gridpacs.http.auth;

import java.util.EnumSet;
import java.util.Set;

import org.eclipse.jetty.server.Request;

/**
 * Who sent an HTTP request on the user connector, as the authentication in front of the routes established it,
 * and what that caller may do. Routes ask {@link #of} and {@link #may}: reading needs {@link Role#READ}, storing
 * (STOW-RS, dose requests) {@link Role#UPLOAD}, administration {@link Role#ADMIN}.
 */
public record Caller(String name, Set<Role> roles) {
    /** The request attribute under which the authentication leaves the caller. */
    public static final String ATTRIBUTE = "org.gridpacs.http.caller";

    /** A caller trusted for everything (a request on a loopback-only entry without login). */
    public static final Caller LOCAL = new Caller("local", EnumSet.allOf(Role.class));

    public enum Role {
        /** query and retrieve (QIDO-RS, WADO-RS, WADO-URI, the viewer, job state) */
        READ,
        /** store (STOW-RS) and ask for work (dose jobs) */
        UPLOAD,
        /** accounts, cluster administration */
        ADMIN
    }

    public Caller {
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    }

    /** The caller of a request; null on a route without authentication (public routes, the peer connector). */
    public static Caller of(Request request) {
        return request.getAttribute(ATTRIBUTE) instanceof Caller c ? c : null;
    }

    public boolean may(Role role) {
        return roles.contains(role);
    }
}
