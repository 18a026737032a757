package org.gridpacs.dicom.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Byte strings come from PS3.5 Annexes H, I and J and from the charset test files that pydicom ships
 * (chrH31.dcm, chrI2.dcm, ...), written here with one char per byte: "\u001b$B" is ESC $ B.
 */
class SpecificCharacterSetTest {

    /** One byte per char, so byte values can be written as Java string escapes. */
    private static byte[] bytes(String oneCharPerByte) {
        return oneCharPerByte.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String decode(SpecificCharacterSet cs, String oneCharPerByte, boolean pn) {
        byte[] b = bytes(oneCharPerByte);
        return cs.decode(b, 0, b.length, pn);
    }

    // ---- PS3.5 Annex H: Japanese ----

    /** H.3.1, chrH31.dcm: value 1 empty (ASCII), JIS X 0208 switched in and out of G0. */
    private static final String H31_BYTES = "Yamada^Tarou="
            + "\u001b$B;3ED\u001b(B^\u001b$BB@O:\u001b(B="
            + "\u001b$B$d$^$@\u001b(B^\u001b$B$?$m$&\u001b(B";
    private static final String H31_TEXT = "Yamada^Tarou=山田^太郎=やまだ^たろう";

    /** H.3.2, chrH32.dcm: value 1 is JIS X 0201 (Katakana in G1, Romaji in G0), so G0 returns with ESC ( J. */
    private static final String H32_BYTES = "\u00d4\u00cf\u00c0\u00de^\u00c0\u00db\u00b3="
            + "\u001b$B;3ED\u001b(J^\u001b$BB@O:\u001b(J="
            + "\u001b$B$d$^$@\u001b(J^\u001b$B$?$m$&\u001b(J";
    private static final String H32_TEXT = "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう";

    @Test
    void decodesJapaneseH31() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 87");
        assertTrue(cs.containsCodeExtensions());
        assertEquals(H31_TEXT, decode(cs, H31_BYTES, true));
    }

    @Test
    void encodesJapaneseH31ToTheStandardsBytes() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 87");
        assertArrayEquals(bytes(H31_BYTES), cs.encode(H31_TEXT));
    }

    @Test
    void decodesAndEncodesJapaneseH32() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("ISO 2022 IR 13", "ISO 2022 IR 87");
        assertEquals(H32_TEXT, decode(cs, H32_BYTES, true));
        assertArrayEquals(bytes(H32_BYTES), cs.encode(H32_TEXT));
    }

    @Test
    void decodesExplicitIr6AsValue1() {
        // chrJapMultiExplicitIR6.dcm, (0010,1001): two PN values
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("ISO 2022 IR 6", "ISO 2022 IR 87");
        String raw = "\u001b$B$d$^$@\u001b(B^\u001b$B$?$m$&\u001b(B\\\u001b$B$d$^$@\u001b(B^\u001b$B$?$m$&\u001b(B ";
        assertEquals("やまだ^たろう\\やまだ^たろう ", decode(cs, raw, true));
    }

    @Test
    void delimiterBytesInsideJisX0208AreHalvesOfCharacters() {
        // 'ぼ' is JIS 0x24 0x5C and '沺' is 0x5E 0x21: the '\' and '^' bytes must not split the value.
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 87");
        byte[] encoded = cs.encode("ぼ沺");
        assertArrayEquals(bytes("\u001b$B$\\^!\u001b(B"), encoded);
        assertEquals("ぼ沺", cs.decode(encoded, 0, encoded.length, true));
    }

    @Test
    void jisX0212RoundTrip() {
        // U+4E02 '丂' is only in JIS X 0212 (row 0x30, cell 0x21).
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 87", "ISO 2022 IR 159");
        byte[] encoded = cs.encode("A丂山");
        assertArrayEquals(bytes("A\u001b$(D0!\u001b$B;3\u001b(B"), encoded);
        assertEquals("A丂山", cs.decode(encoded));
    }

    // ---- PS3.5 Annex I: Korean ----

    /** I.2, chrI2.dcm: KS X 1001 lives in G1, and is designated again after each delimiter. */
    private static final String I2_BYTES = "Hong^Gildong="
            + "\u001b$)C\u00fb\u00f3^\u001b$)C\u00d1\u00ce\u00d4\u00d7="
            + "\u001b$)C\u00c8\u00ab^\u001b$)C\u00b1\u00e6\u00b5\u00bf";
    private static final String I2_TEXT = "Hong^Gildong=洪^吉洞=홍^길동";

    @Test
    void decodesKoreanI2() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 149");
        assertEquals(I2_TEXT, decode(cs, I2_BYTES, true));
    }

    @Test
    void encodesKoreanI2ToTheStandardsBytes() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 149");
        assertArrayEquals(bytes(I2_BYTES), cs.encode(I2_TEXT));
    }

    @Test
    void koreanMultiValuedPn() {
        // chrKoreanMulti.dcm, (0010,1001)
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 149");
        String raw = "\u001b$)C\u00b1\u00e8\u00c8\u00f1\u00c1\u00df\u001b(B\\\u001b$)C\u00b1\u00e8\u00c8\u00f1\u00c1\u00df\u001b(B ";
        assertEquals("김희중\\김희중 ", decode(cs, raw, true));
    }

    @Test
    void personNameDelimitersResetG1OnlyInPersonNames() {
        // Without a new escape after '^', PN decoding is back in the initial sets (no G1: bytes kept as Latin-1).
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 149");
        String raw = "\u001b$)C\u00fb\u00f3^\u00d1\u00ce";
        assertEquals("洪^\u00d1\u00ce", decode(cs, raw, true));
        assertEquals("洪^吉", decode(cs, raw, false));
        // A backslash resets for every VR.
        assertEquals("洪\\\u00d1\u00ce", decode(cs, raw.replace('^', '\\'), false));
    }

    @Test
    void singleValueIr149AcceptsEucKrWithoutEscapes() {
        // Korean writers often declare only "ISO 2022 IR 149" and never escape: KS X 1001 is then in G1 from the start.
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("ISO 2022 IR 149");
        assertEquals("Hong^홍", decode(cs, "Hong^\u00c8\u00ab", true));
    }

    // ---- Chinese ----

    @Test
    void gb2312AsCodeExtension() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 58");
        String text = "Wang^XiaoDong=王^小东";
        byte[] encoded = cs.encode(text);
        assertArrayEquals(bytes("Wang^XiaoDong=\u001b$)A\u00cd\u00f5^\u001b$)A\u00d0\u00a1\u00b6\u00ab"), encoded);
        assertEquals(text, cs.decode(encoded, 0, encoded.length, true));
    }

    @Test
    void gb18030() {
        // PS3.5 J.3, chrX2.dcm
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("GB18030");
        assertFalse(cs.containsCodeExtensions());
        String raw = "Wang^XiaoDong=\u00cd\u00f5^\u00d0\u00a1\u00b6\u00ab=";
        assertEquals("Wang^XiaoDong=王^小东=", decode(cs, raw, true));
        assertArrayEquals(bytes(raw), cs.encode("Wang^XiaoDong=王^小东="));
    }

    @Test
    void gbkTrailByteMayBeABackslash() {
        // '乗' is 0x81 0x5C in GBK: why callers must split values after decoding, not before.
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("GBK");
        byte[] encoded = cs.encode("乗\\王");
        assertEquals(0x5C, encoded[1]);
        assertEquals("乗\\王", cs.decode(encoded));
    }

    // ---- single-byte sets and UTF-8 ----

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // chrFren.dcm, chrGerm.dcm, chrRuss.dcm, chrGreek.dcm, chrArab.dcm, chrHbrw.dcm
        "ISO_IR 100 | Buc^J\u00e9r\u00f4me                                          | Buc^Jérôme",
        "ISO_IR 100 | \u00c4neas^R\u00fcdiger                                       | Äneas^Rüdiger",
        "ISO_IR 144 | \u00bb\u00ee\u00dace\u00dc\u00d1yp\u00d3                      | Люкceмбypг",
        "ISO_IR 126 | \u00c4\u00e9\u00ef\u00ed\u00f5\u00f3\u00e9\u00ef\u00f2        | Διονυσιος",
        "ISO_IR 127 | \u00e2\u00c8\u00c7\u00e6\u00ea^\u00e4\u00e6\u00d2\u00c7\u00d1 | قباني^لنزار",
        "ISO_IR 138 | \u00f9\u00f8\u00e5\u00ef^\u00e3\u00e1\u00e5\u00f8\u00e4        | שרון^דבורה",
        "ISO_IR 101 | \u00a3\u00f3d\u00bc                                             | Łódź",
        "ISO_IR 148 | \u00ddstanbul^\u00c7a\u00f0la                                    | İstanbul^Çağla",
        "ISO_IR 166 | \u00a1\u00c3\u00d2                                                | กรา",
        "ISO_IR 13  | \u00d4\u00cf\u00c0\u00de^\u00c0\u00db\u00b3                       | ﾔﾏﾀﾞ^ﾀﾛｳ",
        "ISO_IR 192 | Wang^XiaoDong=\u00e7\u008e\u008b^\u00e5\u00b0\u008f\u00e6\u009d\u00b1= | Wang^XiaoDong=王^小東=",
    })
    void decodesAndEncodesWithoutCodeExtension(String code, String raw, String text) {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf(code);
        assertFalse(cs.containsCodeExtensions());
        assertEquals(text, decode(cs, raw, true));
        assertArrayEquals(bytes(raw), cs.encode(text));
    }

    @Test
    void latin1AndCyrillicByCodeExtension() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("ISO 2022 IR 100", "ISO 2022 IR 144");
        String text = "Jérôme Люк é";
        byte[] encoded = cs.encode(text);
        // Latin-1 is G1 from the start; Cyrillic needs ESC - L, and Latin-1 needs ESC - A to come back.
        assertArrayEquals(bytes("J\u00e9r\u00f4me \u001b-L\u00bb\u00ee\u00da \u001b-A\u00e9"), encoded);
        assertEquals(text, cs.decode(encoded));
    }

    @Test
    void greekByCodeExtension() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 126");
        byte[] encoded = cs.encode("Διονυσιος^Dio");
        assertArrayEquals(bytes("\u001b-F\u00c4\u00e9\u00ef\u00ed\u00f5\u00f3\u00e9\u00ef\u00f2^Dio"), encoded);
        assertEquals("Διονυσιος^Dio", cs.decode(encoded, 0, encoded.length, true));
    }

    @Test
    void utf8RoundTripIncludingSupplementaryCharacters() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("ISO_IR 192");
        String text = "Müller^Łukasz=山田^太郎=Ωμέγα 𠀋";
        assertEquals(text, cs.decode(cs.encode(text)));
    }

    @Test
    void offsetAndLengthAreHonoured() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("ISO_IR 100");
        byte[] b = bytes("xxJ\u00e9r\u00f4mexx");
        assertEquals("Jérôme", cs.decode(b, 2, 6));
    }

    // ---- the default repertoire ----

    @Test
    void emptyValuesGiveTheDefault() {
        assertSame(SpecificCharacterSet.DEFAULT, SpecificCharacterSet.valueOf());
        assertSame(SpecificCharacterSet.DEFAULT, SpecificCharacterSet.valueOf((String[]) null));
        assertSame(SpecificCharacterSet.DEFAULT, SpecificCharacterSet.valueOf(""));
        assertSame(SpecificCharacterSet.DEFAULT, SpecificCharacterSet.valueOf(" ", null));
        assertEquals(0, SpecificCharacterSet.DEFAULT.codes().length);
        assertFalse(SpecificCharacterSet.DEFAULT.containsCodeExtensions());
    }

    @Test
    void defaultKeepsEveryByte() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        String s = SpecificCharacterSet.DEFAULT.decode(all);
        assertEquals(256, s.length());
        assertEquals('\u00e9', s.charAt(0xE9));
        assertArrayEquals(all, SpecificCharacterSet.DEFAULT.encode(s));
    }

    @Test
    void highBytesWithNoG1DesignatedAreKeptAsLatin1() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 87");
        assertEquals("caf\u00e9", cs.decode(bytes("caf\u00e9")));
    }

    @Test
    void unencodableCharactersBecomeQuestionMarks() {
        assertArrayEquals(bytes("a?b"), SpecificCharacterSet.DEFAULT.encode("a山b"));
        assertArrayEquals(bytes("a?b"), SpecificCharacterSet.valueOf("ISO_IR 100").encode("a山b"));
        // Under code extension the '?' goes out in ASCII, so a multi-byte G0 has to be left first.
        assertArrayEquals(bytes("\u001b$B;3\u001b(B?\u001b$B;3\u001b(B"),
                SpecificCharacterSet.valueOf("", "ISO 2022 IR 87").encode("山\uAC00山"));
    }

    // ---- terms ----

    @Test
    void unknownTermDecodesAsDefaultAndIsReported() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("ISO_IR 999");
        assertEquals("J\u00e9", cs.decode(bytes("J\u00e9")));
        assertArrayEquals(new String[] {"ISO_IR 999"}, cs.unsupportedCodes());
        assertTrue(cs.toString().contains("ISO_IR 999"), cs.toString());
        assertTrue(cs.toString().contains("unsupported"), cs.toString());
    }

    @Test
    void unknownTermAmongExtensionsFallsBackForItsPositionOnly() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 999", "ISO 2022 IR 87");
        assertEquals(H31_TEXT, decode(cs, H31_BYTES, true));
        assertArrayEquals(new String[] {"ISO 2022 IR 999"}, cs.unsupportedCodes());
    }

    @Test
    void codesAreTrimmed() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf(" ISO_IR 100 ");
        assertArrayEquals(new String[] {"ISO_IR 100"}, cs.codes());
        assertEquals(SpecificCharacterSet.valueOf("ISO_IR 100"), cs);
        assertEquals("SpecificCharacterSet[ISO_IR 100]", cs.toString());
        assertArrayEquals(new String[] {"", "ISO 2022 IR 87"}, SpecificCharacterSet.valueOf("", "ISO 2022 IR 87").codes());
    }

    @Test
    void toleratesCommonMisspellings() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("iso-ir 100");
        assertEquals("Jé", cs.decode(bytes("J\u00e9")));
        assertEquals(0, cs.unsupportedCodes().length);
    }

    @Test
    void plainTermCombinedWithExtensionsIsReadAsItsIso2022Form() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("ISO_IR 13", "ISO 2022 IR 87");
        assertTrue(cs.containsCodeExtensions());
        assertEquals(H32_TEXT, decode(cs, H32_BYTES, true));
    }

    @Test
    void standAloneTermsIgnoreFurtherValues() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("ISO_IR 192", "GB18030");
        assertFalse(cs.containsCodeExtensions());
        assertEquals("王", cs.decode(bytes("\u00e7\u008e\u008b")));
        assertArrayEquals(new String[] {"GB18030"}, cs.unsupportedCodes());
    }

    @Test
    void singleExtensionSpellingUsesEscapes() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("ISO 2022 IR 100");
        assertTrue(cs.containsCodeExtensions());
        assertEquals("Jé", cs.decode(bytes("J\u00e9")));
        assertFalse(SpecificCharacterSet.valueOf("ISO_IR 100").containsCodeExtensions());
    }

    @Test
    void unknownEscapeSequenceIsKeptVisible() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 87");
        assertEquals("a\u001b$)Xb", cs.decode(bytes("a\u001b$)Xb")));
    }

    @Test
    void everyListedTermIsRecognised() {
        for (String code : new String[] {"ISO_IR 6", "ISO_IR 100", "ISO_IR 101", "ISO_IR 109", "ISO_IR 110",
                "ISO_IR 144", "ISO_IR 127", "ISO_IR 126", "ISO_IR 138", "ISO_IR 148", "ISO_IR 166", "ISO_IR 13",
                "ISO_IR 203", "ISO_IR 192", "GB18030", "GBK", "ISO 2022 IR 6", "ISO 2022 IR 100",
                "ISO 2022 IR 101", "ISO 2022 IR 109", "ISO 2022 IR 110", "ISO 2022 IR 144", "ISO 2022 IR 127",
                "ISO 2022 IR 126", "ISO 2022 IR 138", "ISO 2022 IR 148", "ISO 2022 IR 13", "ISO 2022 IR 166",
                "ISO 2022 IR 203", "ISO 2022 IR 87", "ISO 2022 IR 159", "ISO 2022 IR 149", "ISO 2022 IR 58"}) {
            assertEquals(0, SpecificCharacterSet.valueOf(code).unsupportedCodes().length, code);
        }
    }
}
