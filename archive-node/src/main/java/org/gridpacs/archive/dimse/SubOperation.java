package org.gridpacs.archive.dimse;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.retrieve.NoAcceptableTransferSyntaxException;
import org.gridpacs.archive.retrieve.RetrieveContext;
import org.gridpacs.archive.retrieve.RetrievedInstance;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.storage.StorageFailures;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One C-STORE sub-operation of a C-MOVE or C-GET: sends an instance as the {@link RetrieveService} opens it for
 * the retrieve's context (as stored when the peer accepted that transfer syntax, converted between uncompressed
 * syntaxes otherwise), and fails with a reason when it cannot be sent (a compressed object and no codec).
 */
final class SubOperation {
    private static final Logger LOG = LoggerFactory.getLogger(SubOperation.class);

    /** How a sub-operation ended. */
    enum Result { COMPLETED, WARNING, FAILED }

    /**
     * What one retrieve learns of the shared storage (the grid) holding the only copies of some of its instances:
     * once it did not answer, its other such instances fail at once rather than each after the S3 client's
     * retries (minutes for a study of hundreds).
     */
    interface SharedStorageWatch {
        /** The storage found unreachable in this retrieve, or null. */
        String unreachable();

        /** An instance whose only copies are on {@code storage} could not be read from it. */
        void unreadable(String storage, boolean unreachable);
    }

    private final RetrieveService service;

    SubOperation(RetrieveService service) {
        this.service = service;
    }

    /** The instances of a retrieve that only the grid holds, fetched ahead while others are sent. */
    org.gridpacs.archive.retrieve.ReadAhead readAhead(java.util.List<IndexedInstance> instances) {
        return service.readAhead(instances);
    }

    /**
     * Sends one instance over {@code as}, as {@code context} says (transfer syntax from those accepted, the
     * destination's transform), and returns once it is sent; the result follows with the peer's response
     * (completed by the association's reader thread). A failure to reach a peer that is already gone is an
     * IOException, here or in the result. {@code unreadable} hears the storage at fault when the instance's only
     * copies are on a shared storage (the grid) that could not be read.
     */
    CompletableFuture<Result> send(Association as, RetrieveContext context, IndexedInstance instance,
                                   String moveOriginatorAET, int moveOriginatorMessageID,
                                   SharedStorageWatch watch)
            throws IOException, InterruptedException {
        String only = service.onlyOnLastResort(instance);
        if (only != null && only.equals(watch.unreachable())) {
            watch.unreadable(only, true);
            LOG.debug("Could not send {}: storage {} did not answer earlier in this retrieve", instance.sopInstanceUID(),
                    only);
            return CompletableFuture.completedFuture(Result.FAILED);
        }
        RetrievedInstance retrieved;
        try {
            retrieved = service.open(context, instance);
        } catch (NoAcceptableTransferSyntaxException e) {
            return failed(instance, e.getMessage());
        } catch (IOException e) {
            if (only != null) {
                watch.unreadable(only, StorageFailures.unreachable(e));
            }
            return failed(instance, "its file cannot be read: " + e.getMessage());
        }
        CompletableFuture<DimseResponse> response;
        try (retrieved) {
            response = as.storeAsync(retrieved.sopClassUID(), retrieved.sopInstanceUID(),
                    retrieved.transferSyntax().uid(), retrieved::writeTo, moveOriginatorAET, moveOriginatorMessageID);
        }
        return response.thenApply(rsp -> {
            int status = rsp.status();
            if (Status.isSuccess(status)) {
                return Result.COMPLETED;
            }
            if (Status.isWarning(status)) {
                return Result.WARNING;
            }
            logFailure(instance, as.remoteAETitle() + " answered " + rsp.describe());
            return Result.FAILED;
        });
    }

    private static CompletableFuture<Result> failed(IndexedInstance instance, String why) {
        logFailure(instance, why);
        return CompletableFuture.completedFuture(Result.FAILED);
    }

    private static void logFailure(IndexedInstance instance, String why) {
        LOG.warn("Could not send {}: {}", instance.sopInstanceUID(), why);
    }
}
