package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DicomServer;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.Handlers;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;

/**
 * {@code pacs store --commit}: asks the peer for Storage Commitment (Push Model, PS3.4 Annex J) of the instances
 * sent, and waits for its N-EVENT-REPORT: on the requesting association, or, with a listening port, on a new
 * association the peer opens to us (the requesting one is released at once then).
 */
final class CommitmentRequester {
    /** What the peer reported: the instances committed, and those failed with their Failure Reason. */
    record Report(String transactionUID, List<String> committed, List<String[]> failed) {
        boolean allCommitted(int asked) {
            return failed.isEmpty() && committed.size() == asked;
        }
    }

    private final ScuOptions scu;
    private final int listenPort;
    private final Duration timeout;

    /** {@code listenPort} 0: the report is awaited on the requesting association. */
    CommitmentRequester(ScuOptions scu, int listenPort, Duration timeout) {
        this.scu = scu;
        this.listenPort = listenPort;
        this.timeout = timeout;
    }

    /** Requests commitment of {@code instances} (SOP Class UID, SOP Instance UID pairs) and waits for the result. */
    Report request(List<String[]> instances) throws IOException, GeneralSecurityException, InterruptedException {
        String transactionUID = Implementation.newUID();
        CompletableFuture<DataSet> result = new CompletableFuture<>();
        Handlers.Normalized onReport = (request, information) -> {
            String uid = information.getString(Tag.TransactionUID);
            if (!transactionUID.equals(uid)) {
                throw new DimseException(Status.INVALID_ARGUMENT_VALUE, "unknown Transaction UID " + uid);
            }
            result.complete(information);
            return null;
        };
        Services services = new Services().eventReport(onReport);
        DicomServer listener = null;
        try {
            if (listenPort > 0) {
                AcceptPolicy policy = new AcceptPolicy(scu.callingAET)
                        .accept(UID.StorageCommitmentPushModel, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian);
                listener = new DicomServer(scu.network.scpSettings(), policy, services)
                        .start(InetAddress.getByName("0.0.0.0"), listenPort);
            }
            AAssociateRQ rq = scu.newRequest();
            rq.addPresentationContext(new PresentationContext.RQ(1, UID.StorageCommitmentPushModel,
                    UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian));
            Association as = scu.connect(rq, services);
            try {
                if (as.presentationContextFor(UID.StorageCommitmentPushModel) < 0) {
                    throw new IOException(scu.peer + " does not accept Storage Commitment (Push Model)");
                }
                DimseResponse rsp = as.action(UID.StorageCommitmentPushModel, UID.StorageCommitmentPushModelInstance,
                        1, information(transactionUID, instances));
                if (!Status.isSuccess(rsp.status())) {
                    throw new IOException(scu.peer + " refused the commitment request: " + rsp.describe());
                }
                if (listener != null) {
                    as.release();
                }
                return parse(transactionUID, await(result));
            } finally {
                if (as.isOpen()) {
                    as.release();
                }
            }
        } finally {
            if (listener != null) {
                listener.close();
            }
        }
    }

    private DataSet await(CompletableFuture<DataSet> result) throws IOException, InterruptedException {
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("no commitment result from " + scu.peer + " within " + timeout.toSeconds()
                    + " s (--commit-timeout)" + (listenPort > 0 ? "" : "; if it answers on a new association, "
                    + "use --commit-port and give it our address"));
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    private static DataSet information(String transactionUID, List<String[]> instances) {
        DataSet ds = new DataSet();
        ds.setString(Tag.TransactionUID, VR.UI, transactionUID);
        Sequence seq = ds.newSequence(Tag.ReferencedSOPSequence);
        for (String[] sop : instances) {
            DataSet item = seq.addItem();
            item.setString(Tag.ReferencedSOPClassUID, VR.UI, sop[0]);
            item.setString(Tag.ReferencedSOPInstanceUID, VR.UI, sop[1]);
        }
        return ds;
    }

    private static Report parse(String transactionUID, DataSet ds) {
        List<String> committed = new java.util.ArrayList<>();
        List<String[]> failed = new java.util.ArrayList<>();
        Sequence ok = ds.getSequence(Tag.ReferencedSOPSequence);
        if (ok != null) {
            ok.forEach(item -> committed.add(item.getString(Tag.ReferencedSOPInstanceUID)));
        }
        Sequence bad = ds.getSequence(Tag.FailedSOPSequence);
        if (bad != null) {
            bad.forEach(item -> failed.add(new String[] {item.getString(Tag.ReferencedSOPInstanceUID),
                    reason(item.getInt(Tag.FailureReason, -1))}));
        }
        return new Report(transactionUID, committed, failed);
    }

    private static String reason(int code) {
        String what = switch (code) {
            case 0x0110 -> "processing failure (not yet held in enough copies)";
            case 0x0112 -> "no such object instance";
            case 0x0119 -> "class-instance conflict";
            case 0x0131 -> "duplicate transaction UID";
            case 0x0122 -> "referenced SOP class not supported";
            case 0x0213 -> "resource limitation";
            default -> "failure";
        };
        return String.format("0x%04X %s", code, what);
    }

    /** Prints one line per instance and a summary. */
    static void print(PrintWriter out, Report report, int asked) {
        out.printf("Storage commitment %s: %d of %d committed, %d failed%n", report.transactionUID(),
                report.committed().size(), asked, report.failed().size());
        report.committed().forEach(uid -> out.printf("  Committed: %s%n", uid));
        report.failed().forEach(f -> out.printf("  Not committed: %s: %s%n", f[0], f[1]));
    }
}
