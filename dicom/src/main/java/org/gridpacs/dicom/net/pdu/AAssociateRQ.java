package org.gridpacs.dicom.net.pdu;

/** A-ASSOCIATE-RQ (PS3.8 9.3.2): the requestor's proposal. */
public final class AAssociateRQ extends AAssociate<PresentationContext.RQ> {

    public AAssociateRQ() {
    }

    public AAssociateRQ(String callingAETitle, String calledAETitle) {
        setCallingAETitle(callingAETitle);
        setCalledAETitle(calledAETitle);
    }

    @Override
    public int type() {
        return A_ASSOCIATE_RQ;
    }

    @Override
    void appendTo(StringBuilder sb, PresentationContext.RQ pc) {
        sb.append("  presentation context ").append(pc.id()).append(": ").append(pc.abstractSyntax()).append('\n');
        for (String ts : pc.transferSyntaxes()) {
            sb.append("    transfer syntax: ").append(ts).append('\n');
        }
    }
}
