package org.gridpacs.dicom.data;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DA, TM and DT values (PS3.5 6.2) to and from java.time, and the range forms used as C-FIND keys
 * (PS3.4 C.2.2.2.5).
 *
 * <p>TM and DT may leave out trailing components. Parsing fills them with their lowest value; the range
 * parsers fill an upper bound with the highest value instead, so that "-1030" includes 10:30:59.999999.
 * A leap second (SS = 60) becomes 59.999999 because java.time has no 60th second. Surrounding spaces
 * (padding) are ignored. Malformed input throws {@link IllegalArgumentException} naming the value.
 */
public final class DateTimes {

    private static final Pattern DA = Pattern.compile("(\\d{4})(\\d{2})(\\d{2})");
    /** ACR-NEMA 2.0 wrote dates with dots; old archives still hold such values. */
    private static final Pattern DA_ACR_NEMA = Pattern.compile("(\\d{4})\\.(\\d{2})\\.(\\d{2})");
    /** A fraction with no digits ("103000.") is tolerated because some writers emit it. */
    private static final Pattern TM = Pattern.compile("(\\d{2})(?:(\\d{2})(?:(\\d{2})(?:\\.(\\d{0,6}))?)?)?");
    /** ACR-NEMA 2.0 wrote times with colons. */
    private static final Pattern TM_ACR_NEMA = Pattern.compile("(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{0,6}))?)?");
    private static final Pattern DT = Pattern.compile(
            "(\\d{4})(?:(\\d{2})(?:(\\d{2})(?:(\\d{2})(?:(\\d{2})(?:(\\d{2})(?:\\.(\\d{0,6}))?)?)?)?)?)?([+-]\\d{4})?");

    /** Upper bounds stop at DICOM's resolution, the microsecond. */
    private static final LocalTime LAST_MICROSECOND = LocalTime.of(23, 59, 59, 999_999_000);

    private DateTimes() {
    }

    // ---- DA ----

    public static LocalDate parseDate(String da) {
        String s = trim(da, "DA");
        Matcher m = DA.matcher(s);
        if (!m.matches()) {
            m = DA_ACR_NEMA.matcher(s);
            if (!m.matches()) {
                throw bad("DA", da);
            }
        }
        try {
            return LocalDate.of(num(m, 1), num(m, 2), num(m, 3));
        } catch (DateTimeException e) {
            throw bad("DA", da, e);
        }
    }

    public static String formatDate(LocalDate date) {
        return String.format("%04d%02d%02d", date.getYear(), date.getMonthValue(), date.getDayOfMonth());
    }

    /** "A-B", "-B", "A-", or a single date (start and end equal). */
    public static DateRange parseDateRange(String value) {
        String s = trim(value, "DA range");
        int dash = s.indexOf('-');
        if (dash < 0) {
            LocalDate d = parseDate(s);
            return new DateRange(d, d);
        }
        String a = s.substring(0, dash).trim();
        String b = s.substring(dash + 1).trim();
        if (a.isEmpty() && b.isEmpty()) {
            throw bad("DA range", value);
        }
        return new DateRange(a.isEmpty() ? null : parseDate(a), b.isEmpty() ? null : parseDate(b));
    }

    // ---- TM ----

    /** The time, missing components as zero. */
    public static LocalTime parseTime(String tm) {
        return parseTime(tm, false);
    }

    private static LocalTime parseTime(String tm, boolean ceiling) {
        String s = trim(tm, "TM");
        Matcher m = TM.matcher(s);
        if (!m.matches()) {
            m = TM_ACR_NEMA.matcher(s);
            if (!m.matches()) {
                throw bad("TM", tm);
            }
        }
        try {
            return time(m, 1, ceiling);
        } catch (DateTimeException e) {
            throw bad("TM", tm, e);
        }
    }

    /** HHMMSS, with .FFFFFF only when there are (micro)seconds to show; nanoseconds beyond micros are cut. */
    public static String formatTime(LocalTime time) {
        String s = String.format("%02d%02d%02d", time.getHour(), time.getMinute(), time.getSecond());
        int micros = time.getNano() / 1000;
        return micros == 0 ? s : s + String.format(".%06d", micros);
    }

    /** "A-B", "-B", "A-", or a single time meaning the whole period it names ("10" = 10:00 to 10:59:59.999999). */
    public static TimeRange parseTimeRange(String value) {
        String s = trim(value, "TM range");
        int dash = s.indexOf('-');
        if (dash < 0) {
            return new TimeRange(parseTime(s, false), parseTime(s, true));
        }
        String a = s.substring(0, dash).trim();
        String b = s.substring(dash + 1).trim();
        if (a.isEmpty() && b.isEmpty()) {
            throw bad("TM range", value);
        }
        return new TimeRange(a.isEmpty() ? null : parseTime(a, false), b.isEmpty() ? null : parseTime(b, true));
    }

    // ---- DT ----

    /** The date and time as written, missing components at their lowest; an offset suffix is ignored. */
    public static LocalDateTime parseDateTime(String dt) {
        return parseDateTime(dt, ZoneOffset.UTC, false).toLocalDateTime();
    }

    /**
     * The instant the value names. Its own "&amp;ZZXX" suffix wins; otherwise {@code defaultOffset} applies,
     * which callers take from Timezone Offset From UTC (0008,0201) or the local zone.
     */
    public static OffsetDateTime parseDateTime(String dt, ZoneOffset defaultOffset) {
        return parseDateTime(dt, defaultOffset, false);
    }

    private static OffsetDateTime parseDateTime(String dt, ZoneOffset defaultOffset, boolean ceiling) {
        String s = trim(dt, "DT");
        Matcher m = DT.matcher(s);
        if (!m.matches()) {
            throw bad("DT", dt);
        }
        try {
            int year = num(m, 1);
            int month = m.group(2) != null ? num(m, 2) : ceiling ? 12 : 1;
            int day = m.group(3) != null ? num(m, 3) : ceiling ? YearMonth.of(year, month).lengthOfMonth() : 1;
            LocalDate date = LocalDate.of(year, month, day);
            LocalTime time = m.group(4) != null ? time(m, 4, ceiling) : ceiling ? LAST_MICROSECOND : LocalTime.MIDNIGHT;
            ZoneOffset offset = m.group(8) != null ? offset(m.group(8)) : defaultOffset;
            return OffsetDateTime.of(date, time, offset);
        } catch (DateTimeException e) {
            throw bad("DT", dt, e);
        }
    }

    public static String formatDateTime(LocalDateTime dt) {
        return formatDate(dt.toLocalDate()) + formatTime(dt.toLocalTime());
    }

    /** With the "&amp;ZZXX" suffix, e.g. "20240131120000+0100". */
    public static String formatDateTime(OffsetDateTime dt) {
        int total = dt.getOffset().getTotalSeconds() / 60;
        return formatDateTime(dt.toLocalDateTime())
                + String.format("%c%02d%02d", total < 0 ? '-' : '+', Math.abs(total) / 60, Math.abs(total) % 60);
    }

    /**
     * "A-B", "-B", "A-", or a single DT meaning the whole period it names. Because '-' also starts a
     * negative offset, the separator is the first '-' that leaves a valid DT (or nothing) on both sides in
     * ascending order; "20240101-0500" is therefore one DT with offset -05:00, not a range back to year 500.
     */
    public static DateTimeRange parseDateTimeRange(String value, ZoneOffset defaultOffset) {
        String s = trim(value, "DT range");
        for (int dash = s.indexOf('-'); dash >= 0; dash = s.indexOf('-', dash + 1)) {
            DateTimeRange r = tryRange(s.substring(0, dash).trim(), s.substring(dash + 1).trim(), defaultOffset);
            if (r != null) {
                return r;
            }
        }
        return new DateTimeRange(parseDateTime(s, defaultOffset, false), parseDateTime(s, defaultOffset, true));
    }

    private static DateTimeRange tryRange(String a, String b, ZoneOffset defaultOffset) {
        if (a.isEmpty() && b.isEmpty()) {
            return null;
        }
        try {
            OffsetDateTime start = a.isEmpty() ? null : parseDateTime(a, defaultOffset, false);
            OffsetDateTime end = b.isEmpty() ? null : parseDateTime(b, defaultOffset, true);
            if (start != null && end != null && start.isAfter(end)) {
                return null;
            }
            return new DateTimeRange(start, end);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // ---- shared ----

    /** Builds a time from the four groups starting at {@code first}: hour, minute, second, fraction. */
    private static LocalTime time(Matcher m, int first, boolean ceiling) {
        int hour = num(m, first);
        String mm = m.group(first + 1);
        String ss = m.group(first + 2);
        String frac = m.group(first + 3);
        int minute = mm != null ? Integer.parseInt(mm) : ceiling ? 59 : 0;
        int second = ss != null ? Integer.parseInt(ss) : ceiling ? 59 : 0;
        int micros;
        if (frac != null && !frac.isEmpty()) {
            // "1" means 100000 us; as an upper bound it stands for everything up to 199999 us.
            int scale = (int) Math.pow(10, 6 - frac.length());
            micros = Integer.parseInt(frac) * scale + (ceiling ? scale - 1 : 0);
        } else {
            micros = ceiling ? 999_999 : 0;
        }
        if (second == 60) {
            second = 59;
            micros = 999_999;
        }
        return LocalTime.of(hour, minute, second, micros * 1000);
    }

    private static ZoneOffset offset(String s) {
        int sign = s.charAt(0) == '-' ? -1 : 1;
        return ZoneOffset.ofHoursMinutes(sign * Integer.parseInt(s.substring(1, 3)), sign * Integer.parseInt(s.substring(3, 5)));
    }

    private static int num(Matcher m, int group) {
        return Integer.parseInt(m.group(group));
    }

    private static String trim(String value, String what) {
        if (value == null) {
            throw new IllegalArgumentException("No " + what + " value (null)");
        }
        String s = value.trim();
        if (s.isEmpty()) {
            throw bad(what, value);
        }
        return s;
    }

    private static IllegalArgumentException bad(String what, String value) {
        return new IllegalArgumentException("Invalid " + what + " value: \"" + value + "\"");
    }

    private static IllegalArgumentException bad(String what, String value, DateTimeException cause) {
        return new IllegalArgumentException("Invalid " + what + " value: \"" + value + "\" (" + cause.getMessage() + ")", cause);
    }
}
