package org.gridpacs.archive.query;

/**
 * What the requester negotiated beyond the baseline (PS3.4 C.4.1.1.4 extended negotiation), and the paging a
 * QIDO-RS request asks for.
 *
 * @param relational       relational queries: the unique keys of the levels above the query level may be left out
 * @param combinedDateTime Study Date and Study Time ranges are matched as one date-time range (C.2.2.2.5.1)
 *                         instead of independently
 * @param fuzzyPersonNames fuzzy semantic matching of person names (C.2.2.2.1.1): each component of the key
 *                         (split on '^' and ' ') matches when some component of the name starts with it, case
 *                         insensitive, in any order
 * @param offset           matches skipped before the first one handed on (QIDO-RS {@code offset})
 * @param limit            at most this many matches handed on, {@link #UNLIMITED} for all (QIDO-RS {@code limit})
 */
public record QueryOptions(boolean relational, boolean combinedDateTime, boolean fuzzyPersonNames, long offset,
                           long limit) {
    public static final long UNLIMITED = -1;
    public static final QueryOptions DEFAULT = new QueryOptions(false, false);

    public QueryOptions {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        if (limit < 0 && limit != UNLIMITED) {
            throw new IllegalArgumentException("negative limit " + limit);
        }
    }

    public QueryOptions(boolean relational, boolean combinedDateTime) {
        this(relational, combinedDateTime, false, 0, UNLIMITED);
    }

    public QueryOptions withFuzzyPersonNames(boolean fuzzy) {
        return new QueryOptions(relational, combinedDateTime, fuzzy, offset, limit);
    }

    /** Skips {@code offset} matches, then hands on at most {@code limit} ({@link #UNLIMITED} for all). */
    public QueryOptions withPaging(long offset, long limit) {
        return new QueryOptions(relational, combinedDateTime, fuzzyPersonNames, offset, limit);
    }

    boolean paged() {
        return offset > 0 || limit != UNLIMITED;
    }
}
