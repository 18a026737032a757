package org.gridpacs.archive.dimse;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.retrieve.StoredInstance;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.UIDs;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.io.Transcoder;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One C-STORE sub-operation of a C-MOVE or C-GET: sends an instance as stored when the peer accepted that
 * transfer syntax, converts between uncompressed syntaxes otherwise, and fails with a reason when a
 * compressed object cannot be sent (no codecs yet).
 */
final class SubOperation {
    private static final Logger LOG = LoggerFactory.getLogger(SubOperation.class);

    /** How a sub-operation ended. */
    enum Result { COMPLETED, WARNING, FAILED }

    private final RetrieveService service;

    SubOperation(RetrieveService service) {
        this.service = service;
    }

    /**
     * Sends one instance over {@code as} and returns once it is sent; the result follows with the peer's response
     * (completed by the association's reader thread). A failure to reach a peer that is already gone is an
     * IOException, here or in the result.
     */
    CompletableFuture<Result> send(Association as, IndexedInstance instance, String moveOriginatorAET,
                                   int moveOriginatorMessageID) throws IOException, InterruptedException {
        String cuid = instance.sopClassUID();
        List<String> accepted = as.acceptedTransferSyntaxes(cuid);
        if (accepted.isEmpty()) {
            return failed(instance, as.remoteAETitle() + " accepted no presentation context for " + name(cuid));
        }
        StoredInstance stored;
        try {
            stored = service.open(instance);
        } catch (IOException e) {
            return failed(instance, "its file cannot be read: " + e.getMessage());
        }
        CompletableFuture<DimseResponse> response;
        try (stored) {
            TransferSyntax from = stored.transferSyntax();
            String to = choose(from, accepted);
            if (to == null) {
                return failed(instance, "it is stored as " + from + ", which cannot be converted to what "
                        + as.remoteAETitle() + " accepts (" + String.join(", ", accepted.stream().map(SubOperation::name).toList())
                        + ") without a codec");
            }
            TransferSyntax target = TransferSyntax.of(to);
            Association.DataWriter writer = from.uid().equals(to)
                    ? out -> stored.dataSet().transferTo(out)
                    : out -> Transcoder.transcode(stored.dataSet(), from, out, target);
            response = as.storeAsync(cuid, instance.sopInstanceUID(), to, writer, moveOriginatorAET,
                    moveOriginatorMessageID);
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

    /**
     * The stored syntax when accepted; else Explicit, then Implicit VR Little Endian when accepted and we can
     * convert to them (not, say, deflate: it costs CPU at both ends for nothing); else any accepted syntax we can
     * convert to.
     */
    static String choose(TransferSyntax from, List<String> accepted) {
        if (accepted.contains(from.uid())) {
            return from.uid();
        }
        for (String ts : List.of(UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian)) {
            if (accepted.contains(ts) && Transcoder.canConvert(from, TransferSyntax.of(ts))) {
                return ts;
            }
        }
        for (String ts : accepted) {
            if (Transcoder.canConvert(from, TransferSyntax.of(ts))) {
                return ts;
            }
        }
        return null;
    }

    private static CompletableFuture<Result> failed(IndexedInstance instance, String why) {
        logFailure(instance, why);
        return CompletableFuture.completedFuture(Result.FAILED);
    }

    private static void logFailure(IndexedInstance instance, String why) {
        LOG.warn("Could not send {}: {}", instance.sopInstanceUID(), why);
    }

    private static String name(String uid) {
        String n = UIDs.nameOf(uid);
        return n != null ? n : uid;
    }
}
