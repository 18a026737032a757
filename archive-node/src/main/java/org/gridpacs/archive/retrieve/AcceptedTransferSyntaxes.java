package org.gridpacs.archive.retrieve;

import java.util.List;

/**
 * The transfer syntaxes a destination accepts, per SOP class: for DIMSE, what the presentation contexts of the
 * association accepted; for WADO-RS, what the Accept header names.
 */
@FunctionalInterface
public interface AcceptedTransferSyntaxes {

    /** The accepted transfer syntax UIDs for instances of {@code sopClassUID}, best first; empty: none. */
    List<String> forSopClass(String sopClassUID);

    /** The same syntaxes for every SOP class. */
    static AcceptedTransferSyntaxes always(List<String> transferSyntaxUIDs) {
        List<String> copy = List.copyOf(transferSyntaxUIDs);
        return sopClassUID -> copy;
    }
}
