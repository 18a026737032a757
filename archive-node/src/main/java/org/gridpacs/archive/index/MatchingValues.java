package org.gridpacs.archive.index;

import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Locale;

import org.gridpacs.dicom.data.DateTimes;
import org.gridpacs.dicom.data.PersonName;

/**
 * How attribute values become index column values, shared by the writer and the query side so that a stored
 * value and a matching key are normalised the same way.
 */
public final class MatchingValues {
    private MatchingValues() {
    }

    /**
     * The person name as matched: the alphabetic component group, components trimmed, trailing empty components
     * dropped, upper case (so matching is case-insensitive); null when that group is empty. Wildcard characters
     * pass through, so a key is normalised with the same function.
     */
    public static String personNameKey(String pn) {
        if (pn == null || pn.isBlank()) {
            return null;
        }
        String alphabetic = PersonName.parse(pn).toString();
        int eq = alphabetic.indexOf('=');
        if (eq >= 0) {
            alphabetic = alphabetic.substring(0, eq);
        }
        return alphabetic.isEmpty() ? null : alphabetic.toUpperCase(Locale.ROOT);
    }

    /** A DA value as a date, or null when absent or not a valid date. */
    public static LocalDate date(String da) {
        if (da == null || da.isBlank()) {
            return null;
        }
        try {
            return DateTimes.parseDate(da);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A TM value as a time (missing components zero), or null when absent or not a valid time. */
    public static LocalTime time(String tm) {
        if (tm == null || tm.isBlank()) {
            return null;
        }
        try {
            return DateTimes.parseTime(tm);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** An IS value (the first, if several), or null when absent or not an integer. */
    public static Integer integer(String is) {
        if (is == null || is.isBlank()) {
            return null;
        }
        String first = is.split("\\\\", -1)[0].trim();
        try {
            return Integer.valueOf(first);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Trimmed, or null when absent or empty. */
    public static String text(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim();
        return t.isEmpty() ? null : t;
    }
}
