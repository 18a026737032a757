package org.gridpacs.archive.index;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@link IndexedInstance}s with their locations from one joined query, for the index itself and for the
 * retrieve side of the query service: select {@link #COLUMNS} from {@link #FROM} with any condition, ordered so
 * that the rows of one instance follow each other (its location rows, in location order).
 */
public final class InstanceRows {
    /** Instance columns, then the location columns (NULL for an instance without a location). */
    public static final String COLUMNS = "i.pk, i.sop_uid, i.sop_class_uid, st.study_uid, se.series_uid, "
            + "i.transfer_syntax, l.storage_id, l.storage_key, l.object_size, l.checksum, l.status";
    /** Instance, series, study, patient (aliases i, se, st, p) and the locations (alias l). */
    public static final String FROM = "instance i JOIN series se ON se.pk = i.series_fk"
            + " JOIN study st ON st.pk = se.study_fk JOIN patient p ON p.pk = st.patient_fk"
            + " LEFT JOIN location l ON l.instance_fk = i.pk";
    /** As {@link #FROM} without the patient: one join less for H2 to plan and run when no condition needs it. */
    public static final String FROM_SERIES_STUDY = "instance i JOIN series se ON se.pk = i.series_fk"
            + " JOIN study st ON st.pk = se.study_fk LEFT JOIN location l ON l.instance_fk = i.pk";

    private InstanceRows() {
    }

    public static List<IndexedInstance> collect(ResultSet rs) throws SQLException {
        List<IndexedInstance> out = new ArrayList<>();
        long currentPk = Long.MIN_VALUE;
        String[] current = null;
        List<IndexedInstance.Location> locations = null;
        while (rs.next()) {
            long pk = rs.getLong(1);
            if (current == null || pk != currentPk) {
                if (current != null) {
                    out.add(instance(current, locations));
                }
                currentPk = pk;
                current = new String[] {rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)};
                locations = new ArrayList<>(1);
            }
            String storageId = rs.getString(7);
            if (storageId != null) {
                locations.add(new IndexedInstance.Location(storageId, rs.getString(8), rs.getLong(9), rs.getString(10),
                        rs.getString(11)));
            }
        }
        if (current != null) {
            out.add(instance(current, locations));
        }
        return out;
    }

    private static IndexedInstance instance(String[] c, List<IndexedInstance.Location> locations) {
        return new IndexedInstance(c[0], c[1], c[2], c[3], c[4], List.copyOf(locations));
    }
}
