package org.gridpacs.dicom.data;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes and encodes the text VRs (SH, LO, ST, LT, UC, UT, PN) of a data set as its Specific Character Set
 * (0008,0005) says (PS3.3 C.12.1.1.2, PS3.5 6.1).
 *
 * <p>Without code extension a value is decoded with one JDK charset. With code extension (several values, or
 * a value spelled "ISO 2022 ...") escape sequences switch sets inside a value; see {@link Iso2022}.
 *
 * <p>Decoding never throws: unknown terms decode as the default repertoire, unmappable bytes become U+FFFD.
 * Callers split multi-valued text on backslash <em>after</em> decoding, because in GBK, GB18030 and JIS X 0208
 * a 0x5C byte can be half of a character.
 */
public final class SpecificCharacterSet {

    /** No (0008,0005), or an empty one: the default repertoire, decoded as ISO-8859-1 so that no byte is lost. */
    public static final SpecificCharacterSet DEFAULT =
            new SpecificCharacterSet(new String[0], List.of(), CharsetTerm.IR6.charset(), null);

    private final String[] codes;
    private final List<String> unsupported;
    /** Decodes whole values when there is no code extension; null otherwise. */
    private final Charset charset;
    /** Non-null exactly when code extension is in use. */
    private final Iso2022 iso2022;

    private SpecificCharacterSet(String[] codes, List<String> unsupported, Charset charset, Iso2022 iso2022) {
        this.codes = codes;
        this.unsupported = List.copyOf(unsupported);
        this.charset = charset;
        this.iso2022 = iso2022;
    }

    /**
     * The character set for the values of (0008,0005). Values are trimmed; a null or empty list, or only
     * empty values, give {@link #DEFAULT}. Unknown terms, and stand-alone terms (ISO_IR 192, GB18030, GBK) in
     * a position other than the first, are recorded (see {@link #unsupportedCodes()}) and treated as the
     * default repertoire. "ISO_IR nnn" combined with other values is read as "ISO 2022 IR nnn", a common
     * mistake that has only one sensible meaning.
     */
    public static SpecificCharacterSet valueOf(String... codes) {
        if (codes == null || codes.length == 0) {
            return DEFAULT;
        }
        String[] trimmed = new String[codes.length];
        boolean allEmpty = true;
        for (int i = 0; i < codes.length; i++) {
            trimmed[i] = codes[i] == null ? "" : codes[i].trim();
            allEmpty &= trimmed[i].isEmpty();
        }
        if (allEmpty) {
            return DEFAULT;
        }
        List<String> unsupported = new ArrayList<>();
        CharsetTerm first = termOrDefault(trimmed[0], unsupported);
        if (first.isStandAlone() || (trimmed.length == 1 && !CharsetTerm.isExtensionSpelling(trimmed[0]))) {
            // Stand-alone first values forbid code extension, so any further values are ignored.
            for (int i = 1; i < trimmed.length; i++) {
                unsupported.add(trimmed[i]);
            }
            return new SpecificCharacterSet(trimmed, unsupported, first.charset(), null);
        }
        List<CodeElement> declared = new ArrayList<>();
        for (int i = 0; i < trimmed.length; i++) {
            CharsetTerm term = i == 0 ? first : termOrDefault(trimmed[i], unsupported);
            if (term.isStandAlone()) {
                unsupported.add(trimmed[i]);
                continue;
            }
            if (term.g0() != null) {
                declared.add(term.g0());
            }
            if (term.g1() != null) {
                declared.add(term.g1());
            }
        }
        // A multi-byte G0 set cannot be the initial one: delimiters and ASCII must be readable without escapes.
        CodeElement initialG0 = first.g0() != null && !first.g0().isMultiByte() ? first.g0() : CodeElement.ASCII;
        Iso2022 iso2022 = new Iso2022(initialG0, first.g1(), declared);
        return new SpecificCharacterSet(trimmed, unsupported, null, iso2022);
    }

    private static CharsetTerm termOrDefault(String code, List<String> unsupported) {
        CharsetTerm term = CharsetTerm.lookup(code);
        if (term == null) {
            unsupported.add(code);
            return CharsetTerm.IR6;
        }
        return term;
    }

    /** The trimmed values this set was made from; empty for {@link #DEFAULT}. */
    public String[] codes() {
        return codes.clone();
    }

    /** Values that were not understood or not allowed where they stood, and so were treated as the default repertoire. */
    public String[] unsupportedCodes() {
        return unsupported.toArray(new String[0]);
    }

    /** True when values may switch character sets with ISO 2022 escape sequences. */
    public boolean containsCodeExtensions() {
        return iso2022 != null;
    }

    /** Decodes a value of any text VR but PN. */
    public String decode(byte[] b, int off, int len) {
        return decode(b, off, len, false);
    }

    public String decode(byte[] b) {
        return decode(b, 0, b.length, false);
    }

    /**
     * Decodes a value; with {@code personName} the PN delimiters '^' and '=' also return to the initial
     * character set (PS3.5 6.1.2.5.3), which only matters under code extension.
     */
    public String decode(byte[] b, int off, int len, boolean personName) {
        return iso2022 != null ? iso2022.decode(b, off, len, personName) : new String(b, off, len, charset);
    }

    /**
     * Encodes a value. Characters no declared set can represent become '?'. Under code extension the
     * encoder switches G0 back before every delimiter (including '^' and '=', so the result suits PN and is
     * still correct, if a byte or two longer, for other VRs) and at the end of the value.
     */
    public byte[] encode(String s) {
        return iso2022 != null ? iso2022.encode(s) : s.getBytes(charset);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpecificCharacterSet other && Arrays.equals(codes, other.codes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(codes);
    }

    /** The values as in the data set ("\" between them), plus any that were treated as the default repertoire. */
    @Override
    public String toString() {
        String s = "SpecificCharacterSet[" + String.join("\\", codes);
        if (!unsupported.isEmpty()) {
            s += "; unsupported, read as default: " + String.join(", ", unsupported);
        }
        return s + "]";
    }
}
