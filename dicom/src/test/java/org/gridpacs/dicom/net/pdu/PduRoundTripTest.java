package org.gridpacs.dicom.net.pdu;

import static org.gridpacs.dicom.net.pdu.PduTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PduRoundTripTest {

    private static Pdu roundTrip(Pdu pdu) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PduWriter(out).write(pdu);
        byte[] written = out.toByteArray();
        assertArrayEquals(PduWriter.encode(pdu), written, "write() and encode() agree");
        return decode(written);
    }

    @Test
    void associateRQ() throws IOException {
        AAssociateRQ rq = fullRQ();
        AAssociateRQ back = (AAssociateRQ) roundTrip(rq);
        assertEquals(rq, back);
        assertEquals("MODALITY", back.callingAETitle());
        assertEquals("ARCHIVE", back.calledAETitle());
        assertEquals(AAssociate.DICOM_APPLICATION_CONTEXT, back.applicationContext());
        assertEquals(List.of(EXPLICIT_LE, IMPLICIT_LE), back.presentationContext(3).transferSyntaxes());
        UserInformation ui = back.userInformation();
        assertEquals(16384, ui.maxLength());
        assertEquals(IMPL_UID, ui.implementationClassUid());
        assertEquals("GRIDPACS_0.1", ui.implementationVersionName());
        assertEquals(new AsyncOperationsWindow(5, 0), ui.asyncOperationsWindow());
        assertEquals(new RoleSelection(CT_IMAGE_STORAGE, true, true), ui.roleSelection(CT_IMAGE_STORAGE));
        assertArrayEquals(new byte[] {1, 0, 1}, ui.extendedNegotiations().get(0).info());
        assertEquals(UserIdentityRQ.USERNAME_AND_PASSCODE, ui.userIdentityRQ().userIdentityType());
        assertArrayEquals(ascii("s3cret!"), ui.userIdentityRQ().secondaryField());
    }

    @Test
    void associateAC() throws IOException {
        AAssociateAC ac = fullAC();
        AAssociateAC back = (AAssociateAC) roundTrip(ac);
        assertEquals(ac, back);
        assertEquals("ARCHIVE", back.calledAETitle());
        assertTrue(back.presentationContext(1).isAccepted());
        assertNull(back.presentationContext(255).transferSyntax());
        assertEquals(0, back.userInformation().maxLength());
        assertArrayEquals(ascii("token"), back.userInformation().userIdentityAC().serverResponse());
    }

    @Test
    void minimalRQ() throws IOException {
        AAssociateRQ rq = new AAssociateRQ("A", "B");
        rq.addPresentationContext(new PresentationContext.RQ(1, VERIFICATION, IMPLICIT_LE));
        assertEquals(rq, roundTrip(rq));
    }

    @Test
    void fixedLengthPdus() throws IOException {
        AAssociateRJ rj = new AAssociateRJ(AAssociateRJ.RESULT_REJECTED_PERMANENT,
                AAssociateRJ.SOURCE_SERVICE_USER, AAssociateRJ.REASON_CALLED_AE_TITLE_NOT_RECOGNIZED);
        assertEquals(rj, roundTrip(rj));
        AAbort abort = new AAbort(AAbort.SOURCE_SERVICE_PROVIDER, AAbort.REASON_UNEXPECTED_PDU);
        assertEquals(abort, roundTrip(abort));
        assertEquals(AAbort.byServiceUser(), roundTrip(AAbort.byServiceUser()));
        assertSame(AReleaseRQ.INSTANCE, roundTrip(AReleaseRQ.INSTANCE));
        assertSame(AReleaseRP.INSTANCE, roundTrip(AReleaseRP.INSTANCE));

        assertArrayEquals(hex("03 00 00000004 00 01 01 07"), PduWriter.encode(rj));
        assertArrayEquals(hex("07 00 00000004 00 00 02 02"), PduWriter.encode(abort));
        assertArrayEquals(hex("05 00 00000004 00000000"), PduWriter.encode(AReleaseRQ.INSTANCE));
        assertArrayEquals(hex("06 00 00000004 00000000"), PduWriter.encode(AReleaseRP.INSTANCE));
    }

    @Test
    void pDataTFWithTwoPdvs() throws IOException {
        // command (last) then the first data fragment in one PDU
        byte[] body = hex("00000005 01 03 AABBCC" + "00000004 01 00 DDEE");
        PDataTF p = PDataTF.wrap(body, 0, body.length);
        PDataTF back = (PDataTF) roundTrip(p);
        assertEquals(2, back.pdvCount());
        PDataTF.Cursor c = back.pdvs();
        assertTrue(c.next());
        assertEquals(1, c.presentationContextId());
        assertTrue(c.isCommand());
        assertTrue(c.isLast());
        assertEquals(3, c.valueLength());
        assertEquals((byte) 0xAA, c.buffer()[c.valueOffset()]);
        assertTrue(c.next());
        assertFalse(c.isCommand());
        assertFalse(c.isLast());
        assertEquals(2, c.valueLength());
        assertEquals((byte) 0xEE, c.buffer()[c.valueOffset() + 1]);
        assertFalse(c.next());
    }

    @Test
    void emptyPDataTFIsAcceptedWithNoPdv() throws IOException {
        PDataTF p = (PDataTF) decode(hex("04 00 00000000"));
        assertEquals(0, p.length());
        assertFalse(p.pdvs().next());
        assertArrayEquals(hex("04 00 00000000"), PduWriter.encode(p));
    }

    @Test
    void severalPdusFromOneStream() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PduWriter w = new PduWriter(out);
        w.write(fullRQ());
        w.write(fullAC());
        w.write(AReleaseRQ.INSTANCE);
        PduReader r = new PduReader(new ByteArrayInputStream(out.toByteArray()));
        assertInstanceOf(AAssociateRQ.class, r.read());
        assertInstanceOf(AAssociateAC.class, r.read());
        assertSame(AReleaseRQ.INSTANCE, r.read());
        assertThrows(EOFException.class, r::read);
    }

    @Test
    void toStringSummarisesForLogsWithoutCredentials() {
        String s = fullRQ().toString();
        assertTrue(s.startsWith("A-ASSOCIATE-RQ\n"), s);
        assertTrue(s.contains("called AE title: ARCHIVE"), s);
        assertTrue(s.contains("calling AE title: MODALITY"), s);
        assertTrue(s.contains("presentation context 3: " + CT_IMAGE_STORAGE), s);
        assertTrue(s.contains("    transfer syntax: " + EXPLICIT_LE), s);
        assertTrue(s.contains("max PDU length: 16384"), s);
        assertTrue(s.contains("implementation class UID: " + IMPL_UID), s);
        assertTrue(s.contains("implementation version name: GRIDPACS_0.1"), s);
        assertFalse(s.contains("s3cret"), s);
        assertFalse(s.endsWith("\n"));

        String a = fullAC().toString();
        assertTrue(a.contains("presentation context 1: acceptance, transfer syntax " + IMPLICIT_LE), a);
        assertTrue(a.contains("presentation context 255: abstract-syntax-not-supported"), a);
        assertTrue(a.contains("max PDU length: unlimited"), a);
    }

    @Test
    void rejectDescriptions() {
        assertEquals("rejected (permanent) by DICOM UL service-user: called AE title not recognized",
                new AAssociateRJ(1, 1, 7).describe());
        assertTrue(new AAssociateRJ(1, 1, 3).describe().endsWith("calling AE title not recognized"));
        assertTrue(new AAssociateRJ(1, 1, 2).describe().endsWith("application context name not supported"));
        assertTrue(new AAssociateRJ(1, 2, 2).describe().endsWith("protocol version not supported"));
        assertTrue(new AAssociateRJ(2, 3, 1).describe().endsWith("temporary congestion"));
        assertTrue(new AAssociateRJ(2, 3, 2).describe().startsWith("rejected (transient)"));
        assertTrue(new AAssociateRJ(2, 3, 2).describe().endsWith("local limit exceeded"));
        assertTrue(new AAssociateRJ(1, 1, 5).describe().endsWith("reserved reason 5"));
    }

    @Test
    void abortDescriptions() {
        assertEquals("aborted by DICOM UL service-user", AAbort.byServiceUser().describe());
        String[] expected = {"reason not specified", "unrecognized PDU", "unexpected PDU", "reserved reason 3",
            "unrecognized PDU parameter", "unexpected PDU parameter", "invalid PDU parameter value"};
        for (int reason = 0; reason <= 6; reason++) {
            assertEquals("aborted by DICOM UL service-provider: " + expected[reason], new AAbort(2, reason).describe());
        }
    }

    @Test
    void validation() {
        AAssociateRQ rq = new AAssociateRQ();
        rq.setCalledAETitle("  STORESCP ");
        assertEquals("STORESCP", rq.calledAETitle());
        rq.setCallingAETitle("SIXTEEN_CHARS_AE");
        for (String bad : new String[] {"", "    ", "SEVENTEEN_CHARS_A", "A\\B", "A\tB", "A\u00c4B", null}) {
            assertThrows(IllegalArgumentException.class, () -> rq.setCalledAETitle(bad), String.valueOf(bad));
        }
        for (int id : new int[] {0, 2, 256, -1}) {
            assertThrows(IllegalArgumentException.class, () -> new PresentationContext.RQ(id, VERIFICATION, IMPLICIT_LE));
            assertThrows(IllegalArgumentException.class, () -> PresentationContext.AC.accept(id, IMPLICIT_LE));
        }
        assertThrows(IllegalArgumentException.class, () -> new PresentationContext.RQ(1, VERIFICATION, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new PresentationContext.AC(1, 5, IMPLICIT_LE));
        assertThrows(IllegalArgumentException.class, () -> new PresentationContext.AC(1, 0, null));
        rq.addPresentationContext(new PresentationContext.RQ(1, VERIFICATION, IMPLICIT_LE));
        assertThrows(IllegalArgumentException.class,
                () -> rq.addPresentationContext(new PresentationContext.RQ(1, VERIFICATION, EXPLICIT_LE)));
        UserInformation ui = rq.userInformation();
        assertThrows(IllegalArgumentException.class, () -> ui.setImplementationVersionName(""));
        assertThrows(IllegalArgumentException.class, () -> ui.setImplementationVersionName("12345678901234567"));
        assertThrows(IllegalArgumentException.class, () -> ui.setMaxLength(-1));
        assertThrows(IllegalArgumentException.class, () -> ui.setMaxLength(1L << 32));
        assertThrows(IllegalArgumentException.class, () -> new AsyncOperationsWindow(65536, 0));

        // an RQ without AE titles cannot be encoded; an item over 65535 bytes neither
        AAssociateRQ noTitles = new AAssociateRQ();
        noTitles.addPresentationContext(new PresentationContext.RQ(1, VERIFICATION, IMPLICIT_LE));
        assertThrows(IllegalArgumentException.class, () -> PduWriter.encode(noTitles));
        AAssociateRQ huge = new AAssociateRQ("A", "B");
        huge.userInformation().addExtendedNegotiation(new ExtendedNegotiation(VERIFICATION, new byte[70000]));
        assertThrows(IllegalArgumentException.class, () -> PduWriter.encode(huge));
    }
}
