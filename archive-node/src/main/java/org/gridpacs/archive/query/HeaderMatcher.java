package org.gridpacs.archive.query;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.gridpacs.archive.index.MatchingValues;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.DateRange;
import org.gridpacs.dicom.data.DateTimeRange;
import org.gridpacs.dicom.data.DateTimes;
import org.gridpacs.dicom.data.ElementDictionary;
import org.gridpacs.dicom.data.TimeRange;
import org.gridpacs.dicom.data.VR;

/**
 * Matching keys on attributes the index has no column for, applied in memory to the stored header of the entity
 * (at series, study and patient level: of its first instance) after the SQL query. Same rules as the columns:
 * single value, wildcard, DA/TM/DT range, UID list; person names case-insensitive on the alphabetic group. An
 * attribute absent from the header does not match a non-universal key. Sequence matching is not supported: a
 * sequence key is a return key only.
 */
final class HeaderMatcher {
    private HeaderMatcher() {
    }

    /** The test for one key, or null for universal matching; an invalid key value fails the query. */
    static Predicate<DataSet> compile(int tag, DataSet identifier, boolean fuzzy) throws QueryException {
        VR vr = identifier.vrOf(tag);
        if (vr == null || vr == VR.UN) {
            vr = ElementDictionary.vrOf(tag);
        }
        if (vr == VR.SQ || vr == null) {
            return null;
        }
        String key = identifier.getString(tag);
        if (key == null || Wildcards.isUniversal(key.trim())) {
            return null;
        }
        try {
            return switch (vr) {
                case DA -> {
                    DateRange r = DateTimes.parseDateRange(key);
                    yield anyHeaderValue(tag, v -> r.contains(DateTimes.parseDate(v)));
                }
                case TM -> {
                    TimeRange r = DateTimes.parseTimeRange(key);
                    yield anyHeaderValue(tag, v -> r.contains(DateTimes.parseTime(v)));
                }
                case DT -> {
                    DateTimeRange r = DateTimes.parseDateTimeRange(key, ZoneOffset.UTC);
                    yield anyHeaderValue(tag, v -> r.contains(DateTimes.parseDateTime(v, ZoneOffset.UTC)));
                }
                case PN -> fuzzy ? fuzzyPersonName(tag, identifier.getStrings(tag))
                        : personName(tag, identifier.getStrings(tag));
                default -> text(tag, identifier.getStrings(tag));
            };
        } catch (IllegalArgumentException e) {
            throw ColumnMatcher.invalid(tag, key);
        }
    }

    private static Predicate<DataSet> personName(int tag, String[] keys) {
        List<Predicate<String>> tests = new ArrayList<>();
        for (String k : keys) {
            if (k.isBlank()) {
                continue;
            }
            String norm = MatchingValues.personNameKey(k);
            if (Wildcards.isUniversal(k.trim()) || norm == null && k.indexOf('=') < 0) {
                return null;
            }
            if (norm != null) {
                Predicate<String> p = valueTest(norm);
                tests.add(v -> {
                    String n = MatchingValues.personNameKey(v);
                    return n != null && p.test(n);
                });
            } else {
                tests.add(valueTest(k.trim()));
            }
        }
        if (tests.isEmpty()) {
            return null;
        }
        return anyHeaderValue(tag, v -> tests.stream().anyMatch(t -> t.test(v)));
    }

    private static Predicate<DataSet> fuzzyPersonName(int tag, String[] keys) {
        List<Predicate<String>> tests = new ArrayList<>();
        for (String k : keys) {
            if (k.isBlank()) {
                continue;
            }
            List<String> words = FuzzyNames.words(k);
            if (words.isEmpty() && k.indexOf('=') >= 0) {
                tests.add(valueTest(k.trim()));
                continue;
            }
            if (words.isEmpty()) {
                return null;
            }
            Predicate<String> t = FuzzyNames.test(words);
            tests.add(v -> t.test(MatchingValues.personNameKey(v)));
        }
        if (tests.isEmpty()) {
            return null;
        }
        return anyHeaderValue(tag, v -> tests.stream().anyMatch(t -> t.test(v)));
    }

    private static Predicate<DataSet> text(int tag, String[] keys) {
        List<Predicate<String>> tests = new ArrayList<>();
        for (String k : keys) {
            if (k.isBlank()) {
                continue;
            }
            if (Wildcards.isUniversal(k.trim())) {
                return null;
            }
            tests.add(valueTest(k.trim()));
        }
        if (tests.isEmpty()) {
            return null;
        }
        return anyHeaderValue(tag, v -> tests.stream().anyMatch(t -> t.test(v)));
    }

    /** Case-sensitive: person names arrive here already normalised to upper case. */
    private static Predicate<String> valueTest(String key) {
        if (!Wildcards.has(key)) {
            return key::equals;
        }
        Pattern p = Wildcards.toRegex(key);
        return v -> p.matcher(v).matches();
    }

    /** True when any value of the attribute in the header passes; values that do not parse never do. */
    private static Predicate<DataSet> anyHeaderValue(int tag, Predicate<String> test) {
        return header -> {
            for (String v : header.getStrings(tag)) {
                if (v.isEmpty()) {
                    continue;
                }
                try {
                    if (test.test(v.trim())) {
                        return true;
                    }
                } catch (IllegalArgumentException malformed) {
                    // a value the header holds but that is not valid for its VR matches nothing
                }
            }
            return false;
        };
    }
}
