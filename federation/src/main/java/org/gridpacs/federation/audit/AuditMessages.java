package org.gridpacs.federation.audit;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Builds the federation's audit messages as PS3.15 A.5.3 describes each event, for one reporting node: our site's
 * name (AuditEnterpriseSiteID) and this node (AuditSourceID). Transfers and exports of many instances go through a
 * {@link TransferAccumulator} ({@link #transfer}, {@link #export}): one message per association, not per instance.
 */
public final class AuditMessages {
    private final AuditMessage.AuditSource source;
    private final Clock clock;

    /**
     * @param siteName our site's name (conf/federation.properties), AuditEnterpriseSiteID; may be null
     * @param sourceId this node (its name, or gateway AE title @ host), AuditSourceID
     */
    public AuditMessages(String siteName, String sourceId) {
        this(siteName, sourceId, Clock.systemUTC());
    }

    public AuditMessages(String siteName, String sourceId, Clock clock) {
        this.source = new AuditMessage.AuditSource(siteName, sourceId);
        this.clock = clock;
    }

    public AuditMessage.AuditSource source() {
        return source;
    }

    Instant now() {
        return clock.instant();
    }

    /**
     * A.5.3.10 Query (110112), EventActionCode E: a C-FIND that crossed sites. The requester is the Source
     * (110153), the site that answers the Destination (110152); the query object holds the C-FIND's SOP class and
     * its identifier as encoded.
     *
     * @param identifier the C-FIND identifier as received or sent (its bytes in {@code transferSyntaxUid})
     */
    public AuditMessage query(ActiveParticipant requester, ActiveParticipant responder, String sopClassUid,
            byte[] identifier, String transferSyntaxUid, Outcome outcome, String outcomeDescription) {
        return new AuditMessage(AuditEvent.QUERY, 'E', now(), outcome, outcomeDescription, List.of(),
                List.of(as(requester, AuditCode.SOURCE, true), as(responder, AuditCode.DESTINATION, false)),
                source, List.of(ParticipantObject.query(sopClassUid, identifier, transferSyntaxUid)));
    }

    /**
     * A.5.3.11 Security Alert (110113), EventActionCode E, outcome minor failure (the alert is that something was
     * refused): an association refused, with its type (110126 Node Authentication for a certificate that is
     * unknown, revoked or names another site or AE; 110132 Use of Restricted Function for an operation the site
     * may not do here) and the reason. The reporter is us (110150 Application); the refused peer is the
     * requester, and the alert subject is the peer node (110182 Node ID) with the reason as detail.
     *
     * @param peerNodeId how the peer is identified: its certificate subject, or AE@host when it had none
     */
    public AuditMessage securityAlert(AuditCode type, ActiveParticipant reporter, ActiveParticipant peer,
            String peerNodeId, String reason) {
        return new AuditMessage(AuditEvent.SECURITY_ALERT, 'E', now(), Outcome.MINOR_FAILURE, reason, List.of(type),
                List.of(as(reporter, AuditCode.APPLICATION, false), as(peer, AuditCode.SOURCE, true)), source,
                List.of(ParticipantObject.alertSubject(peerNodeId, reason)));
    }

    /**
     * A.5.3.2 Begin Transferring DICOM Instances (110102), EventActionCode E: optional; a transfer's study list
     * is known only at its end, so this names the studies asked for (no SOP classes yet).
     */
    public AuditMessage beginTransferring(ActiveParticipant from, ActiveParticipant to, String patientId,
            List<String> studyUids) {
        List<ParticipantObject> objects = new java.util.ArrayList<>();
        for (String s : studyUids) {
            objects.add(ParticipantObject.study(s, List.of(), List.of(), null, List.of()));
        }
        if (patientId != null) {
            objects.add(ParticipantObject.patient(patientId, null));
        }
        return new AuditMessage(AuditEvent.BEGIN_TRANSFERRING, 'E', now(), Outcome.SUCCESS, null, List.of(),
                List.of(as(from, AuditCode.SOURCE, from.requestor()), as(to, AuditCode.DESTINATION, to.requestor())),
                source, objects);
    }

    /**
     * A.5.3.4 DICOM Instances Transferred (110104), aggregated over one association or operation: a cross-site
     * C-MOVE or C-GET relayed by the gateway, or instances received from another site. EventActionCode: R when
     * we are the source or do not know (A.5.3.4), C when we are the receiver and did not hold them.
     */
    public TransferAccumulator transfer(ActiveParticipant from, ActiveParticipant to, char actionCode) {
        return new TransferAccumulator(this, AuditEvent.INSTANCES_TRANSFERRED, actionCode,
                as(from, AuditCode.SOURCE, from.requestor()), as(to, AuditCode.DESTINATION, to.requestor()));
    }

    /**
     * A.5.3.6 Export (110106), EventActionCode R: a study sent to another hospital leaves our security domain
     * ({@code pacs export}, forwarding rules). A.5.3.6 names media as the destination (110154); over the network
     * the receiving site's gateway is the Destination (110152) with its host, as for a transfer.
     */
    public TransferAccumulator export(ActiveParticipant from, ActiveParticipant to) {
        return new TransferAccumulator(this, AuditEvent.EXPORT, 'R', as(from, AuditCode.SOURCE, from.requestor()),
                as(to, AuditCode.DESTINATION, to.requestor()));
    }

    /** The participant in a role (the role is the event's to say, not the caller's). */
    private static ActiveParticipant as(ActiveParticipant p, AuditCode role, boolean requestor) {
        return new ActiveParticipant(p.aeTitle(), p.site(), p.host(), requestor, role);
    }
}
