package org.gridpacs.archive.query;

/**
 * What the requester negotiated beyond the baseline (PS3.4 C.4.1.1.4 extended negotiation).
 *
 * @param relational       relational queries: the unique keys of the levels above the query level may be left out
 * @param combinedDateTime Study Date and Study Time ranges are matched as one date-time range (C.2.2.2.5.1)
 *                         instead of independently
 */
public record QueryOptions(boolean relational, boolean combinedDateTime) {
    public static final QueryOptions DEFAULT = new QueryOptions(false, false);
}
