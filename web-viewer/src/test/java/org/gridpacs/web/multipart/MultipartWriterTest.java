package org.gridpacs.web.multipart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class MultipartWriterTest {
    @Test
    void writesDelimitersPartHeadersAndTheCloseDelimiterExactly() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MultipartWriter w = new MultipartWriter(out, "b1");
        w.startPart("application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1").write(new byte[] {1, 2});
        w.startPart("image/jpeg").write(new byte[] {3});
        w.finish();
        assertEquals(2, w.parts());
        String expected = "--b1\r\nContent-Type: application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1\r\n\r\n"
                + "\u0001\u0002\r\n--b1\r\nContent-Type: image/jpeg\r\n\r\n\u0003\r\n--b1--\r\n";
        assertEquals(expected, out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void boundariesAreRandomTokensAndTheContentTypeQuotesTheType() {
        String a = MultipartWriter.newBoundary();
        assertNotEquals(a, MultipartWriter.newBoundary());
        assertTrue(a.matches("[A-Za-z0-9-]{20,70}"), a);
        assertEquals("multipart/related; type=\"application/dicom\"; boundary=" + a,
                MultipartWriter.contentType("application/dicom", a));
    }
}
