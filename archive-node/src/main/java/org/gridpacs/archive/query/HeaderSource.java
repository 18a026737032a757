package org.gridpacs.archive.query;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.gridpacs.dicom.data.DataSet;

/**
 * The stored header that stands for an entity of the query level: the instance's own at IMAGE level, otherwise
 * that of the entity's first instance (lowest key, the first one stored). Read on demand, one statement per level
 * prepared once per query.
 */
final class HeaderSource implements AutoCloseable {
    private final PreparedStatement ps;

    HeaderSource(Connection c, QueryLevel level) throws SQLException {
        this.ps = c.prepareStatement(switch (level) {
            case IMAGE -> "SELECT header FROM instance WHERE pk = ?";
            case SERIES -> "SELECT header FROM instance WHERE series_fk = ? ORDER BY pk FETCH FIRST 1 ROWS ONLY";
            case STUDY -> "SELECT i.header FROM instance i JOIN series se ON se.pk = i.series_fk WHERE se.study_fk = ?"
                    + " ORDER BY i.pk FETCH FIRST 1 ROWS ONLY";
            case PATIENT -> "SELECT i.header FROM instance i JOIN series se ON se.pk = i.series_fk"
                    + " JOIN study st ON st.pk = se.study_fk WHERE st.patient_fk = ? ORDER BY i.pk FETCH FIRST 1 ROWS ONLY";
        });
    }

    /** The header for the entity with this primary key; an empty data set when there is none. */
    DataSet header(long pk) throws SQLException {
        ps.setLong(1, pk);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? decode(rs.getBytes(1)) : new DataSet();
        }
    }

    /** Decodes a stored header (a bare data set in Explicit VR Little Endian). */
    static DataSet decode(byte[] encoded) throws SQLException {
        try {
            return org.gridpacs.archive.index.StoredHeaders.decode(encoded);
        } catch (IOException e) {
            throw new SQLException("stored header does not decode: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws SQLException {
        ps.close();
    }
}
