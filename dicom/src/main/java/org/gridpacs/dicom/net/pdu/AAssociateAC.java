package org.gridpacs.dicom.net.pdu;

/** A-ASSOCIATE-AC (PS3.8 9.3.3): the acceptor's answer, one presentation context item per proposed one. */
public final class AAssociateAC extends AAssociate<PresentationContext.AC> {

    public AAssociateAC() {
    }

    /**
     * An AC echoing the fields PS3.8 9.3.3 says must repeat the RQ's values (AE titles, application
     * context name); presentation contexts and user information are left for the caller.
     */
    public static AAssociateAC answering(AAssociateRQ rq) {
        AAssociateAC ac = new AAssociateAC();
        ac.setAETitlesUnchecked(rq.calledAETitle(), rq.callingAETitle());
        ac.setApplicationContext(rq.applicationContext());
        return ac;
    }

    @Override
    public int type() {
        return A_ASSOCIATE_AC;
    }

    @Override
    void appendTo(StringBuilder sb, PresentationContext.AC pc) {
        sb.append("  presentation context ").append(pc.id()).append(": ")
                .append(PresentationContext.AC.resultText(pc.result()));
        if (pc.transferSyntax() != null && !pc.transferSyntax().isEmpty()) {
            sb.append(", transfer syntax ").append(pc.transferSyntax());
        }
        sb.append('\n');
    }
}
