package org.gridpacs.archive.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.gridpacs.archive.query.CompiledQuery.ReturnKey;
import org.gridpacs.archive.query.CompiledQuery.Source;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.ElementDictionary;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;

/**
 * Builds the SQL of a C-FIND: one row per entity of the query level (joined up to its patient, so that keys of
 * the levels above can be matched and returned too), the matching keys as conditions with parameters, ordered by
 * primary key so that the same query gives the same order.
 */
final class QueryBuilder {
    private QueryBuilder() {
    }

    static CompiledQuery build(QueryLevel level, DataSet identifier, QueryOptions options) throws QueryException {
        if (!options.relational()) {
            checkHierarchy(level, identifier);
        }
        Where where = new Where();
        List<String> select = new ArrayList<>();
        select.add(pkOf(level));
        Map<Integer, ReturnKey> keys = new LinkedHashMap<>();
        List<Predicate<DataSet>> headerMatches = new ArrayList<>();
        // whether every condition is on the query level's own table (then that table drives the query)
        boolean onlyOwnLevel = true;
        boolean combined = options.combinedDateTime() && level != QueryLevel.PATIENT;
        if (combined) {
            Where.Fragment f = ColumnMatcher.combinedStudyDateTime(identifier);
            combined = f != null;
            if (combined) {
                where.add(f);
                onlyOwnLevel &= level == QueryLevel.STUDY;
            }
        }
        boolean needsHeader = false;
        for (int k = 0; k < identifier.size(); k++) {
            int tag = identifier.tagAt(k);
            if ((tag & 0xFFFF) == 0 || KeyCatalog.CONTROL.contains(tag)) {
                if (tag == Tag.InstanceAvailability) {
                    keys.put(tag, new ReturnKey(tag, VR.CS, Source.AVAILABILITY, 0, null));
                }
                continue;
            }
            Column col = KeyCatalog.column(tag);
            if (col == null) {
                keys.put(tag, new ReturnKey(tag, vrOf(identifier, tag), Source.HEADER, 0, null));
                needsHeader = true;
                Predicate<DataSet> test = HeaderMatcher.compile(tag, identifier, options.fuzzyPersonNames());
                if (test != null) {
                    headerMatches.add(test);
                }
            } else if (!col.level().isAtOrAbove(level)) {
                keys.put(tag, new ReturnKey(tag, vrOf(identifier, tag), Source.EMPTY, 0, null));
            } else {
                select.add(col.select());
                keys.put(tag, new ReturnKey(tag, ElementDictionary.vrOf(tag), Source.COLUMN, select.size(), col.kind()));
                boolean dateTime = tag == Tag.StudyDate || tag == Tag.StudyTime;
                Where.Fragment f = combined && dateTime ? null : ColumnMatcher.condition(col, identifier, options.fuzzyPersonNames());
                if (f != null) {
                    where.add(f);
                    onlyOwnLevel &= col.level() == level;
                }
            }
        }
        // the unique key of the level is always returned (PS3.4 C.4.1.2.1)
        int unique = level.uniqueKey();
        if (!keys.containsKey(unique)) {
            Column col = KeyCatalog.column(unique);
            select.add(col.select());
            keys.put(unique, new ReturnKey(unique, ElementDictionary.vrOf(unique), Source.COLUMN, select.size(), col.kind()));
        }
        if (level == QueryLevel.PATIENT) {
            // a patient whose studies were all deleted is no longer in the archive
            where.add("EXISTS (SELECT 1 FROM study x WHERE x.patient_fk = p.pk)");
        }
        String pk = pkOf(level);
        List<Object> params = new ArrayList<>(where.params());
        long offset = options.offset();
        long limit = options.limit();
        String sql;
        if (options.paged() && headerMatches.isEmpty()) {
            // every row is a match: the database pages. With conditions on the level's own table only, the page
            // is cut from that table alone, in primary key order, and only its rows are joined to the levels
            // above: offset 100 000 then skips index entries, not joined rows.
            String page = " OFFSET ? ROWS" + (limit == QueryOptions.UNLIMITED ? "" : " FETCH NEXT ? ROWS ONLY");
            params.add(offset);
            if (limit != QueryOptions.UNLIMITED) {
                params.add(limit);
            }
            if (onlyOwnLevel && level != QueryLevel.PATIENT) {
                String table = tableOf(level);
                sql = "SELECT " + String.join(", ", select) + " FROM (SELECT " + pk + " AS page_pk FROM " + table
                        + where.sql() + " ORDER BY " + pk + page + ") page LEFT JOIN " + table + " ON " + pk
                        + " = page.page_pk" + joinsAbove(level, true) + " ORDER BY " + pk;
            } else {
                sql = "SELECT " + String.join(", ", select) + " FROM " + fromOf(level, onlyOwnLevel) + where.sql()
                        + " ORDER BY " + pk + page;
            }
            offset = 0;
            limit = QueryOptions.UNLIMITED;
        } else {
            // with paging left to the matches of the header tests, or none, the rows stream in primary key order
            sql = "SELECT " + String.join(", ", select) + " FROM " + fromOf(level, onlyOwnLevel) + where.sql()
                    + " ORDER BY " + pk;
        }
        return new CompiledQuery(level, sql, params, List.copyOf(keys.values()), headerMatches, needsHeader,
                offset, limit);
    }

    /**
     * Hierarchical search (C.4.1.3.1.1): below the study level, the unique keys of the study (and, for IMAGE,
     * the series) must be given. Patient ID is not required at study level and below: an SCU asking by Study
     * Instance UID in the Patient Root model gets its answer.
     */
    private static void checkHierarchy(QueryLevel level, DataSet identifier) throws QueryException {
        for (QueryLevel above = QueryLevel.STUDY; above.ordinal() < level.ordinal();
                above = QueryLevel.values()[above.ordinal() + 1]) {
            String v = identifier.getString(above.uniqueKey());
            if (v == null || v.isBlank() || Wildcards.has(v)) {
                throw QueryException.badIdentifier(level + " level query without " + ElementDictionary.keywordOf(
                        above.uniqueKey()) + " " + ElementDictionary.toString(above.uniqueKey())
                        + " (required for a hierarchical query; relational queries were not negotiated)");
            }
        }
    }

    private static VR vrOf(DataSet identifier, int tag) {
        VR vr = identifier.vrOf(tag);
        if (vr == null || vr == VR.UN) {
            VR dict = ElementDictionary.vrOf(tag);
            return dict != null ? dict : VR.UN;
        }
        return vr;
    }

    static String pkOf(QueryLevel level) {
        return switch (level) {
            case PATIENT -> "p.pk";
            case STUDY -> "st.pk";
            case SERIES -> "se.pk";
            case IMAGE -> "i.pk";
        };
    }

    /**
     * The query level's table joined up to its patient. With {@code ownTableDrives} (no condition on the tables
     * above) the joins are LEFT JOINs, which the database may not reorder: it then reads the level's table in
     * primary key order (the order asked for, so no sort, and a limit stops the scan early) instead of starting
     * from the smaller patient table and sorting everything. Every row has its parents (foreign keys, NOT NULL),
     * so the rows are the same either way.
     */
    private static String fromOf(QueryLevel level, boolean ownTableDrives) {
        return tableOf(level) + joinsAbove(level, ownTableDrives);
    }

    private static String tableOf(QueryLevel level) {
        return switch (level) {
            case PATIENT -> "patient p";
            case STUDY -> "study st";
            case SERIES -> "series se";
            case IMAGE -> "instance i";
        };
    }

    private static String joinsAbove(QueryLevel level, boolean left) {
        String join = left ? " LEFT JOIN " : " JOIN ";
        String toPatient = join + "patient p ON p.pk = st.patient_fk";
        String toStudy = join + "study st ON st.pk = se.study_fk" + toPatient;
        return switch (level) {
            case PATIENT -> "";
            case STUDY -> toPatient;
            case SERIES -> toStudy;
            case IMAGE -> join + "series se ON se.pk = i.series_fk" + toStudy;
        };
    }
}
