package org.gridpacs.archive.store;

/**
 * The instance is stored and indexed on this node, but the store cannot confirm it to the sender: the cluster's
 * write quorum was not reached (the missing copies are made later). The sender gets the failure status; the
 * store listeners still hear of the instance, which is in the archive from now on (a resend is a duplicate).
 */
public class UnconfirmedStoreException extends StoreException {
    private final transient StoreResult result;

    public UnconfirmedStoreException(int status, String message, StoreResult result) {
        super(status, message);
        this.result = result;
    }

    /** What the store on this node did. */
    public StoreResult result() {
        return result;
    }
}
