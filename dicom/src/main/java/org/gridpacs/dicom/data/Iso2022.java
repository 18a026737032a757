package org.gridpacs.dicom.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharsetEncoder;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ISO 2022 code extension as DICOM restricts it (PS3.5 6.1.2.5): escape sequences designate a set into G0
 * (7-bit bytes) or G1 (bytes with the high bit set); G0 and G1 are always invoked, never shifted; and at each
 * value delimiter both return to what value 1 of Specific Character Set designates.
 */
final class Iso2022 {
    private final CodeElement initialG0;
    private final CodeElement initialG1;
    /** Elements the encoder may switch to, in the order of Specific Character Set's values. */
    private final List<CodeElement> declared;

    Iso2022(CodeElement initialG0, CodeElement initialG1, List<CodeElement> declared) {
        this.initialG0 = initialG0;
        this.initialG1 = initialG1;
        // The initial sets come first so that returning to them never needs a declared term to offer them.
        Set<CodeElement> all = new LinkedHashSet<>();
        all.add(initialG0);
        if (initialG1 != null) {
            all.add(initialG1);
        }
        all.addAll(declared);
        this.declared = List.copyOf(all);
    }

    /** CR, LF, FF, TAB and backslash end a value or line; PN adds its component and group delimiters. */
    static boolean isDelimiter(int c, boolean personName) {
        return c == '\r' || c == '\n' || c == '\f' || c == '\t' || c == '\\' || (personName && (c == '^' || c == '='));
    }

    String decode(byte[] b, int off, int len, boolean personName) {
        StringBuilder out = new StringBuilder(len);
        CodeElement g0 = initialG0;
        CodeElement g1 = initialG1;
        int end = off + len;
        int i = off;
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c == CodeElement.ESC) {
                CodeElement e = CodeElement.ofEscape(b, i, end);
                if (e == null) {
                    // Unknown designation: keep the bytes visible rather than guess, and stay in the current sets.
                    out.append((char) c);
                    i++;
                } else {
                    if (e.isG1()) {
                        g1 = e;
                    } else {
                        g0 = e;
                    }
                    i += e.escapeLength();
                }
            } else if (c >= 0x80) {
                int j = runEnd(b, i, end, 0x80, 0xFF);
                if (g1 == null) {
                    CodeElement.LATIN1.decode(b, i, j - i, out); // nothing designated: keep the bytes losslessly
                } else {
                    g1.decode(b, i, j - i, out);
                }
                i = j;
            } else if (g0.isMultiByte() && c > 0x20 && c < 0x7F) {
                // Inside a 94x94 set every printable byte, even '\\' or '^', is half of a character.
                int j = runEnd(b, i, end, 0x21, 0x7E);
                g0.decode(b, i, j - i, out);
                i = j;
            } else {
                out.append((char) c);
                i++;
                if (isDelimiter(c, personName)) {
                    g0 = initialG0;
                    g1 = initialG1;
                }
            }
        }
        return out.toString();
    }

    private static int runEnd(byte[] b, int from, int end, int min, int max) {
        int j = from;
        while (j < end && (b[j] & 0xFF) >= min && (b[j] & 0xFF) <= max) {
            j++;
        }
        return j;
    }

    /**
     * Encodes with the fewest switches a simple greedy pass finds: keep the current G0/G1 while they can
     * represent the character, else designate the first declared set that can. Person name delimiters are
     * always treated as reset points, which costs at most a repeated escape in other text but keeps the
     * output right for PN, whose decoder resets there.
     */
    byte[] encode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() * 2);
        Map<CodeElement, CharsetEncoder> encoders = new EnumMap<>(CodeElement.class);
        CodeElement g0 = initialG0;
        CodeElement g1 = initialG1;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (isDelimiter(cp, true)) {
                // PS3.5 6.1.2.5.3: G0 must be back to value 1's set before a delimiter; G1 resets implicitly.
                if (g0 != initialG0) {
                    out.writeBytes(initialG0.escapeSequence());
                }
                out.write(cp);
                g0 = initialG0;
                g1 = initialG1;
                continue;
            }
            byte[] bytes = encodeIn(g0, cp, encoders);
            if (bytes == null) {
                bytes = encodeIn(g1, cp, encoders);
            }
            if (bytes == null) {
                CodeElement target = null;
                for (CodeElement e : declared) {
                    bytes = encodeIn(e, cp, encoders);
                    if (bytes != null) {
                        target = e;
                        break;
                    }
                }
                if (target == null) {
                    // Not representable in any declared set: write '?' in an ASCII-compatible G0.
                    target = initialG0.isMultiByte() ? CodeElement.ASCII : initialG0;
                    bytes = new byte[] {'?'};
                    if (g0 == target) {
                        target = null;
                    }
                }
                if (target != null) {
                    out.writeBytes(target.escapeSequence());
                    if (target.isG1()) {
                        g1 = target;
                    } else {
                        g0 = target;
                    }
                }
            }
            out.writeBytes(bytes);
        }
        if (g0 != initialG0) {
            out.writeBytes(initialG0.escapeSequence()); // end of value counts as end of line
        }
        return out.toByteArray();
    }

    private static byte[] encodeIn(CodeElement e, int cp, Map<CodeElement, CharsetEncoder> encoders) {
        return e == null ? null : e.encode(cp, encoders.computeIfAbsent(e, CodeElement::newEncoder));
    }
}
