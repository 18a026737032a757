package org.gridpacs.archive.retrieve;

/**
 * An instance cannot be sent to a destination: it accepts no transfer syntax for the instance's SOP class, or
 * none the stored one can be converted to (compressed pixel data and no codec). The instance's sub-operation
 * fails; the retrieve goes on with the next.
 */
public class NoAcceptableTransferSyntaxException extends Exception {
    public NoAcceptableTransferSyntaxException(String message) {
        super(message);
    }
}
