package org.gridpacs.dicom.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NumbersTest {

    // ---- DS ----

    @Test
    void parsesDecimalStrings() {
        assertEquals(1.5, Numbers.parseDS("1.5"));
        assertEquals(1.5, Numbers.parseDS("  +1.5 "));
        assertEquals(-0.25, Numbers.parseDS("-.25"));
        assertEquals(3.0, Numbers.parseDS("3."));
        assertEquals(1e-20, Numbers.parseDS("1E-20"));
        assertEquals(12300.0, Numbers.parseDS("1.23e+4"));
        assertEquals(42.0, Numbers.parseDS("0042"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "NaN", "Infinity", "-Infinity", "0x1p3", "1.5d", "1.5f", "1,5", "1e", "e5", ".", "+-1", "1 2", "1e999"})
    void rejectsBadDecimalStrings(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Numbers.parseDS(value));
        assertTrue(e.getMessage().contains("\"" + value + "\""), e.getMessage());
    }

    @Test
    void formatsDecimalStrings() {
        assertEquals("0", Numbers.formatDS(0.0));
        assertEquals("0", Numbers.formatDS(-0.0));
        assertEquals("1", Numbers.formatDS(1.0));
        assertEquals("-1.5", Numbers.formatDS(-1.5));
        assertEquals("0.1", Numbers.formatDS(0.1));
        assertEquals("1E-20", Numbers.formatDS(1e-20));
        assertEquals("1000000000000000", Numbers.formatDS(1e15));
        assertEquals("1E16", Numbers.formatDS(1e16));
        assertEquals("123456789.123457", Numbers.formatDS(123456789.123456789));
        assertEquals("-123456789.12346", Numbers.formatDS(-123456789.123456789));
        assertEquals("0.33333333333333", Numbers.formatDS(1.0 / 3));
        assertEquals("1.2345678901E-10", Numbers.formatDS(1.2345678901e-10));
        assertEquals("1.7976931349E308", Numbers.formatDS(Double.MAX_VALUE));
        assertEquals("-4.9E-324", Numbers.formatDS(-Double.MIN_VALUE));
        assertEquals("99999999999999.9", Numbers.formatDS(99999999999999.9));
        assertEquals("100000000000000", Numbers.formatDS(99999999999999.99)); // rounding carries into a new digit
    }

    @Test
    void rejectsNonFiniteDoubles() {
        assertThrows(IllegalArgumentException.class, () -> Numbers.formatDS(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Numbers.formatDS(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Numbers.formatDS(Double.NEGATIVE_INFINITY));
    }

    @Test
    void formattedDecimalStringsAreValidAndClose() {
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            double d = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(80) - 40);
            String s = Numbers.formatDS(d);
            assertTrue(s.length() <= Numbers.DS_MAX_LENGTH, s);
            double back = Numbers.parseDS(s);
            // 16 characters always leave room for at least 10 significant digits.
            assertEquals(d, back, Math.abs(d) * 1e-9, s);
        }
    }

    @Test
    void shortDoublesRoundTripExactly() {
        for (double d : new double[] {0.1, 2.5, -7.125, 1e-5, 6.02214076e23, 299792458, 0.0001}) {
            assertEquals(d, Numbers.parseDS(Numbers.formatDS(d)));
        }
    }

    // ---- IS ----

    @Test
    void parsesIntegerStrings() {
        assertEquals(42, Numbers.parseIS("42"));
        assertEquals(42, Numbers.parseIS(" +0042 "));
        assertEquals(-7, Numbers.parseIS("-7"));
        assertEquals(Integer.MAX_VALUE, Numbers.parseIS("2147483647"));
        assertEquals(Integer.MIN_VALUE, Numbers.parseIS("-2147483648"));
        assertEquals(2147483648L, Numbers.parseISAsLong("2147483648"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "1.0", "1e3", "2147483648", "-2147483649", "abc", "+", "1 2", "99999999999999999999"})
    void rejectsBadIntegerStrings(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Numbers.parseIS(value));
        assertTrue(e.getMessage().contains("\"" + value + "\""), e.getMessage());
    }

    @Test
    void formatsIntegerStrings() {
        assertEquals("-2147483648", Numbers.formatIS(Integer.MIN_VALUE));
        assertEquals("12", Numbers.formatIS(12L));
        assertThrows(IllegalArgumentException.class, () -> Numbers.formatIS(1L << 31));
        assertThrows(IllegalArgumentException.class, () -> Numbers.formatIS(-(1L << 31) - 1));
    }
}
