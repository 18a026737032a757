package org.gridpacs.archive.query;

import java.util.List;
import java.util.function.Predicate;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.VR;

/**
 * A C-FIND identifier turned into SQL. The result set has the primary key of the query level's entity in column
 * 1, then the column return keys.
 *
 * @param headerMatches tests on attributes without a column, applied to the entity's stored header
 * @param needsHeader   whether any return key or test reads the stored header
 * @param offset        matches to skip after the header tests (paging the SQL could not do: 0 when it did)
 * @param limit         matches to hand on after those ({@link QueryOptions#UNLIMITED} when the SQL pages)
 */
record CompiledQuery(QueryLevel level, String sql, List<Object> params, List<ReturnKey> returnKeys,
                     List<Predicate<DataSet>> headerMatches, boolean needsHeader, long offset, long limit) {

    enum Source {
        /** from result set column {@link ReturnKey#column} */
        COLUMN,
        /** from the stored header */
        HEADER,
        /** asked for, but not an attribute of this level: returned empty */
        EMPTY,
        /** Instance Availability (0008,0056): everything indexed is ONLINE */
        AVAILABILITY
    }

    record ReturnKey(int tag, VR vr, Source source, int column, Column.Kind kind) {
    }
}
