package org.gridpacs.archive.dimse;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.gridpacs.archive.commitment.CommitmentReporter;
import org.gridpacs.archive.commitment.CommitmentRequest;
import org.gridpacs.archive.commitment.CommitmentResult;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.net.pdu.RoleSelection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Storage Commitment results (PS3.4 J.3.3): on the association the request came on while it is open, else on
 * a new association from our AE title to the requester's address ({@code ae.<AE> = host:port}), proposing the
 * Push Model with SCP/SCU Role Selection for the SCP role (we invoke N-EVENT-REPORT as the association requester).
 */
public final class DimseCommitmentReporter implements CommitmentReporter {
    private static final Logger LOG = LoggerFactory.getLogger(DimseCommitmentReporter.class);

    private final ApplicationEntities entities;
    private final Connector connector;
    /** The association each request came on, while this node may still answer there. */
    private final Map<String, Association> associations = new ConcurrentHashMap<>();

    public DimseCommitmentReporter(ApplicationEntities entities, Connector connector) {
        this.entities = entities;
        this.connector = connector;
    }

    /** Remembers the association a request came on (the report goes there if it is still open). */
    void attach(String transactionUID, Association association) {
        associations.put(transactionUID, association);
    }

    @Override
    public void report(CommitmentRequest request, CommitmentResult result) throws IOException {
        Association same = associations.remove(request.transactionUID());
        associations.values().removeIf(a -> !a.isOpen());
        if (same != null && same.isOpen()) {
            try {
                send(same, request, result);
                return;
            } catch (IOException e) {
                LOG.info("Storage commitment {}: the report on the requesting association failed ({}); opening a new one",
                        request.transactionUID(), e.getMessage());
            }
        }
        ApplicationEntities.KnownAE ae = entities.moveDestination(request.requesterAE()).orElseThrow(() ->
                new NoAddressException("no address for AE " + request.requesterAE()
                        + " (add an ae." + request.requesterAE() + " = host:port line to conf/node.properties)"));
        AAssociateRQ rq = new AAssociateRQ(request.calledAE(), ae.aeTitle());
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StorageCommitmentPushModel,
                UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian));
        rq.userInformation().addRoleSelection(new RoleSelection(UID.StorageCommitmentPushModel, false, true));
        Association as = connector.connect(ae.host(), ae.port(), rq, null);
        try {
            send(as, request, result);
        } finally {
            try {
                as.release();
            } catch (IOException e) {
                as.abort();
            }
        }
    }

    private static void send(Association as, CommitmentRequest request, CommitmentResult result) throws IOException {
        if (as.presentationContextFor(UID.StorageCommitmentPushModel) < 0) {
            throw new IOException(as.remoteAETitle() + " did not accept the Storage Commitment Push Model");
        }
        DimseResponse rsp;
        try {
            rsp = as.eventReport(UID.StorageCommitmentPushModel, UID.StorageCommitmentPushModelInstance,
                    result.eventTypeID(), result.eventInformation(request.calledAE()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reporting to " + as.remoteAETitle());
        }
        if (!Status.isSuccess(rsp.status())) {
            throw new IOException(as.remoteAETitle() + " answered the N-EVENT-REPORT with " + rsp.describe());
        }
    }
}
