package org.gridpacs.gateway.node;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DicomServer;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;

/**
 * A Storage Commitment SCU for tests, built on the toolkit: sends N-ACTION requests and collects the N-EVENT-REPORTs
 * that come back, on the requesting association or (once {@link #listen(int)} was called) on associations the SCP
 * opens to it, remembering how each report came.
 */
public final class CommitmentProbe implements Closeable {
    /** One N-EVENT-REPORT received: its Event Type ID, Event Information, and the association it came on. */
    public record Report(int eventTypeID, DataSet information, Association association) {
        public String transactionUID() {
            return information.getString(Tag.TransactionUID);
        }

        public List<String> committed() {
            Sequence s = information.getSequence(Tag.ReferencedSOPSequence);
            return s == null ? List.of() : s.stream().map(i -> i.getString(Tag.ReferencedSOPInstanceUID)).toList();
        }

        /** "SOP Instance UID:reason" of each failure, reason in hex. */
        public List<String> failed() {
            Sequence s = information.getSequence(Tag.FailedSOPSequence);
            return s == null ? List.of() : s.stream().map(i -> i.getString(Tag.ReferencedSOPInstanceUID) + ":"
                    + String.format("%04X", i.getInt(Tag.FailureReason, -1))).toList();
        }
    }

    private final String aeTitle;
    private final BlockingQueue<Report> reports = new LinkedBlockingQueue<>();
    private final Services services;
    private DicomServer server;

    public CommitmentProbe(String aeTitle) {
        this.aeTitle = aeTitle;
        this.services = new Services().eventReport((request, information) -> {
            reports.add(new Report(request.command().getInt(Tag.EventTypeID, -1), information, request.association()));
            return null;
        });
    }

    /** Accepts associations for the Push Model on {@code port} (0: a free one); returns the port. */
    public int listen(int port) throws IOException {
        AcceptPolicy policy = new AcceptPolicy(aeTitle)
                .accept(UID.StorageCommitmentPushModel, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian);
        server = new DicomServer(NetworkSettings.DEFAULT, policy, services).start(InetAddress.getLoopbackAddress(), port);
        return server.port();
    }

    /** An association to the SCP for the Push Model; requests arriving on it go to this probe. */
    public Association connect(String host, int port, String calledAE) throws IOException {
        AAssociateRQ rq = new AAssociateRQ(aeTitle, calledAE);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StorageCommitmentPushModel,
                UID.ExplicitVRLittleEndian));
        return new Connector(NetworkSettings.DEFAULT).connect(host, port, rq, services);
    }

    /** Sends an N-ACTION Request Storage Commitment for instances given as {SOP Class UID, SOP Instance UID}. */
    public static DimseResponse request(Association as, String transactionUID, List<String[]> instances)
            throws IOException, InterruptedException {
        DataSet info = new DataSet();
        info.setString(Tag.TransactionUID, VR.UI, transactionUID);
        Sequence seq = info.newSequence(Tag.ReferencedSOPSequence);
        for (String[] sop : instances) {
            DataSet item = seq.addItem();
            item.setString(Tag.ReferencedSOPClassUID, VR.UI, sop[0]);
            item.setString(Tag.ReferencedSOPInstanceUID, VR.UI, sop[1]);
        }
        return as.action(UID.StorageCommitmentPushModel, UID.StorageCommitmentPushModelInstance, 1, info);
    }

    /** The reports received and not taken yet. */
    public List<Report> received() {
        return List.copyOf(reports);
    }

    /** The next report, or null after {@code seconds}. */
    public Report next(int seconds) throws InterruptedException {
        return reports.poll(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
