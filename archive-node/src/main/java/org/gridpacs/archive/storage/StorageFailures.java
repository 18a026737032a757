package org.gridpacs.archive.storage;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/** What a storage's failure says about the storage as a whole. */
public final class StorageFailures {
    private StorageFailures() {
    }

    /**
     * Whether {@code e} is the storage not answering (a connection refused or timed out, its host unknown), so that
     * every other object on it would fail too; not one object that cannot be read.
     */
    public static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof SocketTimeoutException
                    || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }
}
