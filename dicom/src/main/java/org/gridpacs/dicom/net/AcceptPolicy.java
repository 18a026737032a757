package org.gridpacs.dicom.net;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.UIDs;
import org.gridpacs.dicom.net.pdu.AAssociateAC;
import org.gridpacs.dicom.net.pdu.AAssociateRJ;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.AsyncOperationsWindow;
import org.gridpacs.dicom.net.pdu.Pdu;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.net.pdu.RoleSelection;
import org.gridpacs.dicom.net.pdu.UserInformation;

/**
 * What an SCP accepts: which called AE titles it answers to, which calling AE titles it lets in, and which
 * transfer syntaxes it takes for each abstract syntax. For each presentation context the requester's first
 * proposed transfer syntax that we accept wins, so objects stay in the syntax the sender prefers.
 */
public final class AcceptPolicy {
    /** Stands for every transfer syntax, or every abstract syntax. */
    public static final String ANY = "*";
    /**
     * The asynchronous operations window we grant at most (PS3.7 D.3.3.3). Requests are read in order and
     * answered in order, so outstanding ones simply wait in the connection.
     */
    public static final int MAX_ASYNC_OPERATIONS = 16;

    private final Set<String> calledAETitles;
    private Predicate<String> callingAETitles = aet -> true;
    private final Map<String, List<String>> transferSyntaxes = new LinkedHashMap<>();

    /** Answers to these called AE titles (none: to any). */
    public AcceptPolicy(String... calledAETitles) {
        this.calledAETitles = Set.of(calledAETitles);
    }

    /** Lets in only calling AE titles this predicate accepts. */
    public AcceptPolicy callingAETitles(Predicate<String> allowed) {
        this.callingAETitles = allowed;
        return this;
    }

    /** Accepts {@code abstractSyntax} (or {@link #ANY}) in these transfer syntaxes ({@link #ANY} for all). */
    public AcceptPolicy accept(String abstractSyntax, String... transferSyntaxUIDs) {
        transferSyntaxes.put(abstractSyntax, List.of(transferSyntaxUIDs));
        return this;
    }

    public AcceptPolicy accept(List<String> abstractSyntaxes, String... transferSyntaxUIDs) {
        for (String as : abstractSyntaxes) {
            accept(as, transferSyntaxUIDs);
        }
        return this;
    }

    /** The A-ASSOCIATE-AC or A-ASSOCIATE-RJ to answer {@code rq} with. */
    Pdu negotiate(AAssociateRQ rq, long maxPduLength) {
        if ((rq.protocolVersion() & AAssociateRQ.PROTOCOL_VERSION_1) == 0) {
            // PS3.8 9.3.2: bit 0 is version 1, the only one there is
            return new AAssociateRJ(AAssociateRJ.RESULT_REJECTED_PERMANENT, AAssociateRJ.SOURCE_SERVICE_PROVIDER_ACSE,
                    AAssociateRJ.REASON_PROTOCOL_VERSION_NOT_SUPPORTED);
        }
        if (!calledAETitles.isEmpty() && !calledAETitles.contains(rq.calledAETitle())) {
            return new AAssociateRJ(AAssociateRJ.RESULT_REJECTED_PERMANENT, AAssociateRJ.SOURCE_SERVICE_USER,
                    AAssociateRJ.REASON_CALLED_AE_TITLE_NOT_RECOGNIZED);
        }
        if (!callingAETitles.test(rq.callingAETitle())) {
            return new AAssociateRJ(AAssociateRJ.RESULT_REJECTED_PERMANENT, AAssociateRJ.SOURCE_SERVICE_USER,
                    AAssociateRJ.REASON_CALLING_AE_TITLE_NOT_RECOGNIZED);
        }
        if (!"1.2.840.10008.3.1.1.1".equals(rq.applicationContext())) {
            return new AAssociateRJ(AAssociateRJ.RESULT_REJECTED_PERMANENT, AAssociateRJ.SOURCE_SERVICE_USER,
                    AAssociateRJ.REASON_APPLICATION_CONTEXT_NAME_NOT_SUPPORTED);
        }
        AAssociateAC ac = AAssociateAC.answering(rq);
        List<String> acceptedAbstractSyntaxes = new ArrayList<>();
        for (PresentationContext.RQ pc : rq.presentationContexts()) {
            PresentationContext.AC answer = answer(pc);
            ac.addPresentationContext(answer);
            if (answer.isAccepted()) {
                acceptedAbstractSyntaxes.add(pc.abstractSyntax());
            }
        }
        UserInformation ui = new UserInformation()
                .setMaxLength(maxPduLength)
                .setImplementationClassUid(Implementation.CLASS_UID)
                .setImplementationVersionName(Implementation.VERSION_NAME);
        if (rq.userInformation() != null && rq.userInformation().asyncOperationsWindow() != null) {
            AsyncOperationsWindow w = rq.userInformation().asyncOperationsWindow();
            ui.setAsyncOperationsWindow(new AsyncOperationsWindow(cap(w.maxOperationsInvoked()),
                    cap(w.maxOperationsPerformed())));
        }
        if (rq.userInformation() != null) {
            for (RoleSelection rs : rq.userInformation().roleSelections()) {
                // C-GET needs us to act as SCU of storage: agree to the roles proposed for SOP classes we accepted
                if (acceptedAbstractSyntaxes.contains(rs.sopClassUid())) {
                    ui.addRoleSelection(rs);
                }
            }
        }
        ac.setUserInformation(ui);
        return ac;
    }

    /** Requests beyond this many outstanding are not needed to fill a loopback or LAN link. */
    private static int cap(int proposed) {
        return proposed == 0 ? MAX_ASYNC_OPERATIONS : Math.min(proposed, MAX_ASYNC_OPERATIONS);
    }

    /**
     * The answer to one proposed context: the requester's first proposed syntax we take. This holds for the
     * storage contexts of a C-GET too (we send there): the requester says what it prefers, and without codecs
     * no choice of ours could suit both compressed and uncompressed objects in one context.
     */
    private PresentationContext.AC answer(PresentationContext.RQ pc) {
        List<String> accepted = transferSyntaxes.get(pc.abstractSyntax());
        if (accepted == null) {
            accepted = transferSyntaxes.get(ANY);
        }
        if (accepted == null) {
            return PresentationContext.AC.reject(pc.id(), PresentationContext.AC.ABSTRACT_SYNTAX_NOT_SUPPORTED);
        }
        List<String> candidates = new ArrayList<>();
        for (String ts : pc.transferSyntaxes()) {
            // ANY means the syntaxes of the standard: a private one could not be read
            if (accepted.contains(ts) || accepted.contains(ANY) && UIDs.isTransferSyntax(ts)) {
                candidates.add(ts);
            }
        }
        if (candidates.isEmpty()) {
            return PresentationContext.AC.reject(pc.id(), PresentationContext.AC.TRANSFER_SYNTAXES_NOT_SUPPORTED);
        }
        return PresentationContext.AC.accept(pc.id(), candidates.get(0));
    }
}
