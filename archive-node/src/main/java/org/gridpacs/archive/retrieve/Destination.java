package org.gridpacs.archive.retrieve;

import java.util.Objects;

/**
 * Where a retrieve's instances go: what a per-destination transform (coercion, de-identification) is chosen by.
 *
 * @param kind the kind of destination
 * @param name the move destination's AE title, the requester's AE title (C-GET), the HTTP client's address or
 *             the export site's name
 */
public record Destination(Kind kind, String name) {

    public Destination {
        Objects.requireNonNull(kind, "kind");
    }

    public enum Kind {
        /** A C-MOVE's Move Destination, reached on an association of its own. */
        MOVE_DESTINATION,
        /** The requester itself: C-GET sends the instances back on its association. */
        REQUESTER,
        /** A DICOMweb (WADO-RS) client, answered on its HTTP request. */
        HTTP_CLIENT,
        /** An export site (another archive, a research repository). */
        EXPORT_SITE
    }

    public static Destination moveDestination(String aeTitle) {
        return new Destination(Kind.MOVE_DESTINATION, aeTitle);
    }

    public static Destination requester(String aeTitle) {
        return new Destination(Kind.REQUESTER, aeTitle);
    }

    public static Destination httpClient(String address) {
        return new Destination(Kind.HTTP_CLIENT, address);
    }

    public static Destination exportSite(String name) {
        return new Destination(Kind.EXPORT_SITE, name);
    }
}
