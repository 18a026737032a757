package org.gridpacs.federation.query;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.DimseRequest;
import org.gridpacs.federation.audit.ActiveParticipant;
import org.gridpacs.federation.audit.AuditCode;
import org.gridpacs.federation.audit.AuditMessages;
import org.gridpacs.federation.audit.AuditTrail;
import org.gridpacs.federation.audit.Outcome;
import org.gridpacs.federation.site.RemoteSite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit records of federated queries (PS3.15 A.5.3.10 Query, A.5.3.11 Security Alert): one Query per
 * federated C-FIND (the local requester asking our gateway) and per C-FIND received from another site; a Security
 * Alert (Use of Restricted Function) for a site that may not query here. Query records are written by a thread of
 * their own ({@link AuditTrail#deferred}): the requester's final response does not wait for the log's fsync; the
 * trail's close writes those still queued.
 */
public final class QueryAudit {
    private static final Logger LOG = LoggerFactory.getLogger(QueryAudit.class);
    private final AuditTrail trail;
    /** Query records: written after the answer has gone out, not before its final response (see close). */
    private final AuditTrail answered;
    private final AuditMessages messages;
    private final String siteName;
    private final String gatewayAeTitle;

    public QueryAudit(AuditTrail trail, AuditMessages messages, String siteName, String gatewayAeTitle) {
        this.trail = trail;
        this.answered = trail.deferred();
        this.messages = messages;
        this.siteName = siteName;
        this.gatewayAeTitle = gatewayAeTitle;
    }

    /** A local requester's C-FIND to the gateway, fanned out; {@code problems} null when every site answered. */
    void federated(DimseRequest rq, DataSet identifier, String problems) {
        answered.record(messages.query(
                new ActiveParticipant(rq.callingAETitle(), siteName, host(rq), true, AuditCode.SOURCE),
                us(), rq.sopClassUID(), encode(identifier), UID.ExplicitVRLittleEndian,
                problems == null ? Outcome.SUCCESS : Outcome.MINOR_FAILURE, problems));
    }

    /** A C-FIND received from {@code site} and answered from our index. */
    void received(RemoteSite site, DimseRequest rq, DataSet identifier, Outcome outcome, String description) {
        answered.record(messages.query(participant(site, rq), us(), rq.sopClassUID(), encode(identifier),
                UID.ExplicitVRLittleEndian, outcome, description));
    }

    /** A C-FIND from a site that may not query here (or is not configured). */
    void refused(RemoteSite site, DimseRequest rq, String reason) {
        String node = rq.association().tlsSession() != null ? peerSubject(rq)
                : rq.callingAETitle() + "@" + host(rq);
        trail.record(messages.securityAlert(AuditCode.USE_OF_RESTRICTED_FUNCTION,
                new ActiveParticipant(gatewayAeTitle, siteName, null, false, AuditCode.APPLICATION),
                participant(site, rq), node, reason));
    }

    private ActiveParticipant us() {
        return new ActiveParticipant(gatewayAeTitle, siteName, null, false, AuditCode.DESTINATION);
    }

    private static ActiveParticipant participant(RemoteSite site, DimseRequest rq) {
        return new ActiveParticipant(rq.callingAETitle(), site != null ? site.name() : null, host(rq), true,
                AuditCode.SOURCE);
    }

    private static String peerSubject(DimseRequest rq) {
        try {
            return rq.association().tlsSession().getPeerPrincipal().getName();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return rq.callingAETitle() + "@" + host(rq);
        }
    }

    static String host(DimseRequest rq) {
        SocketAddress a = rq.association().remoteAddress();
        if (a instanceof InetSocketAddress i) {
            return i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
        }
        return null;
    }

    /** The identifier as the audit keeps it (ParticipantObjectQuery): Explicit VR Little Endian. */
    static byte[] encode(DataSet identifier) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DicomOutputStream out = new DicomOutputStream(bytes);
            out.setTransferSyntax(TransferSyntax.of(UID.ExplicitVRLittleEndian));
            out.writeDataSet(identifier);
            out.finish();
            return bytes.toByteArray();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot encode a C-FIND identifier for the audit: {}", e.toString());
            return new byte[0];
        }
    }
}
