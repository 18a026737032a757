package org.gridpacs.archive.dimse;

import java.util.Map;
import java.util.Optional;

/**
 * The AE titles this node knows (from configuration): where each one listens, and what it may do here.
 * Unknown callers are let in or turned away as {@code acceptUnknownCallers} says; when let in they may
 * store, query and retrieve, but nothing can be moved to them (we do not know where they listen).
 */
public record ApplicationEntities(Map<String, KnownAE> known, boolean acceptUnknownCallers) {

    /** A peer: its address and its rights here. */
    public record KnownAE(String aeTitle, String host, int port, boolean mayStore, boolean mayQuery, boolean mayRetrieve) {
    }

    /** Whether an association from this calling AE title is accepted at all. */
    public boolean mayAssociate(String callingAETitle) {
        return acceptUnknownCallers || known.containsKey(callingAETitle);
    }

    public boolean mayStore(String callingAETitle) {
        KnownAE ae = known.get(callingAETitle);
        return ae != null ? ae.mayStore() : acceptUnknownCallers;
    }

    public boolean mayQuery(String callingAETitle) {
        KnownAE ae = known.get(callingAETitle);
        return ae != null ? ae.mayQuery() : acceptUnknownCallers;
    }

    public boolean mayRetrieve(String callingAETitle) {
        KnownAE ae = known.get(callingAETitle);
        return ae != null ? ae.mayRetrieve() : acceptUnknownCallers;
    }

    /** Where a C-MOVE destination listens, if it is known. */
    public Optional<KnownAE> moveDestination(String aeTitle) {
        return Optional.ofNullable(known.get(aeTitle));
    }
}
