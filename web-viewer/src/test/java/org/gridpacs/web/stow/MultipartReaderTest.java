package org.gridpacs.web.stow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

class MultipartReaderTest {
    private static final String B = "b0undary-1234";

    /** Hands out at most {@code max} bytes per read: delimiters then fall across the reader's buffer refills. */
    private static InputStream trickle(byte[] b, int max) {
        return new FilterInputStream(new ByteArrayInputStream(b)) {
            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                return super.read(buf, off, Math.min(len, max));
            }
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void partsWithPreambleEpilogueAndPaddingAreReadWhateverTheReadSizes() throws Exception {
        byte[] big = new byte[300_000];
        new Random(1).nextBytes(big);
        // content that nearly holds a delimiter, and ends with the start of one
        byte[] tricky = bytes("x\r\n--" + B.substring(0, 5) + "\r\n-" + "\r\n--" + B.substring(0, B.length() - 1)
                + "Y\r\n--" + B.substring(0, 3) + "!");
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(bytes("preamble text\r\n--" + B + "  \r\nContent-Type: application/dicom\r\nX-Other: 1\r\n\r\n"));
        body.write(big);
        body.write(bytes("\r\n--" + B + "\r\n\r\n"));
        body.write(bytes("\r\n--" + B + "\r\ncontent-type: text/plain\r\n\r\n"));
        body.write(tricky, 0, tricky.length - 1); // ends with "\r\n--B" minus nothing: then the real delimiter
        body.write(bytes("\r\n--" + B + "--\r\nepilogue"));
        for (int max : new int[] {1, 7, 4096, 1 << 20}) {
            MultipartReader r = new MultipartReader(trickle(body.toByteArray(), max), B);
            MultipartReader.Part p1 = r.next();
            assertEquals("application/dicom", p1.contentType());
            assertEquals("1", p1.headers().get("x-other"));
            assertArrayEquals(big, p1.content().readAllBytes());
            MultipartReader.Part p2 = r.next();
            assertEquals(0, p2.content().readAllBytes().length);
            MultipartReader.Part p3 = r.next();
            assertEquals("text/plain", p3.contentType());
            assertArrayEquals(java.util.Arrays.copyOf(tricky, tricky.length - 1), p3.content().readAllBytes(), "max " + max);
            assertNull(r.next());
            assertEquals(3, r.parts());
        }
    }

    @Test
    void anUnreadPartIsSkipped() throws Exception {
        byte[] body = bytes("--" + B + "\r\n\r\nfirst\r\n--" + B + "\r\n\r\nsecond\r\n--" + B + "--");
        MultipartReader r = new MultipartReader(trickle(body, 3), B);
        r.next();
        assertArrayEquals(bytes("second"), r.next().content().readAllBytes());
        assertNull(r.next());
    }

    @Test
    void brokenBodiesFailWithTheirReason() throws Exception {
        assertTrue(fails("").contains("empty"));
        assertTrue(fails("just some text, no multipart").contains("not multipart"));
        assertTrue(fails("--" + B + "\r\n\r\nabc").contains("truncated"));
        assertTrue(fails("--" + B + "\r\n\r\nabc\r\n--" + B).contains("without the close delimiter"));
        assertTrue(fails("--" + B + "\r\nContent-Type: appl").contains("header of part 1"));
        assertTrue(fails("--" + B + "garbage\r\n\r\nabc\r\n--" + B + "--").contains("garbage"));
        assertTrue(fails("--" + B + "\r\nno colon here\r\n\r\nabc\r\n--" + B + "--").contains("without a field name"));
    }

    /** Reads the whole body; returns the failure's message. */
    private static String fails(String body) {
        MultipartReader r = new MultipartReader(trickle(bytes(body), 5), B);
        RequestBodyException e = assertThrows(RequestBodyException.class, () -> {
            MultipartReader.Part p;
            while ((p = r.next()) != null) {
                p.content().readAllBytes();
            }
        });
        // every later call says the same
        assertEquals(e, assertThrows(RequestBodyException.class, r::next));
        return e.getMessage();
    }

    @Test
    void aReadFailureOfTheConnectionIsABodyFailureNotAnEndOfFile() {
        InputStream broken = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ < 20) {
                    return ("--" + B + "\r\n\r\nabcdefg").charAt(n - 1);
                }
                throw new java.io.EOFException("early EOF");
            }
        };
        MultipartReader r = new MultipartReader(broken, B);
        RequestBodyException e = assertThrows(RequestBodyException.class, () -> r.next().content().readAllBytes());
        assertTrue(e.getMessage().contains("could not be read"), e.getMessage());
    }
}
