package org.gridpacs.web.wado;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.gridpacs.web.media.MediaType;

/** Reads multipart answers in the tests: strictly by RFC 2046 with the header's boundary, and the way cornerstone does. */
final class Multipart {
    private Multipart() {
    }

    record Part(Map<String, String> headers, byte[] body) {
        String contentType() {
            return headers.get("content-type");
        }
    }

    /**
     * The parts of {@code body} by the boundary of {@code contentType}: the body must start with the first
     * delimiter, each part has headers, CRLF CRLF, payload, CRLF before the next delimiter, and the close delimiter
     * ends it.
     */
    static List<Part> parse(String contentType, byte[] body) {
        String boundary = MediaType.parse(contentType).parameter("boundary");
        if (boundary == null) {
            throw new AssertionError("no boundary in " + contentType);
        }
        byte[] first = ("--" + boundary + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        if (!startsWith(body, first, 0)) {
            throw new AssertionError("the body does not start with the first delimiter");
        }
        List<Part> parts = new ArrayList<>();
        int pos = first.length;
        while (true) {
            int headerEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), pos);
            if (headerEnd < 0) {
                throw new AssertionError("part " + (parts.size() + 1) + " has no end of headers");
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : new String(body, pos, headerEnd - pos, StandardCharsets.US_ASCII).split("\r\n")) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(), line.substring(colon + 1).trim());
            }
            int end = indexOf(body, delimiter, headerEnd + 4);
            if (end < 0) {
                throw new AssertionError("part " + (parts.size() + 1) + " is not ended by a delimiter");
            }
            parts.add(new Part(headers, Arrays.copyOfRange(body, headerEnd + 4, end)));
            pos = end + delimiter.length;
            if (startsWith(body, "--".getBytes(StandardCharsets.US_ASCII), pos)) {
                return parts; // close delimiter
            }
            if (!startsWith(body, "\r\n".getBytes(StandardCharsets.US_ASCII), pos)) {
                throw new AssertionError("delimiter not followed by CRLF");
            }
            pos += 2;
        }
    }

    /** What cornerstone's extractMultipart finds. */
    record Cornerstone(String contentType, byte[] pixelData) {
    }

    /**
     * As cornerstone's {@code extractMultipart} reads a frame answer (dicomweb.md 1.3): the boundary is the first
     * line of the body starting with "--" (the header's parameter is not used), the part's media type the line
     * starting with "Content-Type:" (case-sensitive), the payload from CRLF CRLF to the next boundary less 2 bytes.
     */
    static Cornerstone cornerstone(byte[] body) {
        int headerEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        if (headerEnd < 0) {
            throw new AssertionError("cornerstone finds no header end");
        }
        String header = new String(body, 0, headerEnd, StandardCharsets.ISO_8859_1);
        String boundary = null;
        String contentType = null;
        for (String line : header.split("\r\n")) {
            if (boundary == null && line.startsWith("--")) {
                boundary = line;
            }
            if (line.startsWith("Content-Type:")) {
                contentType = line.substring(13).trim();
            }
        }
        if (boundary == null) {
            throw new AssertionError("cornerstone finds no boundary line");
        }
        int offset = headerEnd + 4;
        int end = indexOf(body, boundary.getBytes(StandardCharsets.ISO_8859_1), offset);
        return new Cornerstone(contentType, Arrays.copyOfRange(body, offset, end - 2));
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean startsWith(byte[] b, byte[] prefix, int at) {
        return at + prefix.length <= b.length && Arrays.equals(b, at, at + prefix.length, prefix, 0, prefix.length);
    }
}
