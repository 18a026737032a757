package org.gridpacs.archive.retrieve;

/**
 * Which {@link DataSetTransform} each destination gets (the composition root configures it; the protocol
 * adapters ask it when they build a {@link RetrieveContext}).
 */
@FunctionalInterface
public interface DestinationTransforms {

    /** Every destination gets the instances as stored. */
    DestinationTransforms NONE = destination -> DataSetTransform.IDENTITY;

    DataSetTransform forDestination(Destination destination);
}
