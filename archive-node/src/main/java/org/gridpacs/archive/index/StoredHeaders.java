package org.gridpacs.archive.index;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.TransferSyntax;

/**
 * The stored headers of the instances of a study, series or instance, read from the index in a stable order
 * (series number, instance number; then order of indexing): what WADO-RS metadata is answered from, never
 * the files.
 *
 * <p>Memory stays bounded whatever the number of instances: one query lists the instances' keys (a few short
 * columns per row; an embedded H2 materialises a sorted result whole, so the headers are not in it), and their
 * headers are read {@value #BATCH} at a time by primary key, each handed on before the next batch is read.
 */
public final class StoredHeaders {
    static final int BATCH = 32;

    private final IndexDatabase db;

    public StoredHeaders(IndexDatabase db) {
        this.db = db;
    }

    /** One instance: its UIDs, the transfer syntax it is stored in, and its header. */
    public record Row(String studyInstanceUID, String seriesInstanceUID, String sopInstanceUID, String sopClassUID,
                      String transferSyntaxUID, byte[] encodedHeader) {
        /** The header as a data set, the record of left-out values included ({@link LeftOutValues}). */
        public DataSet header() throws IOException {
            return decode(encodedHeader);
        }
    }

    /** Receives the rows; may throw I/O errors (writing them to a client), which end the reading. */
    @FunctionalInterface
    public interface Visitor {
        void visit(Row row) throws IOException;
    }

    /**
     * Hands each instance of the study {@code study} (narrowed to series {@code series} and instance
     * {@code instance} when not null) to {@code visitor}, in order; returns how many there were.
     */
    public long forEach(String study, String series, String instance, Visitor visitor) throws SQLException, IOException {
        StringBuilder sql = new StringBuilder("SELECT i.pk, st.study_uid, se.series_uid, i.sop_uid, i.sop_class_uid,"
                + " i.transfer_syntax FROM study st JOIN series se ON se.study_fk = st.pk"
                + " JOIN instance i ON i.series_fk = se.pk WHERE st.study_uid = ?");
        List<Object> params = new ArrayList<>(List.of(study));
        if (series != null) {
            sql.append(" AND se.series_uid = ?");
            params.add(series);
        }
        if (instance != null) {
            sql.append(" AND i.sop_uid = ?");
            params.add(instance);
        }
        sql.append(" ORDER BY se.series_number NULLS LAST, se.pk, i.instance_number NULLS LAST, i.pk");
        try {
            return db.read(c -> {
                long n = 0;
                try (PreparedStatement ps = c.prepareStatement(sql.toString(), ResultSet.TYPE_FORWARD_ONLY,
                        ResultSet.CONCUR_READ_ONLY)) {
                    ps.setFetchSize(500);
                    Jdbc.bind(ps, params);
                    try (ResultSet rs = ps.executeQuery()) {
                        List<Row> batch = new ArrayList<>(BATCH);
                        List<Long> keys = new ArrayList<>(BATCH);
                        while (rs.next()) {
                            keys.add(rs.getLong(1));
                            batch.add(new Row(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                    rs.getString(6), null));
                            if (batch.size() == BATCH) {
                                n += send(c, keys, batch, visitor);
                            }
                        }
                        n += send(c, keys, batch, visitor);
                    }
                }
                return n;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static int send(Connection c, List<Long> keys, List<Row> batch, Visitor visitor) throws SQLException {
        if (keys.isEmpty()) {
            return 0;
        }
        Map<Long, byte[]> headers = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT pk, header FROM instance WHERE pk IN ("
                + "?, ".repeat(keys.size() - 1) + "?)")) {
            Jdbc.bind(ps, keys);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    headers.put(rs.getLong(1), rs.getBytes(2));
                }
            }
        }
        int n = 0;
        try {
            for (int k = 0; k < batch.size(); k++) {
                Row r = batch.get(k);
                byte[] header = headers.get(keys.get(k));
                visitor.visit(new Row(r.studyInstanceUID(), r.seriesInstanceUID(), r.sopInstanceUID(), r.sopClassUID(),
                        r.transferSyntaxUID(), header == null ? new byte[0] : header));
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        keys.clear();
        batch.clear();
        return n;
    }

    /**
     * Why there is no instance for these UIDs, naming the first that is not in the index ("no study 1.2.3",
     * "no series 1.2.4 in study 1.2.3", ...); null when there are instances.
     */
    public String whatIsMissing(String study, String series, String instance) throws SQLException {
        return db.read(c -> {
            if (Jdbc.queryLong(c, "SELECT pk FROM study WHERE study_uid = ?", study) == null) {
                return "no study " + study;
            }
            if (series != null && Jdbc.queryLong(c, "SELECT se.pk FROM series se JOIN study st ON st.pk = se.study_fk"
                    + " WHERE st.study_uid = ? AND se.series_uid = ?", study, series) == null) {
                return "no series " + series + " in study " + study;
            }
            if (instance != null && Jdbc.queryLong(c, "SELECT i.pk FROM instance i JOIN series se ON se.pk = i.series_fk"
                    + " JOIN study st ON st.pk = se.study_fk WHERE st.study_uid = ? AND se.series_uid = ?"
                    + " AND i.sop_uid = ?", study, series, instance) == null) {
                return "no instance " + instance + " in series " + series + " of study " + study;
            }
            if (Jdbc.queryLong(c, "SELECT i.pk FROM instance i JOIN series se ON se.pk = i.series_fk"
                    + " JOIN study st ON st.pk = se.study_fk WHERE st.study_uid = ? FETCH FIRST 1 ROWS ONLY", study) == null) {
                return "no instance in study " + study;
            }
            return null;
        });
    }

    /** Decodes a stored header (a bare data set in Explicit VR Little Endian); empty for none. */
    public static DataSet decode(byte[] encoded) throws IOException {
        if (encoded == null || encoded.length == 0) {
            return new DataSet();
        }
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(encoded), 8192)) {
            in.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            return in.readDataSet();
        }
    }
}
