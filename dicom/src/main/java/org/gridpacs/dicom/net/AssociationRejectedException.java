package org.gridpacs.dicom.net;

import java.io.IOException;

import org.gridpacs.dicom.net.pdu.AAssociateRJ;

/** The peer answered A-ASSOCIATE-RJ; the message gives its reason in words. */
public class AssociationRejectedException extends IOException {
    private final AAssociateRJ rejection;

    public AssociationRejectedException(String peer, AAssociateRJ rejection) {
        super(peer + " rejected the association: " + rejection.describe());
        this.rejection = rejection;
    }

    public AAssociateRJ rejection() {
        return rejection;
    }
}
