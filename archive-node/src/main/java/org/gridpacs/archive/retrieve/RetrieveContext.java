package org.gridpacs.archive.retrieve;

import java.util.Objects;

/**
 * One retrieve request as the {@link RetrieveService} needs to know it, whichever protocol it came by (C-MOVE,
 * C-GET, later WADO-RS and export): who asks, where the instances go, which transfer syntaxes the destination
 * accepts and what is done to each instance on its way there.
 */
public record RetrieveContext(Requester requester, Destination destination,
                              AcceptedTransferSyntaxes acceptedTransferSyntaxes, DataSetTransform transform) {

    public RetrieveContext {
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(acceptedTransferSyntaxes, "acceptedTransferSyntaxes");
        Objects.requireNonNull(transform, "transform");
    }

    /** A context whose transform is the one {@code transforms} gives its destination. */
    public static RetrieveContext of(Requester requester, Destination destination,
                                     AcceptedTransferSyntaxes accepted, DestinationTransforms transforms) {
        return new RetrieveContext(requester, destination, accepted, transforms.forDestination(destination));
    }
}
