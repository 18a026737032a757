package org.gridpacs.dicom.net.pdu;

import static org.gridpacs.dicom.net.pdu.PduTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PDataTFWriterTest {

    @Test
    void maxFragmentLengthFollowsPduLengthDefinition() {
        assertEquals(16378, PDataTFWriter.maxFragmentLength(16384));
        assertEquals(1, PDataTFWriter.maxFragmentLength(7));
        assertEquals(PDataTFWriter.UNLIMITED_FRAGMENT_LENGTH, PDataTFWriter.maxFragmentLength(0));
        assertEquals(PDataTFWriter.UNLIMITED_FRAGMENT_LENGTH, PDataTFWriter.maxFragmentLength(0xFFFF_FFFFL));
        assertThrows(IllegalArgumentException.class, () -> PDataTFWriter.maxFragmentLength(6));
        assertThrows(IllegalArgumentException.class, () -> PDataTFWriter.maxFragmentLength(-1));
    }

    @Test
    void headerLayout() {
        byte[] b = new byte[12];
        assertEquals(12, PDataTFWriter.encodeHeader(b, 0, 5, true, true, 0x100));
        // PDU length 6 + 256, PDV item length 2 + 256, context 5, command + last
        assertArrayEquals(hex("04 00 00000106 00000102 05 03"), b);
        PDataTFWriter.encodeHeader(b, 0, 255, false, false, 0);
        assertArrayEquals(hex("04 00 00000006 00000002 FF 00"), b);
    }

    @Test
    void fragmentsAMessageWithinThePeersMaximum() throws IOException {
        byte[] message = new byte[100_000];
        new Random(7).nextBytes(message);
        long peerMax = 16384;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PDataTFWriter(out).writeFragmented(3, false, message, 0, message.length,
                PDataTFWriter.maxFragmentLength(peerMax));

        PduReader reader = new PduReader(new ByteArrayInputStream(out.toByteArray()));
        reader.setMaxPDataLength(peerMax); // the receiver enforces exactly what it announced
        ByteArrayOutputStream reassembled = new ByteArrayOutputStream();
        int pdus = 0;
        boolean last = false;
        while (!last) {
            PDataTF p = (PDataTF) reader.read();
            assertTrue(p.length() <= peerMax);
            pdus++;
            PDataTF.Cursor c = p.pdvs();
            assertTrue(c.next());
            assertEquals(3, c.presentationContextId());
            assertFalse(c.isCommand());
            last = c.isLast();
            reassembled.write(c.buffer(), c.valueOffset(), c.valueLength());
            assertFalse(c.next());
        }
        assertEquals(7, pdus); // ceil(100000 / 16378)
        assertArrayEquals(message, reassembled.toByteArray());
        assertThrows(EOFException.class, reader::read);
    }

    @Test
    void headerReservedInCallersBufferAllowsSingleWrite() throws IOException {
        byte[] buf = new byte[PDataTFWriter.HEADER_LENGTH + 4];
        System.arraycopy(new byte[] {1, 2, 3, 4}, 0, buf, PDataTFWriter.HEADER_LENGTH, 4);
        PDataTFWriter.encodeHeader(buf, 0, 1, true, true, 4);
        PDataTF p = (PDataTF) decode(buf);
        PDataTF.Cursor c = p.pdvs();
        assertTrue(c.next());
        assertTrue(c.isCommand() && c.isLast());
        assertEquals(4, c.valueLength());
        assertEquals(4, c.buffer()[c.valueOffset() + 3]);
    }

    @Test
    void emptyMessageIsOneEmptyLastFragment() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PDataTFWriter(out).writeFragmented(1, true, new byte[0], 0, 0, 100);
        assertArrayEquals(hex("04 00 00000006 00000002 01 03"), out.toByteArray());
    }

    @Test
    void readerReusesItsBuffer() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PDataTFWriter w = new PDataTFWriter(out);
        w.write(1, false, false, new byte[1000], 0, 1000);
        w.write(1, false, true, new byte[500], 0, 500);
        PduReader r = new PduReader(new ByteArrayInputStream(out.toByteArray()));
        PDataTF first = (PDataTF) r.read();
        PDataTF second = (PDataTF) r.read();
        assertSame(first.buffer(), second.buffer());
    }
}
