package org.gridpacs.dicom.net.pdu;

import static org.gridpacs.dicom.net.pdu.PduTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MalformedPduTest {

    private static int reason(byte[] pdu) {
        PduException e = assertThrows(PduException.class, () -> decode(pdu));
        return e.abortReason();
    }

    /** Same bytes with the 32-bit PDU length recomputed, for edits that change the body size. */
    private static byte[] withPduLength(byte[] pdu) {
        byte[] b = pdu.clone();
        PDataTFWriter.putU32(b, 2, b.length - 6);
        return b;
    }

    @Test
    void streamTruncatedAtEveryOffsetThrowsEOF() {
        byte[] rq = PduWriter.encode(fullRQ());
        for (int cut = 0; cut < rq.length; cut++) {
            byte[] part = Arrays.copyOf(rq, cut);
            assertThrows(EOFException.class, () -> decode(part), "cut at " + cut);
        }
    }

    @Test
    void bodyTruncatedAtEveryOffsetWithMatchingLengthNeverFailsOtherwise() throws IOException {
        // the PDU length agrees with the shortened body, so the item structure itself is cut
        byte[] rq = PduWriter.encode(fullRQ());
        int failures = 0;
        for (int cut = 6; cut < rq.length; cut++) {
            byte[] b = withPduLength(Arrays.copyOf(rq, cut));
            try {
                decode(b); // may succeed when the cut falls between items, e.g. before the user information
            } catch (PduException e) {
                failures++;
            }
        }
        assertTrue(failures > rq.length - 20, "nearly every cut is detected: " + failures);
        // cut in the middle of the first presentation context item
        assertEquals(6, reason(withPduLength(Arrays.copyOf(rq, 6 + 68 + 25 + 10))));
    }

    @Test
    void unknownPduTypes() {
        for (int type : new int[] {0x00, 0x08, 0x09, 0x44, 0xFF}) {
            byte[] b = hex("00 00 00000004 00000000");
            b[0] = (byte) type;
            assertEquals(AAbort.REASON_UNRECOGNIZED_PDU, reason(b), "type " + type);
        }
    }

    @Test
    void fixedLengthPdusMustHaveLengthFour() {
        for (int type = 3; type <= 7; type++) {
            if (type == 4) {
                continue;
            }
            for (String len : new String[] {"00000000", "00000003", "00000005", "FFFFFFFF"}) {
                byte[] b = hex("00 00" + len + "00000000 00000000");
                b[0] = (byte) type;
                assertEquals(6, reason(b), "type " + type + " length " + len);
            }
        }
    }

    @Test
    void oversizedLengthsAreRejectedBeforeReadingTheBody() throws IOException {
        CountingStream in = new CountingStream(hex("04 00 FFFFFFFF"));
        PduException e = assertThrows(PduException.class, () -> new PduReader(in).read());
        assertEquals(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE, e.abortReason());
        assertEquals(6, in.consumed);
        assertEquals(6, reason(hex("01 00 7FFFFFFF")));
        assertEquals(6, reason(hex("02 00 00040001")));      // above the 256 KiB default
        assertEquals(6, reason(hex("01 00 00000043")));      // below the 68 fixed bytes

        // P-DATA-TF bound is the configured maximum length received, inclusive
        byte[] atMax = concat(hex("04 00 00000010 0000000C 01 02"), new byte[10]);
        PduReader r = new PduReader(new ByteArrayInputStream(atMax));
        r.setMaxPDataLength(16);
        assertEquals(16, ((PDataTF) r.read()).length());
        PduReader r2 = new PduReader(new ByteArrayInputStream(atMax));
        r2.setMaxPDataLength(15);
        assertEquals(6, assertThrows(PduException.class, r2::read).abortReason());

        PduReader r3 = new PduReader(new ByteArrayInputStream(hex("01 00 00001000")));
        r3.setMaxAssociateLength(4095);
        assertEquals(6, assertThrows(PduException.class, r3::read).abortReason());
    }

    @Test
    void claimedLengthIsNotAllocatedUpFront() {
        // unlimited P-DATA length and a claim of ~2 GiB followed by 100 bytes: must end in EOF, not OOM
        byte[] b = concat(hex("04 00 7FFFFF00 7FFFFEFC 01 00"), new byte[94]);
        PduReader r = new PduReader(new ByteArrayInputStream(b));
        r.setMaxPDataLength(0);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(EOFException.class, r::read));
    }

    @Test
    void itemLengthOverflowingItsParent() {
        byte[] rq = AAssociateRQLayoutTest.RQ;
        int appCtx = 6 + 68;
        int pc = appCtx + 25;
        int ui = pc + 51;

        byte[] b = rq.clone();
        b[appCtx + 3] = (byte) 0xFF;                          // application context claims 0xFF bytes... inside PDU
        assertDoesNotThrowOrIsPduException(b);
        b[appCtx + 2] = (byte) 0xFF;                          // ...0xFFFF: beyond the PDU
        assertEquals(6, reason(b));

        b = rq.clone();
        b[pc + 8 + 3] = (byte) 0x40;                          // abstract syntax longer than its presentation context
        assertEquals(6, reason(b));

        b = rq.clone();
        b[ui + 3] = (byte) 0x25;                              // user information one byte longer than the PDU
        assertEquals(6, reason(b));

        b = rq.clone();
        b[ui + 4 + 3] = 5;                                    // maximum length sub-item of length 5
        assertEquals(6, reason(b));

        b = rq.clone();
        b[ui + 4 + 3] = 3;                                    // ... and of length 3
        assertEquals(6, reason(b));
    }

    private static void assertDoesNotThrowOrIsPduException(byte[] b) {
        try {
            decode(b);
        } catch (PduException e) {
            // expected kind of failure
        } catch (IOException e) {
            fail(e);
        }
    }

    @Test
    void structuralViolations() {
        byte[] rq = AAssociateRQLayoutTest.RQ;
        int pc = 6 + 68 + 25;

        byte[] b = rq.clone();
        b[pc] = 0x21;                                         // AC presentation context inside an RQ
        assertEquals(AAbort.REASON_UNEXPECTED_PDU_PARAMETER, reason(b));

        b = rq.clone();
        b[0] = 0x02;                                          // the same bytes as an AC: RQ item inside an AC
        assertEquals(AAbort.REASON_UNEXPECTED_PDU_PARAMETER, reason(b));

        b = rq.clone();
        b[pc + 4] = 2;                                        // even presentation context ID
        assertEquals(6, reason(b));

        b = rq.clone();
        b[pc + 8] = 0x31;                                     // abstract syntax sub-item hidden as unknown type
        assertEquals(6, reason(b));

        b = rq.clone();
        b[6 + 68] = 0x11;                                     // no application context item
        assertEquals(6, reason(b));

        b = rq.clone();
        Arrays.fill(b, 6 + 4, 6 + 20, (byte) ' ');            // called AE title all spaces
        assertEquals(6, reason(b));

        b = rq.clone();
        b[6 + 5] = 0x07;                                      // control character in the called AE title
        assertEquals(6, reason(b));

        // second presentation context with the same ID
        byte[] pcItem = Arrays.copyOfRange(rq, pc, pc + 51);
        assertEquals(6, reason(withPduLength(concat(rq, pcItem))));

        // an RQ with no presentation context at all
        byte[] noPc = concat(Arrays.copyOf(rq, pc), Arrays.copyOfRange(rq, pc + 51, rq.length));
        assertEquals(6, reason(withPduLength(noPc)));

        // two bytes of garbage after the last item: not even an item header
        assertEquals(6, reason(withPduLength(concat(rq, hex("5000")))));
    }

    @Test
    void acceptorAETitlesAreNotTested() throws IOException {
        byte[] ac = PduWriter.encode(fullAC());
        Arrays.fill(ac, 6 + 4, 6 + 36, (byte) ' ');
        AAssociateAC decoded = (AAssociateAC) decode(ac);
        assertEquals("", decoded.calledAETitle());
        assertEquals(3, decoded.presentationContexts().size());
    }

    @Test
    void pdvLengthLargerThanPdu() {
        assertEquals(6, reason(hex("04 00 0000000A 00000010 01 03 00000000")));
        assertEquals(6, reason(hex("04 00 00000006 FFFFFFFF 01 03")));
    }

    @Test
    void pdvTooShortOrTrailingGarbage() {
        assertEquals(6, reason(hex("04 00 00000005 00000001 01")));           // no control header
        assertEquals(6, reason(hex("04 00 00000004 00000000")));              // empty PDV item
        assertEquals(6, reason(hex("04 00 00000009 00000002 01 03 000000"))); // 3 stray bytes
    }

    @Test
    void pduExceptionIsAnIOExceptionThatMapsToAnAbort() {
        PduException e = new PduException(AAbort.REASON_UNRECOGNIZED_PDU, "x");
        assertInstanceOf(IOException.class, e);
        assertEquals(new AAbort(AAbort.SOURCE_SERVICE_PROVIDER, 1), e.toAbort());
    }

    /** Counts what the reader consumed, to prove it stopped after the header. */
    private static final class CountingStream extends InputStream {
        private final byte[] data;
        int consumed;

        CountingStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return consumed < data.length ? data[consumed++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (consumed >= data.length) {
                return -1;
            }
            int n = Math.min(len, data.length - consumed);
            System.arraycopy(data, consumed, b, off, n);
            consumed += n;
            return n;
        }
    }
}
