package org.gridpacs.web.stow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a multipart body (RFC 2046 5.1) part by part from a blocking stream, each part's content as a stream of
 * its own that ends at the part's delimiter: memory is one fixed buffer whatever the size of the parts. A part's
 * stream returns -1 only once its delimiter has been seen, so a body cut short inside a part never looks like a
 * complete part ({@link RequestBodyException} instead).
 */
final class MultipartReader {
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    /** One part: its number (from 1), its header fields (names in lower case) and its content. */
    record Part(int number, Map<String, String> headers, InputStream content) {
        String contentType() {
            return headers.get("content-type");
        }
    }

    private final InputStream in;
    /** CRLF "--" boundary: what ends a part (RFC 2046: the CRLF belongs to the delimiter, not to the content). */
    private final byte[] delimiter;
    private final byte[] buf = new byte[BUFFER_SIZE];
    private int pos;
    private int lim;
    /** buf[pos, clear) is content in which no delimiter starts. */
    private int clear;
    /** Where the next delimiter starts in buf, or -1 when not seen yet. */
    private int found = -1;
    private boolean eof;
    private long bodyBytes;
    private int parts;
    private boolean done;
    private PartContent current;
    private RequestBodyException failure;

    MultipartReader(InputStream in, String boundary) {
        if (boundary.isEmpty() || boundary.length() > StowRs.MAX_BOUNDARY) {
            throw new IllegalArgumentException("a multipart boundary has 1 to " + StowRs.MAX_BOUNDARY + " characters, not "
                    + boundary.length());
        }
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // the first delimiter may open the body: as if a CRLF came before it
        buf[0] = '\r';
        buf[1] = '\n';
        lim = 2;
    }

    /** How many parts have been started. */
    int parts() {
        return parts;
    }

    /** The failure that stopped the reading, or null. */
    RequestBodyException failure() {
        return failure;
    }

    /**
     * The next part, after skipping what is left of the current one (or the preamble); null after the close
     * delimiter.
     *
     * @throws RequestBodyException for a broken body (and for every call after one)
     */
    Part next() throws RequestBodyException {
        if (failure != null) {
            throw failure;
        }
        if (done) {
            return null;
        }
        if (current == null) {
            if (!skipToDelimiter()) {
                throw fail(bodyBytes == 0 ? "the request body is empty"
                        : "the body is not multipart: no delimiter line \"--" + boundary() + "\" in it");
            }
        } else if (!current.ended) {
            current.skipRest();
        }
        current = null;
        fill(2);
        if (lim - pos >= 2 && buf[pos] == '-' && buf[pos + 1] == '-') {
            done = true; // the close delimiter; the epilogue is ignored
            return null;
        }
        endDelimiterLine();
        Map<String, String> headers = headers(parts + 1);
        parts++;
        current = new PartContent(parts);
        return new Part(parts, headers, current);
    }

    private String boundary() {
        return new String(delimiter, 4, delimiter.length - 4, StandardCharsets.ISO_8859_1);
    }

    /** Reads up to and past the next delimiter; false when the body ends first. */
    private boolean skipToDelimiter() throws RequestBodyException {
        while (true) {
            scan();
            if (found >= 0) {
                pos = found + delimiter.length;
                found = -1;
                clear = pos;
                return true;
            }
            pos = clear;
            if (!more()) {
                return false;
            }
        }
    }

    /** After a delimiter: optional white space (transport padding), then CRLF. */
    private void endDelimiterLine() throws RequestBodyException {
        while (true) {
            fill(1);
            if (pos == lim) {
                throw fail("the body ends after the delimiter of part " + (parts + 1) + ", without the close delimiter");
            }
            byte b = buf[pos];
            if (b == ' ' || b == '\t') {
                pos++;
            } else if (b == '\n') {
                pos++;
                break;
            } else if (b == '\r') {
                fill(2);
                if (lim - pos < 2 || buf[pos + 1] != '\n') {
                    throw fail("a bare CR follows a boundary delimiter");
                }
                pos += 2;
                break;
            } else {
                throw fail("garbage after a boundary delimiter (not the close delimiter \"--" + boundary()
                        + "--\" and not a line end): the boundary is wrong or the body is malformed");
            }
        }
        clear = pos;
    }

    private Map<String, String> headers(int part) throws RequestBodyException {
        Map<String, String> headers = new LinkedHashMap<>();
        int total = 0;
        while (true) {
            StringBuilder line = new StringBuilder();
            while (true) {
                fill(1);
                if (pos == lim) {
                    throw fail("the body ends inside the header of part " + part);
                }
                byte b = buf[pos++];
                if (++total > MAX_HEADER_BYTES) {
                    throw fail("the header of part " + part + " is longer than " + MAX_HEADER_BYTES + " bytes");
                }
                if (b == '\n') {
                    break;
                }
                line.append((char) (b & 0xFF));
            }
            if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
                line.setLength(line.length() - 1);
            }
            if (line.isEmpty()) {
                clear = pos;
                return headers;
            }
            int colon = line.indexOf(":");
            if (colon <= 0) {
                throw fail("part " + part + " has a header line without a field name: '" + printable(line) + "'");
            }
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
    }

    private static String printable(CharSequence s) {
        String t = s.length() > 60 ? s.subSequence(0, 60) + "..." : s.toString();
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** Finds where the next delimiter starts in buf[clear, lim), or how far the content is surely free of it. */
    private void scan() {
        if (found >= 0) {
            return;
        }
        int last = lim - delimiter.length;
        byte first = delimiter[0];
        for (int k = Math.max(clear, pos); k <= last; k++) {
            if (buf[k] == first && matches(k)) {
                found = k;
                clear = k;
                return;
            }
        }
        // a delimiter may start in the last bytes, cut by the end of the buffer
        clear = Math.max(clear, Math.max(pos, lim - delimiter.length + 1));
    }

    private boolean matches(int k) {
        for (int j = 1; j < delimiter.length; j++) {
            if (buf[k + j] != delimiter[j]) {
                return false;
            }
        }
        return true;
    }

    /** Makes buf hold at least {@code n} unread bytes unless the body ends first. */
    private void fill(int n) throws RequestBodyException {
        while (lim - pos < n && more()) {
            // more() read something
        }
    }

    /** Moves the unread bytes to the front and reads more; false at the end of the body. */
    private boolean more() throws RequestBodyException {
        if (eof) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            clear -= pos;
            if (found >= 0) {
                found -= pos;
            }
            pos = 0;
        }
        if (lim == buf.length) {
            // every caller consumes what the buffer holds before asking for more
            throw new IllegalStateException("multipart buffer full");
        }
        int r;
        try {
            r = in.read(buf, lim, buf.length - lim);
        } catch (IOException e) {
            throw fail("the request body could not be read: " + e.getMessage(), e);
        }
        if (r < 0) {
            eof = true;
            return false;
        }
        lim += r;
        bodyBytes += r;
        return true;
    }

    private RequestBodyException fail(String message) {
        return fail(message, null);
    }

    private RequestBodyException fail(String message, Throwable cause) {
        if (failure == null) {
            failure = cause == null ? new RequestBodyException(message) : new RequestBodyException(message, cause);
        }
        return failure;
    }

    /** The content of one part: the bytes up to its delimiter. */
    private final class PartContent extends InputStream {
        private final int number;
        boolean ended;

        PartContent(int number) {
            this.number = number;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int r = read(one, 0, 1);
            return r < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return readContent(b, off, len);
        }

        private int readContent(byte[] b, int off, int len) throws RequestBodyException {
            if (failure != null) {
                throw failure;
            }
            if (ended || current != this) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                scan();
                if (found == pos) {
                    pos += delimiter.length;
                    found = -1;
                    clear = pos;
                    ended = true;
                    return -1;
                }
                int available = (found >= 0 ? found : clear) - pos;
                if (available > 0) {
                    int n = Math.min(len, available);
                    System.arraycopy(buf, pos, b, off, n);
                    pos += n;
                    return n;
                }
                if (!more()) {
                    throw fail("the body ends inside part " + number + ", before its delimiter: the part is truncated");
                }
            }
        }

        void skipRest() throws RequestBodyException {
            byte[] scratch = new byte[8192];
            while (readContent(scratch, 0, scratch.length) >= 0) {
                // drain to the delimiter
            }
        }

        @Override
        public void close() {
            // the body goes on with the next part
        }
    }
}
