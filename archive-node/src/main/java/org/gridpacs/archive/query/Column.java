package org.gridpacs.archive.query;

/**
 * An attribute the index keeps in a column (or computes from columns).
 *
 * @param tag    the attribute
 * @param level  the level it belongs to
 * @param select the SQL expression returned
 * @param match  the SQL expression matched against (a normalised column for person names)
 * @param kind   how it is matched and converted
 */
record Column(int tag, QueryLevel level, String select, String match, Kind kind) {

    enum Kind {
        /** single value or list of UIDs */
        UID,
        /** single value and wildcard matching, case-sensitive */
        TEXT,
        /** case-insensitive on the normalised alphabetic group */
        PERSON_NAME,
        /** DA, range matching on a DATE column */
        DATE,
        /** TM, range matching on a TIME column */
        TIME,
        /** IS kept as INT */
        INTEGER,
        /** Modalities in Study: matches when any series of the study matches */
        MODALITIES,
        /** a computed count: returned, never matched */
        COUNT
    }

    Column(int tag, QueryLevel level, String select, Kind kind) {
        this(tag, level, select, select, kind);
    }
}
