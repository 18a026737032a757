package org.gridpacs.archive.query;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.archive.index.MatchingValues;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.DateRange;
import org.gridpacs.dicom.data.DateTimes;
import org.gridpacs.dicom.data.ElementDictionary;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.TimeRange;

/**
 * Turns a matching key on a column into SQL (PS3.4 C.2.2.2): single value (=), list of UIDs (IN), wildcard
 * (LIKE, with an index range on the literal prefix), DA/TM range (&gt;=, &lt;=) and universal matching (nothing).
 * Values always travel as parameters. A key with several values (backslash) matches when any value does.
 */
final class ColumnMatcher {
    private ColumnMatcher() {
    }

    /**
     * The condition for this key, or null for universal matching; with {@code fuzzy}, person names match as
     * {@link FuzzyNames} says.
     */
    static Where.Fragment condition(Column col, DataSet identifier, boolean fuzzy) throws QueryException {
        if (fuzzy && col.kind() == Column.Kind.PERSON_NAME) {
            return fuzzyPersonName(col, identifier.getStrings(col.tag()));
        }
        return switch (col.kind()) {
            case COUNT -> null;
            case DATE -> dateRange(col.match(), identifier.getString(col.tag()), col.tag());
            case TIME -> timeRange(col.match(), identifier.getString(col.tag()), col.tag());
            case MODALITIES -> {
                Where.Fragment inner = anyValue("m.modality", "m.modality", identifier.getStrings(col.tag()), col);
                yield inner == null ? null : new Where.Fragment("EXISTS (SELECT 1 FROM series m WHERE m.study_fk = st.pk"
                        + " AND " + inner.sql() + ")", inner.params());
            }
            default -> anyValue(col.match(), col.select(), identifier.getStrings(col.tag()), col);
        };
    }

    /**
     * OR over the values; null when one of them is universal ("*"), or when there is no value at all. Empty
     * values among others (a trailing backslash in a UID list) are ignored rather than taken as universal.
     */
    private static Where.Fragment anyValue(String expr, String rawExpr, String[] values, Column col) throws QueryException {
        List<String> exact = new ArrayList<>();
        List<String> ors = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        for (String raw : values) {
            String v = raw.trim();
            if (v.isEmpty()) {
                continue;
            }
            if (Wildcards.isUniversal(v)) {
                return null;
            }
            switch (col.kind()) {
                case PERSON_NAME -> {
                    String norm = MatchingValues.personNameKey(v);
                    if (norm != null) {
                        add(expr, norm, exact, ors, params);
                    } else if (v.indexOf('=') >= 0) {
                        // only ideographic / phonetic groups in the key: match the name as stored, case-sensitively
                        add(rawExpr, v, exact, ors, params);
                    } else {
                        return null; // nothing but delimiters: matches everything
                    }
                }
                case INTEGER -> {
                    if (Wildcards.has(v)) {
                        ors.add("CAST(" + expr + " AS VARCHAR) LIKE ? ESCAPE '" + Wildcards.ESCAPE + "'");
                        params.add(Wildcards.toLike(v));
                    } else {
                        Integer n = MatchingValues.integer(v);
                        if (n == null) {
                            throw invalid(col.tag(), v);
                        }
                        exact.add(Integer.toString(n));
                    }
                }
                default -> add(expr, v, exact, ors, params);
            }
        }
        if (exact.isEmpty() && ors.isEmpty()) {
            return null;
        }
        List<Object> all = new ArrayList<>();
        List<String> terms = new ArrayList<>();
        if (!exact.isEmpty()) {
            terms.add(exact.size() == 1 ? expr + " = ?" : expr + " IN (" + "?, ".repeat(exact.size() - 1) + "?)");
            for (String e : exact) {
                all.add(col.kind() == Column.Kind.INTEGER ? Integer.valueOf(e) : e);
            }
        }
        terms.addAll(ors);
        all.addAll(params);
        String sql = terms.size() == 1 ? terms.get(0) : "(" + String.join(" OR ", terms) + ")";
        return new Where.Fragment(sql, all);
    }

    private static void add(String expr, String v, List<String> exact, List<String> ors, List<Object> params) {
        if (!Wildcards.has(v)) {
            exact.add(v);
            return;
        }
        String like = expr + " LIKE ? ESCAPE '" + Wildcards.ESCAPE + "'";
        String prefix = Wildcards.literalPrefix(v);
        String upper = prefix.isEmpty() ? null : Wildcards.successor(prefix);
        if (upper != null) {
            // the range lets the database scan the index for the prefix, whatever it makes of LIKE with a parameter
            ors.add("(" + expr + " >= ? AND " + expr + " < ? AND " + like + ")");
            params.add(prefix);
            params.add(upper);
        } else {
            ors.add(like);
        }
        params.add(Wildcards.toLike(v));
    }

    /** OR over the values, each a {@link FuzzyNames} match; null when one of them matches every name. */
    private static Where.Fragment fuzzyPersonName(Column col, String[] values) {
        List<String> terms = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        for (String v : values) {
            if (v.isBlank()) {
                continue;
            }
            List<String> words = FuzzyNames.words(v);
            if (words.isEmpty() && v.indexOf('=') >= 0) {
                // only ideographic / phonetic groups: matched as stored, as without fuzzy matching
                terms.add(col.select() + " = ?");
                params.add(v.trim());
                continue;
            }
            if (words.isEmpty()) {
                return null;
            }
            Where.Fragment f = FuzzyNames.condition(col.match(), words);
            terms.add("(" + f.sql() + ")");
            params.addAll(f.params());
        }
        if (terms.isEmpty()) {
            return null;
        }
        return new Where.Fragment(terms.size() == 1 ? terms.get(0) : "(" + String.join(" OR ", terms) + ")", params);
    }

    static Where.Fragment dateRange(String expr, String value, int tag) throws QueryException {
        if (value == null || Wildcards.isUniversal(value.trim())) {
            return null;
        }
        DateRange r;
        try {
            r = DateTimes.parseDateRange(value);
        } catch (IllegalArgumentException e) {
            throw invalid(tag, value);
        }
        return range(expr, r.start(), r.end());
    }

    static Where.Fragment timeRange(String expr, String value, int tag) throws QueryException {
        if (value == null || Wildcards.isUniversal(value.trim())) {
            return null;
        }
        TimeRange r;
        try {
            r = DateTimes.parseTimeRange(value);
        } catch (IllegalArgumentException e) {
            throw invalid(tag, value);
        }
        return range(expr, r.start(), r.end());
    }

    private static Where.Fragment range(String expr, Object start, Object end) {
        if (start != null && end != null) {
            return new Where.Fragment(expr + " BETWEEN ? AND ?", List.of(start, end));
        }
        return start != null ? new Where.Fragment(expr + " >= ?", List.of(start))
                : new Where.Fragment(expr + " <= ?", List.of(end));
    }

    /**
     * Study Date and Study Time as one range (C.2.2.2.5.1): from the start date at the start time to the end date
     * at the end time. An absent time bound is the start or end of the day.
     */
    static Where.Fragment combinedStudyDateTime(DataSet identifier) throws QueryException {
        String da = identifier.getString(Tag.StudyDate);
        String tm = identifier.getString(Tag.StudyTime);
        if (da == null || Wildcards.isUniversal(da.trim()) || tm == null || Wildcards.isUniversal(tm.trim())) {
            return null;
        }
        DateRange d;
        TimeRange t;
        try {
            d = DateTimes.parseDateRange(da);
        } catch (IllegalArgumentException e) {
            throw invalid(Tag.StudyDate, da);
        }
        try {
            t = DateTimes.parseTimeRange(tm);
        } catch (IllegalArgumentException e) {
            throw invalid(Tag.StudyTime, tm);
        }
        List<String> terms = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (d.start() != null) {
            LocalTime from = t.start() != null ? t.start() : LocalTime.MIN;
            // the plain date bound lets the (study_date, study_time) index narrow the scan
            terms.add("st.study_date >= ? AND (st.study_date > ? OR st.study_time >= ?)");
            params.addAll(List.of(d.start(), d.start(), from));
        }
        if (d.end() != null) {
            LocalTime to = t.end() != null ? t.end() : LocalTime.MAX;
            terms.add("st.study_date <= ? AND (st.study_date < ? OR st.study_time <= ?)");
            params.addAll(List.of(d.end(), d.end(), to));
        }
        return new Where.Fragment(String.join(" AND ", terms), params);
    }

    static QueryException invalid(int tag, String value) {
        return QueryException.badIdentifier("invalid " + ElementDictionary.keywordOf(tag) + " "
                + ElementDictionary.toString(tag) + " matching key: \"" + value + "\"");
    }
}
