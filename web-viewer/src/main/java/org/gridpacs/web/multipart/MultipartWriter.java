package org.gridpacs.web.multipart;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Writes a multipart body (RFC 2046 5.1, as PS3.18 8.7.3.4 uses it) part by part onto a stream, so that each part's
 * payload can be streamed without knowing its length:
 * <pre>
 * --boundary CRLF Content-Type: ... CRLF CRLF payload CRLF --boundary CRLF ... payload CRLF --boundary-- CRLF
 * </pre>
 * The only part header is {@code Content-Type:}, spelt exactly so (cornerstone matches it case-sensitively), and
 * the body starts with the first delimiter (cornerstone takes the boundary from the body's first line starting with
 * "--", not from the Content-Type header).
 */
public final class MultipartWriter {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] CRLF = {'\r', '\n'};

    private final OutputStream out;
    private final String boundary;
    private final OutputStream payload;
    private boolean inPart;
    private boolean finished;
    private int parts;

    public MultipartWriter(OutputStream out, String boundary) {
        this.out = out;
        this.boundary = boundary;
        this.payload = new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() {
                // the part ends with the next delimiter, not when its writer closes it
            }
        };
    }

    /**
     * A fresh boundary: 32 random hex digits after a fixed prefix. Random so that no payload (a DICOM file holds
     * arbitrary bytes) can contain it except by a chance of 2^-128; a token, so it needs no quotes.
     */
    public static String newBoundary() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return "gridpacs-" + HexFormat.of().formatHex(b);
    }

    /** The Content-Type of the whole body: {@code multipart/related; type="<related>"; boundary=<boundary>}. */
    public static String contentType(String relatedType, String boundary) {
        return "multipart/related; type=\"" + relatedType + "\"; boundary=" + boundary;
    }

    public String boundary() {
        return boundary;
    }

    /** How many parts were started. */
    public int parts() {
        return parts;
    }

    /**
     * Ends the previous part (if any) and starts one with this Content-Type; returns the stream to write its
     * payload to (closing that stream does nothing).
     */
    public OutputStream startPart(String contentType) throws IOException {
        if (finished) {
            throw new IllegalStateException("the multipart body is finished");
        }
        if (inPart) {
            out.write(CRLF);
        }
        out.write(("--" + boundary + "\r\nContent-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        inPart = true;
        parts++;
        return payload;
    }

    /** Ends the last part and writes the close delimiter; flushes but does not close the underlying stream. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        if (inPart) {
            out.write(CRLF);
        }
        out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        finished = true;
        out.flush();
    }
}
