package org.gridpacs.dicom.net;

import java.io.IOException;
import java.io.InputStream;

import org.gridpacs.dicom.data.DataSet;

/** The service handler interfaces an application implements to act as an SCP. */
public final class Handlers {
    private Handlers() {
    }

    /**
     * C-STORE SCP. {@code data} streams the data set in the negotiated transfer syntax straight from the
     * network, without buffering the object. Return a success or warning status; throw
     * {@link DimseException} to fail this instance only.
     */
    @FunctionalInterface
    public interface Store {
        int store(DimseRequest request, InputStream data) throws DimseException, IOException;
    }

    /** C-FIND SCP: sends each match with {@link QueryResponder#pending}; returning ends with success. */
    @FunctionalInterface
    public interface Find {
        void find(DimseRequest request, DataSet identifier, QueryResponder responder) throws DimseException, IOException;
    }

    /**
     * C-MOVE and C-GET SCP: performs the sub-operations (C-STORE to the move destination, or on this same
     * association for C-GET), reporting progress with {@link RetrieveResponder#pending}.
     */
    @FunctionalInterface
    public interface Retrieve {
        void retrieve(DimseRequest request, DataSet identifier, RetrieveResponder responder)
                throws DimseException, IOException;
    }

    /** N-ACTION and N-EVENT-REPORT SCP: returns the reply data set (or null for none). */
    @FunctionalInterface
    public interface Normalized {
        DataSet handle(DimseRequest request, DataSet information) throws DimseException, IOException;
    }

    /**
     * A {@link Normalized} handler told once its successful response is on the wire: a Storage Commitment SCP's
     * N-EVENT-REPORT on the same association must follow its N-ACTION-RSP (PS3.4 J.3.3), never overtake it.
     */
    public interface AfterResponse extends Normalized {
        void responded(DimseRequest request, DataSet information);
    }

    /** Gives C-FIND matches to the requester. */
    public interface QueryResponder {
        /** Sends one match as a pending response; false once the requester has cancelled (stop then). */
        boolean pending(DataSet match) throws IOException;

        /**
         * Sends matches as pending responses written together, in one flush (a run of matches at hand, rather than
         * one write each); false once the requester has cancelled.
         */
        default boolean pending(java.util.List<DataSet> matches) throws IOException {
            for (DataSet m : matches) {
                if (!pending(m)) {
                    return false;
                }
            }
            return true;
        }

        boolean isCancelled();
    }

    /**
     * Reports C-MOVE / C-GET progress; the final response is built from the last counts given. Calls may come from
     * different threads (a C-MOVE's pending responses from the reader of its association to the destination), one
     * after the other, never at once.
     */
    public interface RetrieveResponder {
        /** Sends a pending response with sub-operation counts; false once the requester has cancelled. */
        boolean pending(int remaining, int completed, int failed, int warning) throws IOException;

        /** Records the final counts and the SOP Instance UIDs that failed, for the final response. */
        void complete(int completed, int failed, int warning, java.util.List<String> failedSOPInstanceUIDs);

        /**
         * Why sub-operations failed, in words, for the final response's Error Comment (64 characters at most; what
         * the requester's log shows): e.g. the storage that could not be read. Without it the comment only counts.
         */
        default void failureComment(String comment) {
        }

        boolean isCancelled();
    }
}
