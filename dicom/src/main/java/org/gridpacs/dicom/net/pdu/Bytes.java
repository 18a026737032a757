package org.gridpacs.dicom.net.pdu;

/** Small shared checks and string conversions of the PDU codec. */
final class Bytes {
    private Bytes() {
    }

    static void checkU16(String name, int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException(name + " must be 0..65535: " + value);
        }
    }

    /**
     * A UID or name as sent by the peer: one character per byte (ISO 8859-1 keeps every byte value so
     * nothing is silently replaced), without the trailing NUL or space some implementations pad with.
     */
    static String trimmedString(byte[] b, int off, int len) {
        int end = off + len;
        while (end > off && (b[end - 1] == 0 || b[end - 1] == ' ')) {
            end--;
        }
        return new String(b, off, end - off, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** An AE title field: leading and trailing spaces are not significant (PS3.8 9.3.2). */
    static String aeTitle(byte[] b, int off) {
        int start = off;
        int end = off + 16;
        while (start < end && (b[start] == ' ' || b[start] == 0)) {
            start++;
        }
        while (end > start && (b[end - 1] == ' ' || b[end - 1] == 0)) {
            end--;
        }
        return new String(b, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /**
     * Validates an AE title (PS3.5 AE VR, PS3.8 9.3.2): 1..16 characters of the default repertoire
     * after trimming, no backslash or control characters. Returns the trimmed value.
     */
    static String checkAETitle(String name, String aet) {
        if (aet == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        int start = 0;
        int end = aet.length();
        while (start < end && aet.charAt(start) == ' ') {
            start++;
        }
        while (end > start && aet.charAt(end - 1) == ' ') {
            end--;
        }
        String t = aet.substring(start, end);
        if (t.isEmpty() || t.length() > 16) {
            throw new IllegalArgumentException(name + " must be 1..16 characters, not all spaces: \"" + aet + "\"");
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '\\') {
                throw new IllegalArgumentException(name + " contains a backslash, control or non-ASCII character: \""
                        + aet + "\"");
            }
        }
        return t;
    }
}
