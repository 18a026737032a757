package org.gridpacs.archive.query;

/**
 * A query that cannot be answered, with the DIMSE status the C-FIND / C-MOVE / C-GET adapter fails it with.
 */
public final class QueryException extends Exception {
    /** A900: the identifier does not fit the information model (bad level, missing unique key, invalid key value). */
    public static final int IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS = 0xA900;
    /** C000: unable to process (the index failed). */
    public static final int UNABLE_TO_PROCESS = 0xC000;

    private final int status;

    public QueryException(int status, String message) {
        super(message);
        this.status = status;
    }

    public QueryException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    static QueryException badIdentifier(String message) {
        return new QueryException(IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, message);
    }

    /** The DIMSE status for the failure response. */
    public int status() {
        return status;
    }
}
