package org.gridpacs.dicom.data;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One graphic character set that ISO 2022 code extension can designate into G0 or G1, with the escape
 * sequence that designates it (PS3.3 Tables C.12-3 and C.12-4).
 *
 * <p>The JDK has no ISO 2022 decoder that knows DICOM's sets, so each element maps its bytes onto a JDK
 * charset that contains the same characters: the ISO 8859 parts hold the 96-sets in their upper half, and
 * the EUC encodings hold the 94x94 sets with the high bit set (EUC-JP also reaches JIS X 0212 through the
 * 0x8F prefix, which spares us the x-JIS0212 charset that this JDK lacks).
 */
enum CodeElement {
    /** ISO-IR 6, ASCII; the G0 set of the default repertoire. */
    ASCII(false, 1, "(B", "US-ASCII"),
    /**
     * ISO-IR 14, JIS X 0201 Romaji. Differs from ASCII only at 0x5C (Yen) and 0x7E (overline); we decode
     * those as ASCII because 0x5C is DICOM's value delimiter and callers split on backslash.
     */
    JIS_ROMAN(false, 1, "(J", "US-ASCII"),
    LATIN1(true, 1, "-A", "ISO-8859-1"),
    LATIN2(true, 1, "-B", "ISO-8859-2"),
    LATIN3(true, 1, "-C", "ISO-8859-3"),
    LATIN4(true, 1, "-D", "ISO-8859-4"),
    CYRILLIC(true, 1, "-L", "ISO-8859-5"),
    ARABIC(true, 1, "-G", "ISO-8859-6"),
    GREEK(true, 1, "-F", "ISO-8859-7"),
    HEBREW(true, 1, "-H", "ISO-8859-8"),
    LATIN5(true, 1, "-M", "ISO-8859-9"),
    LATIN9(true, 1, "-b", "ISO-8859-15"),
    THAI(true, 1, "-T", "TIS-620"),
    /** ISO-IR 13, JIS X 0201 half-width Katakana at 0xA1..0xDF. */
    JIS_KATAKANA(true, 1, ")I", "JIS_X0201"),
    /** ISO-IR 87, JIS X 0208 Kanji; designated into G0, so its byte pairs are 7-bit. */
    JIS_X0208(false, 2, "$B", "EUC-JP"),
    /** ISO-IR 159, JIS X 0212 supplementary Kanji; G0, 7-bit pairs. */
    JIS_X0212(false, 2, "$(D", "EUC-JP"),
    /** ISO-IR 149, KS X 1001 Hangul and Hanja; G1, so its byte pairs already look like EUC-KR. */
    KS_X1001(true, 2, "$)C", "EUC-KR"),
    /** ISO-IR 58, GB 2312; G1, byte pairs as in EUC-CN. */
    GB2312(true, 2, "$)A", "GB2312");

    static final byte ESC = 0x1B;

    private final boolean g1;
    private final int bytesPerChar;
    private final byte[] escape;
    private final Charset charset;

    CodeElement(boolean g1, int bytesPerChar, String afterEsc, String charsetName) {
        this.g1 = g1;
        this.bytesPerChar = bytesPerChar;
        this.escape = new byte[afterEsc.length() + 1];
        escape[0] = ESC;
        for (int i = 0; i < afterEsc.length(); i++) {
            escape[i + 1] = (byte) afterEsc.charAt(i);
        }
        this.charset = charsetOrLatin1(charsetName);
    }

    /** Lets a trimmed-down runtime without jdk.charsets still load the class; affected sets then decode as Latin-1. */
    static Charset charsetOrLatin1(String name) {
        return Charset.isSupported(name) ? Charset.forName(name) : StandardCharsets.ISO_8859_1;
    }

    /** True when designated into G1 (bytes with the high bit set), false for G0 (7-bit bytes). */
    boolean isG1() {
        return g1;
    }

    boolean isMultiByte() {
        return bytesPerChar > 1;
    }

    byte[] escapeSequence() {
        return escape.clone();
    }

    /** The element whose escape sequence starts at {@code b[off]} (which is ESC), or null. */
    static CodeElement ofEscape(byte[] b, int off, int end) {
        for (CodeElement e : values()) {
            int n = e.escape.length;
            if (off + n <= end && Arrays.equals(b, off, off + n, e.escape, 0, n)) {
                return e;
            }
        }
        return null;
    }

    int escapeLength() {
        return escape.length;
    }

    /**
     * Appends the characters of a run of bytes that all belong to this element: 7-bit bytes for a G0
     * element, bytes with the high bit set for a G1 element. Malformed input becomes U+FFFD; never throws.
     */
    void decode(byte[] b, int off, int len, StringBuilder out) {
        switch (this) {
            case ASCII, JIS_ROMAN -> {
                for (int i = off; i < off + len; i++) {
                    out.append((char) (b[i] & 0xFF));
                }
            }
            case JIS_X0208, JIS_X0212 -> out.append(new String(toEucJp(b, off, len), charset));
            default -> out.append(new String(b, off, len, charset));
        }
    }

    /** JIS X 0208/0212 pairs are 7-bit in G0; EUC-JP wants the high bit set, and 0x8F before a 0212 pair. */
    private byte[] toEucJp(byte[] b, int off, int len) {
        boolean supplementary = this == JIS_X0212;
        int pairs = len / 2;
        byte[] euc = new byte[pairs * (supplementary ? 3 : 2) + (len & 1)];
        int j = 0;
        for (int i = 0; i < pairs * 2; i += 2) {
            if (supplementary) {
                euc[j++] = (byte) 0x8F;
            }
            euc[j++] = (byte) (b[off + i] | 0x80);
            euc[j++] = (byte) (b[off + i + 1] | 0x80);
        }
        if ((len & 1) != 0) {
            euc[j] = (byte) 0xFF; // a lone byte is malformed in EUC-JP too, so it decodes to U+FFFD
        }
        return euc;
    }

    /** A fresh encoder; callers keep one per encode call because encoders are not thread safe. */
    CharsetEncoder newEncoder() {
        return charset.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /**
     * The bytes for one code point in this element, as they appear after its escape sequence, or null when
     * the element cannot represent it. The JDK encoders know more than the DICOM set (EUC-JP also emits
     * half-width Katakana, ISO 8859 also emits ASCII), so the result is checked against the set's byte range.
     */
    byte[] encode(int codePoint, CharsetEncoder encoder) {
        if (this == ASCII || this == JIS_ROMAN) {
            return codePoint < 0x80 ? new byte[] {(byte) codePoint} : null;
        }
        byte[] b = encodeWithJdk(codePoint, encoder);
        if (b == null) {
            return null;
        }
        switch (this) {
            case JIS_X0208 -> {
                return b.length == 2 && isGR94(b[0]) && isGR94(b[1]) ? new byte[] {(byte) (b[0] & 0x7F), (byte) (b[1] & 0x7F)} : null;
            }
            case JIS_X0212 -> {
                return b.length == 3 && b[0] == (byte) 0x8F && isGR94(b[1]) && isGR94(b[2])
                        ? new byte[] {(byte) (b[1] & 0x7F), (byte) (b[2] & 0x7F)} : null;
            }
            case KS_X1001, GB2312 -> {
                return b.length == 2 && isGR94(b[0]) && isGR94(b[1]) ? b : null;
            }
            default -> {
                return b.length == 1 && (b[0] & 0xFF) >= 0xA0 ? b : null;
            }
        }
    }

    private static boolean isGR94(byte b) {
        int v = b & 0xFF;
        return v >= 0xA1 && v <= 0xFE;
    }

    private static byte[] encodeWithJdk(int codePoint, CharsetEncoder encoder) {
        try {
            encoder.reset();
            ByteBuffer bb = encoder.encode(CharBuffer.wrap(Character.toChars(codePoint)));
            byte[] b = new byte[bb.remaining()];
            bb.get(b);
            return b;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
