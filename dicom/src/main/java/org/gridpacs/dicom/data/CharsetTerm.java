package org.gridpacs.dicom.data;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Defined Terms of Specific Character Set (PS3.3 C.12.1.1.2, Tables C.12-2 to C.12-5): how each one
 * decodes on its own (a JDK charset) and which elements it puts in G0 and G1 under code extension.
 */
enum CharsetTerm {
    // The default repertoire decodes as Latin-1, not ASCII, so that any byte a file holds survives a round trip.
    IR6("ISO_IR 6", "ISO 2022 IR 6", StandardCharsets.ISO_8859_1, CodeElement.ASCII, null),
    IR100("ISO_IR 100", "ISO 2022 IR 100", "ISO-8859-1", CodeElement.ASCII, CodeElement.LATIN1),
    IR101("ISO_IR 101", "ISO 2022 IR 101", "ISO-8859-2", CodeElement.ASCII, CodeElement.LATIN2),
    IR109("ISO_IR 109", "ISO 2022 IR 109", "ISO-8859-3", CodeElement.ASCII, CodeElement.LATIN3),
    IR110("ISO_IR 110", "ISO 2022 IR 110", "ISO-8859-4", CodeElement.ASCII, CodeElement.LATIN4),
    IR144("ISO_IR 144", "ISO 2022 IR 144", "ISO-8859-5", CodeElement.ASCII, CodeElement.CYRILLIC),
    IR127("ISO_IR 127", "ISO 2022 IR 127", "ISO-8859-6", CodeElement.ASCII, CodeElement.ARABIC),
    IR126("ISO_IR 126", "ISO 2022 IR 126", "ISO-8859-7", CodeElement.ASCII, CodeElement.GREEK),
    IR138("ISO_IR 138", "ISO 2022 IR 138", "ISO-8859-8", CodeElement.ASCII, CodeElement.HEBREW),
    IR148("ISO_IR 148", "ISO 2022 IR 148", "ISO-8859-9", CodeElement.ASCII, CodeElement.LATIN5),
    IR203("ISO_IR 203", "ISO 2022 IR 203", "ISO-8859-15", CodeElement.ASCII, CodeElement.LATIN9),
    IR166("ISO_IR 166", "ISO 2022 IR 166", "TIS-620", CodeElement.ASCII, CodeElement.THAI),
    IR13("ISO_IR 13", "ISO 2022 IR 13", "JIS_X0201", CodeElement.JIS_ROMAN, CodeElement.JIS_KATAKANA),
    // Multi-byte sets exist only as code extensions (Table C.12-4).
    IR87(null, "ISO 2022 IR 87", (Charset) null, CodeElement.JIS_X0208, null),
    IR159(null, "ISO 2022 IR 159", (Charset) null, CodeElement.JIS_X0212, null),
    IR149(null, "ISO 2022 IR 149", (Charset) null, null, CodeElement.KS_X1001),
    IR58(null, "ISO 2022 IR 58", (Charset) null, null, CodeElement.GB2312),
    // Stand-alone multi-byte encodings that forbid code extension (Table C.12-5).
    IR192("ISO_IR 192", null, StandardCharsets.UTF_8, null, null),
    GB18030("GB18030", null, "GB18030", null, null),
    GBK("GBK", null, "GBK", null, null);

    private final String plainTerm;
    private final String extensionTerm;
    private final Charset charset;
    private final CodeElement g0;
    private final CodeElement g1;

    CharsetTerm(String plainTerm, String extensionTerm, String charsetName, CodeElement g0, CodeElement g1) {
        this(plainTerm, extensionTerm, CodeElement.charsetOrLatin1(charsetName), g0, g1);
    }

    CharsetTerm(String plainTerm, String extensionTerm, Charset charset, CodeElement g0, CodeElement g1) {
        this.plainTerm = plainTerm;
        this.extensionTerm = extensionTerm;
        this.charset = charset;
        this.g0 = g0;
        this.g1 = g1;
    }

    /** The charset that decodes a whole value when no code extension is in use; null for IR 87/159/149/58. */
    Charset charset() {
        return charset;
    }

    /** Element designated into G0 by this term, or null when it only designates G1. */
    CodeElement g0() {
        return g0;
    }

    /** Element designated into G1 by this term, or null. */
    CodeElement g1() {
        return g1;
    }

    /** UTF-8, GB18030 and GBK may not be combined with other terms (PS3.5 6.1.2.5.4). */
    boolean isStandAlone() {
        return extensionTerm == null;
    }

    private static final Map<String, CharsetTerm> BY_KEY = new HashMap<>();
    private static final Map<String, Boolean> IS_EXTENSION_KEY = new HashMap<>();

    static {
        for (CharsetTerm t : values()) {
            if (t.plainTerm != null) {
                BY_KEY.put(key(t.plainTerm), t);
                IS_EXTENSION_KEY.put(key(t.plainTerm), false);
            }
            if (t.extensionTerm != null) {
                BY_KEY.put(key(t.extensionTerm), t);
                IS_EXTENSION_KEY.put(key(t.extensionTerm), true);
            }
        }
    }

    /**
     * The term for a code, tolerating the spellings seen in the wild ("ISO-IR 100", "iso_ir100"), or null when
     * unknown. An empty code is the default repertoire.
     */
    static CharsetTerm lookup(String code) {
        return code.isEmpty() ? IR6 : BY_KEY.get(key(code));
    }

    /** True when the code is spelled as an ISO 2022 ("code extension") term. */
    static boolean isExtensionSpelling(String code) {
        return !code.isEmpty() && IS_EXTENSION_KEY.getOrDefault(key(code), false);
    }

    private static String key(String code) {
        StringBuilder sb = new StringBuilder(code.length());
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c != ' ' && c != '_' && c != '-') {
                sb.append(c);
            }
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }
}
