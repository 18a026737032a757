package org.gridpacs.dicom.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DateTimesTest {

    private static final ZoneOffset PLUS_ONE = ZoneOffset.ofHours(1);

    // ---- DA ----

    @Test
    void parsesDates() {
        assertEquals(LocalDate.of(1993, 8, 22), DateTimes.parseDate("19930822"));
        assertEquals(LocalDate.of(1993, 8, 22), DateTimes.parseDate("19930822 "));
        assertEquals(LocalDate.of(1993, 8, 22), DateTimes.parseDate("1993.08.22"));
        assertEquals(LocalDate.of(2024, 2, 29), DateTimes.parseDate("20240229"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1993082", "199308221", "19931322", "20230229", "1993-08-22", "93.08.22", "abcdefgh"})
    void rejectsBadDates(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DateTimes.parseDate(value));
        assertTrue(e.getMessage().contains("\"" + value + "\""), e.getMessage());
    }

    @Test
    void formatsDates() {
        assertEquals("19930822", DateTimes.formatDate(LocalDate.of(1993, 8, 22)));
        assertEquals("00010101", DateTimes.formatDate(LocalDate.of(1, 1, 1)));
    }

    @Test
    void dateRanges() {
        DateRange r = DateTimes.parseDateRange("20240101-20241231");
        assertEquals(new DateRange(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 12, 31)), r);
        assertTrue(r.contains(LocalDate.of(2024, 12, 31)));
        assertFalse(r.contains(LocalDate.of(2025, 1, 1)));

        DateRange upTo = DateTimes.parseDateRange("-20240131");
        assertNull(upTo.start());
        assertTrue(upTo.contains(LocalDate.of(1900, 1, 1)));

        DateRange from = DateTimes.parseDateRange("20240131-");
        assertNull(from.end());
        assertFalse(from.contains(LocalDate.of(2024, 1, 30)));

        assertEquals(new DateRange(LocalDate.of(2024, 1, 31), LocalDate.of(2024, 1, 31)), DateTimes.parseDateRange("20240131"));
        assertEquals(new DateRange(LocalDate.of(1993, 1, 1), LocalDate.of(1993, 12, 31)), DateTimes.parseDateRange("1993.01.01-1993.12.31"));
        assertThrows(IllegalArgumentException.class, () -> DateTimes.parseDateRange("-"));
        assertThrows(IllegalArgumentException.class, () -> DateTimes.parseDateRange("2024-"));
    }

    // ---- TM ----

    @Test
    void parsesTimes() {
        assertEquals(LocalTime.of(7, 0), DateTimes.parseTime("07"));
        assertEquals(LocalTime.of(7, 30), DateTimes.parseTime("0730"));
        assertEquals(LocalTime.of(7, 30, 15), DateTimes.parseTime("073015"));
        assertEquals(LocalTime.of(7, 30, 15, 100_000_000), DateTimes.parseTime("073015.1"));
        assertEquals(LocalTime.of(7, 30, 15, 123_456_000), DateTimes.parseTime("073015.123456 "));
        assertEquals(LocalTime.of(7, 30, 15), DateTimes.parseTime("073015."));
        assertEquals(LocalTime.of(7, 30, 15), DateTimes.parseTime("07:30:15"));
        assertEquals(LocalTime.of(7, 30), DateTimes.parseTime("07:30"));
        assertEquals(LocalTime.of(23, 59, 59, 999_999_000), DateTimes.parseTime("235960"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "7", "073", "2400", "0760", "073015.1234567", "07:30:1", "7:30", "0730 15", "073015,1"})
    void rejectsBadTimes(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DateTimes.parseTime(value));
        assertTrue(e.getMessage().contains("\"" + value + "\""), e.getMessage());
    }

    @Test
    void formatsTimes() {
        assertEquals("073015", DateTimes.formatTime(LocalTime.of(7, 30, 15)));
        assertEquals("073015.000001", DateTimes.formatTime(LocalTime.of(7, 30, 15, 1_000)));
        assertEquals("073015", DateTimes.formatTime(LocalTime.of(7, 30, 15, 999))); // below DICOM's resolution
        assertEquals("235959.999999", DateTimes.formatTime(LocalTime.MAX));
    }

    @Test
    void timeRangesCoverTheWholeUpperPeriod() {
        TimeRange r = DateTimes.parseTimeRange("0800-1030");
        assertEquals(LocalTime.of(8, 0), r.start());
        assertEquals(LocalTime.of(10, 30, 59, 999_999_000), r.end());
        assertTrue(r.contains(LocalTime.of(10, 30, 59)));
        assertFalse(r.contains(LocalTime.of(10, 31)));

        assertEquals(new TimeRange(null, LocalTime.of(10, 59, 59, 999_999_000)), DateTimes.parseTimeRange("-10"));
        assertEquals(new TimeRange(LocalTime.of(10, 0), null), DateTimes.parseTimeRange("10-"));
        assertEquals(new TimeRange(LocalTime.of(10, 0), LocalTime.of(10, 59, 59, 999_999_000)), DateTimes.parseTimeRange("10"));
        assertEquals(LocalTime.of(10, 30, 0, 199_999_000), DateTimes.parseTimeRange("-103000.1").end());
        assertThrows(IllegalArgumentException.class, () -> DateTimes.parseTimeRange("-"));
        assertThrows(IllegalArgumentException.class, () -> DateTimes.parseTimeRange("10-25"));
    }

    // ---- DT ----

    @Test
    void parsesDateTimes() {
        assertEquals(LocalDateTime.of(2024, 1, 1, 0, 0), DateTimes.parseDateTime("2024"));
        assertEquals(LocalDateTime.of(2024, 3, 1, 0, 0), DateTimes.parseDateTime("202403"));
        assertEquals(LocalDateTime.of(2024, 3, 5, 14, 0), DateTimes.parseDateTime("2024030514"));
        assertEquals(LocalDateTime.of(2024, 3, 5, 14, 7, 9, 500_000_000), DateTimes.parseDateTime("20240305140709.5"));
        assertEquals(LocalDateTime.of(2024, 3, 5, 14, 7, 9), DateTimes.parseDateTime("20240305140709-0500"));
    }

    @Test
    void dateTimeOffsets() {
        assertEquals(OffsetDateTime.of(2024, 3, 5, 14, 7, 9, 0, ZoneOffset.ofHours(-5)),
                DateTimes.parseDateTime("20240305140709-0500", PLUS_ONE));
        assertEquals(OffsetDateTime.of(2024, 3, 5, 14, 7, 9, 0, ZoneOffset.ofHoursMinutes(5, 30)),
                DateTimes.parseDateTime("20240305140709+0530", PLUS_ONE));
        assertEquals(OffsetDateTime.of(2024, 3, 5, 14, 7, 9, 0, PLUS_ONE), DateTimes.parseDateTime("20240305140709", PLUS_ONE));
        assertEquals(OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), DateTimes.parseDateTime("2024+0000", PLUS_ONE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "202", "2024031", "20240230", "2024030524", "20240305140709.1234567", "2024+05", "2024+0560",
        "20240305 140709", "2024-03-05"})
    void rejectsBadDateTimes(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DateTimes.parseDateTime(value));
        assertTrue(e.getMessage().contains("\"" + value + "\""), e.getMessage());
    }

    @Test
    void formatsDateTimes() {
        assertEquals("20240305140709", DateTimes.formatDateTime(LocalDateTime.of(2024, 3, 5, 14, 7, 9)));
        assertEquals("20240305140709.250000-0530",
                DateTimes.formatDateTime(OffsetDateTime.of(2024, 3, 5, 14, 7, 9, 250_000_000, ZoneOffset.ofHoursMinutes(-5, -30))));
        assertEquals("20240305000000+0000", DateTimes.formatDateTime(OffsetDateTime.of(2024, 3, 5, 0, 0, 0, 0, ZoneOffset.UTC)));
    }

    @Test
    void dateTimeRanges() {
        DateTimeRange r = DateTimes.parseDateTimeRange("2023-2024", ZoneOffset.UTC);
        assertEquals(OffsetDateTime.of(2023, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), r.start());
        assertEquals(OffsetDateTime.of(2024, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.UTC), r.end());

        DateTimeRange feb = DateTimes.parseDateTimeRange("-202402", ZoneOffset.UTC);
        assertNull(feb.start());
        assertEquals(OffsetDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_000, ZoneOffset.UTC), feb.end());

        DateTimeRange from = DateTimes.parseDateTimeRange("202402011200-", ZoneOffset.UTC);
        assertEquals(OffsetDateTime.of(2024, 2, 1, 12, 0, 0, 0, ZoneOffset.UTC), from.start());
        assertNull(from.end());
    }

    @Test
    void dateTimeRangesWithNegativeOffsets() {
        DateTimeRange r = DateTimes.parseDateTimeRange("202401011000-0500-202401011200-0500", PLUS_ONE);
        ZoneOffset minus5 = ZoneOffset.ofHours(-5);
        assertEquals(OffsetDateTime.of(2024, 1, 1, 10, 0, 0, 0, minus5), r.start());
        assertEquals(OffsetDateTime.of(2024, 1, 1, 12, 0, 59, 999_999_000, minus5), r.end());
        // Compared as instants: 16:30 UTC is 11:30 at -0500.
        assertTrue(r.contains(OffsetDateTime.of(2024, 1, 1, 16, 30, 0, 0, ZoneOffset.UTC)));
        assertFalse(r.contains(OffsetDateTime.of(2024, 1, 1, 11, 30, 0, 0, ZoneOffset.UTC)));

        DateTimeRange open = DateTimes.parseDateTimeRange("20240101-0500-", PLUS_ONE);
        assertEquals(OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, minus5), open.start());
        assertNull(open.end());

        // One DT with an offset, not a range back to the year 500.
        DateTimeRange single = DateTimes.parseDateTimeRange("20240101-0500", PLUS_ONE);
        assertEquals(OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, minus5), single.start());
        assertEquals(OffsetDateTime.of(2024, 1, 1, 23, 59, 59, 999_999_000, minus5), single.end());

        assertThrows(IllegalArgumentException.class, () -> DateTimes.parseDateTimeRange("-", PLUS_ONE));
        assertThrows(IllegalArgumentException.class, () -> DateTimes.parseDateTimeRange("2024-x", PLUS_ONE));
    }
}
