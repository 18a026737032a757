package org.gridpacs.dicom.net.pdu;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Sample PDUs and byte helpers shared by the PDU tests. */
final class PduTestSupport {
    static final String VERIFICATION = "1.2.840.10008.1.1";
    static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
    static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    static final String IMPL_UID = "1.2.826.0.1.3680043.9.7777.1";

    private PduTestSupport() {
    }

    /** An RQ using every field the codec knows. */
    static AAssociateRQ fullRQ() {
        AAssociateRQ rq = new AAssociateRQ("MODALITY", "ARCHIVE");
        rq.addPresentationContext(new PresentationContext.RQ(1, VERIFICATION, IMPLICIT_LE));
        rq.addPresentationContext(new PresentationContext.RQ(3, CT_IMAGE_STORAGE, EXPLICIT_LE, IMPLICIT_LE));
        rq.addPresentationContext(new PresentationContext.RQ(255, "1.2.840.10008.5.1.4.1.2.2.1", EXPLICIT_LE));
        rq.userInformation()
                .setMaxLength(16384)
                .setImplementationClassUid(IMPL_UID)
                .setImplementationVersionName("GRIDPACS_0.1")
                .setAsyncOperationsWindow(new AsyncOperationsWindow(5, 0))
                .addRoleSelection(new RoleSelection(CT_IMAGE_STORAGE, true, true))
                .addExtendedNegotiation(new ExtendedNegotiation(CT_IMAGE_STORAGE, new byte[] {1, 0, 1}))
                .addCommonExtendedNegotiation(new CommonExtendedNegotiation(HexFormat.of().parseHex("0003312e32000000")))
                .setUserIdentityRQ(UserIdentityRQ.usernameAndPasscode("alice", "s3cret!", true));
        return rq;
    }

    /** An AC answering {@link #fullRQ()}. */
    static AAssociateAC fullAC() {
        AAssociateAC ac = AAssociateAC.answering(fullRQ());
        ac.addPresentationContext(PresentationContext.AC.accept(1, IMPLICIT_LE));
        ac.addPresentationContext(PresentationContext.AC.accept(3, EXPLICIT_LE));
        ac.addPresentationContext(PresentationContext.AC.reject(255, PresentationContext.AC.ABSTRACT_SYNTAX_NOT_SUPPORTED));
        ac.userInformation()
                .setMaxLength(0)
                .setImplementationClassUid(IMPL_UID)
                .setImplementationVersionName("GRIDPACS_0.1")
                .setAsyncOperationsWindow(new AsyncOperationsWindow(1, 1))
                .addRoleSelection(new RoleSelection(CT_IMAGE_STORAGE, false, true))
                .addExtendedNegotiation(new ExtendedNegotiation(CT_IMAGE_STORAGE, new byte[] {1}))
                .setUserIdentityAC(new UserIdentityAC("token".getBytes(StandardCharsets.US_ASCII)));
        return ac;
    }

    static Pdu decode(byte[] b) throws IOException {
        return new PduReader(new ByteArrayInputStream(b)).read();
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
