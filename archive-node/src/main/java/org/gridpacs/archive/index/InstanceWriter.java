package org.gridpacs.archive.index;

import static org.gridpacs.archive.index.MatchingValues.date;
import static org.gridpacs.archive.index.MatchingValues.integer;
import static org.gridpacs.archive.index.MatchingValues.personNameKey;
import static org.gridpacs.archive.index.MatchingValues.text;
import static org.gridpacs.archive.index.MatchingValues.time;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.archive.storage.StoredObject;

/**
 * The changes of one store transaction. Nothing here handles races itself: when two transactions create the
 * same patient, study, series or instance, the database's unique constraints fail the later one, whose whole
 * transaction {@link IndexDatabase#inTransaction(SqlWork, boolean)} rolls back and runs again, now finding the
 * committed row. Aggregates are updated by increments on the study row, then the series row, in that order in
 * every transaction: the study row lock serialises the writers of one study, which is what keeps Modalities in
 * Study (recomputed after taking that lock) and the counts right.
 */
final class InstanceWriter {
    private final Connection c;
    private final OffsetDateTime now;

    InstanceWriter(Connection c, OffsetDateTime now) {
        this.c = c;
        this.now = now;
    }

    /** Where an instance goes: its series and study, and whether this transaction created the series. */
    private record Target(long seriesPk, long studyPk, boolean newSeries) {
    }

    /** False, changing nothing, when the SOP Instance UID is already indexed. */
    boolean insert(InstanceHeader h, StoredObject o, String sourceAET) throws SQLException {
        if (Jdbc.queryLong(c, "SELECT pk FROM instance WHERE sop_uid = ?", h.sopInstanceUID()) != null) {
            return false;
        }
        Target t = target(h);
        long pk = Jdbc.insert(c, "INSERT INTO instance (series_fk, sop_uid, sop_class_uid, instance_number,"
                        + " transfer_syntax, source_aet, received, header) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                t.seriesPk, h.sopInstanceUID(), h.sopClassUID(), integer(h.instanceNumber()), h.transferSyntaxUID(),
                text(sourceAET), now, h.encodedHeader());
        insertLocation(pk, o, h);
        countIn(t);
        return true;
    }

    /**
     * Points an indexed instance at a new object (and a new header); returns the locations it had. An instance
     * not yet indexed is inserted. When the new header names another series, the instance moves there.
     */
    List<IndexedInstance.Location> replace(InstanceHeader h, StoredObject o, String sourceAET) throws SQLException {
        long pk;
        long oldSeries;
        // FOR UPDATE: a concurrent replace of the same instance waits here, and then reads our new locations
        try (PreparedStatement ps = c.prepareStatement("SELECT pk, series_fk FROM instance WHERE sop_uid = ? FOR UPDATE")) {
            Jdbc.bind(ps, h.sopInstanceUID());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    insert(h, o, sourceAET);
                    return List.of();
                }
                pk = rs.getLong(1);
                oldSeries = rs.getLong(2);
            }
        }
        List<IndexedInstance.Location> old = locations(pk);
        long oldStudy = Jdbc.queryLong(c, "SELECT study_fk FROM series WHERE pk = ?", oldSeries);
        // before the instance moves: the old copies leave the digests of the study they were in
        CopyBuckets.delete(c, "l.instance_fk = ?", pk);
        Target t = target(h);
        Jdbc.update(c, "UPDATE instance SET series_fk = ?, sop_class_uid = ?, instance_number = ?, transfer_syntax = ?,"
                        + " source_aet = ?, received = ?, header = ? WHERE pk = ?",
                t.seriesPk, h.sopClassUID(), integer(h.instanceNumber()), h.transferSyntaxUID(), text(sourceAET), now,
                h.encodedHeader(), pk);
        insertLocation(pk, o, h);
        if (t.seriesPk != oldSeries) {
            countIn(t);
            countOut(oldStudy, oldSeries);
        }
        List<IndexedInstance.Location> replaced = new ArrayList<>(old);
        // never hand back the new object for removal, should the storage have reused its key
        replaced.removeIf(l -> l.storageId().equals(o.storageId()) && l.storageKey().equals(o.key()));
        return replaced;
    }

    /**
     * Removes one copy's location row; when it was the instance's last, the instance too (and its series and study
     * when they are left empty). False when no such row.
     */
    boolean withdraw(long instancePk, String storageId, String storageKey) throws SQLException {
        if (CopyBuckets.delete(c, "l.instance_fk = ? AND l.storage_id = ? AND l.storage_key = ?",
                instancePk, storageId, storageKey) == 0) {
            return false;
        }
        if (Jdbc.queryLong(c, "SELECT COUNT(*) FROM location WHERE instance_fk = ?", instancePk) == 0) {
            long seriesPk = Jdbc.queryLong(c, "SELECT series_fk FROM instance WHERE pk = ?", instancePk);
            long studyPk = Jdbc.queryLong(c, "SELECT study_fk FROM series WHERE pk = ?", seriesPk);
            // the study row first, as every writer of a study takes it (see the class comment)
            Jdbc.update(c, "UPDATE study SET updated = ? WHERE pk = ?", now, studyPk);
            Jdbc.update(c, "DELETE FROM instance WHERE pk = ?", instancePk);
            countOut(studyPk, seriesPk);
        }
        return true;
    }

    List<IndexedInstance.Location> locations(long instancePk) throws SQLException {
        List<IndexedInstance.Location> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT storage_id, storage_key, object_size, checksum, status"
                + " FROM location WHERE instance_fk = ? ORDER BY pk")) {
            Jdbc.bind(ps, instancePk);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new IndexedInstance.Location(rs.getString(1), rs.getString(2), rs.getLong(3),
                            rs.getString(4), rs.getString(5)));
                }
            }
        }
        return out;
    }

    /** Finds the series of the header, creating it (and its study and patient) when needed. */
    private Target target(InstanceHeader h) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT se.pk, se.study_fk, st.study_uid FROM series se"
                + " JOIN study st ON st.pk = se.study_fk WHERE se.series_uid = ?")) {
            Jdbc.bind(ps, h.seriesInstanceUID());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    if (!h.studyInstanceUID().equals(rs.getString(3))) {
                        throw new HierarchyConflictException("series " + h.seriesInstanceUID() + " is stored in study "
                                + rs.getString(3) + ", but this instance names study " + h.studyInstanceUID());
                    }
                    return new Target(rs.getLong(1), rs.getLong(2), false);
                }
            }
        }
        Long study = Jdbc.queryLong(c, "SELECT pk FROM study WHERE study_uid = ?", h.studyInstanceUID());
        long studyPk = study != null ? study : insertStudy(h, patient(h));
        long seriesPk = Jdbc.insert(c, "INSERT INTO series (study_fk, series_uid, modality, series_number, description,"
                        + " body_part, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                studyPk, h.seriesInstanceUID(), text(h.modality()), integer(h.seriesNumber()),
                text(h.seriesDescription()), text(h.bodyPartExamined()), now, now);
        return new Target(seriesPk, studyPk, true);
    }

    /**
     * The patient of a new study: the one with this Patient ID and issuer, or a new one. Studies without a Patient
     * ID are never merged: each gets a patient of its own (patient_id NULL, which the unique constraint allows
     * any number of times).
     */
    private long patient(InstanceHeader h) throws SQLException {
        String id = text(h.patientID());
        String issuer = text(h.issuerOfPatientID());
        issuer = issuer == null ? "" : issuer;
        if (id != null) {
            Long pk = Jdbc.queryLong(c, "SELECT pk FROM patient WHERE patient_id = ? AND issuer = ?", id, issuer);
            if (pk != null) {
                return pk;
            }
        }
        return Jdbc.insert(c, "INSERT INTO patient (patient_id, issuer, patient_name, patient_name_norm, birth_date, sex,"
                        + " created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                id, issuer, text(h.patientName()), personNameKey(h.patientName()), date(h.patientBirthDate()),
                text(h.patientSex()), now);
    }

    private long insertStudy(InstanceHeader h, long patientPk) throws SQLException {
        return Jdbc.insert(c, "INSERT INTO study (patient_fk, study_uid, study_date, study_time, accession, study_id,"
                        + " description, referring_physician, referring_physician_norm, created, updated, bucket)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                patientPk, h.studyInstanceUID(), date(h.studyDate()), time(h.studyTime()), text(h.accessionNumber()),
                text(h.studyID()), text(h.studyDescription()), text(h.referringPhysicianName()),
                personNameKey(h.referringPhysicianName()), now, now, CopyBuckets.bucketOf(h.studyInstanceUID()));
    }

    /** A location of the instance {@code h} describes (row {@code instancePk}), counted in its study's digest. */
    void insertLocation(long instancePk, StoredObject o, InstanceHeader h) throws SQLException {
        insertLocationRow(instancePk, o);
        CopyBuckets.inserted(c, o.storageId(), o.checksum(), h.sopInstanceUID(), h.studyInstanceUID());
    }

    /** A location of an instance known by its row only (its UIDs are read back for the digest). */
    void insertLocation(long instancePk, StoredObject o) throws SQLException {
        insertLocationRow(instancePk, o);
        CopyBuckets.inserted(c, instancePk, o.storageId(), o.checksum());
    }

    private void insertLocationRow(long instancePk, StoredObject o) throws SQLException {
        Jdbc.insert(c, "INSERT INTO location (instance_fk, storage_id, storage_key, object_size, checksum, created)"
                + " VALUES (?, ?, ?, ?, ?, ?)", instancePk, o.storageId(), o.key(), o.size(), o.checksum(), now);
    }

    /** One more instance in the target series and study. */
    private void countIn(Target t) throws SQLException {
        Jdbc.update(c, "UPDATE study SET num_instances = num_instances + 1, num_series = num_series + ?, updated = ?"
                + " WHERE pk = ?", t.newSeries ? 1 : 0, now, t.studyPk);
        if (t.newSeries) {
            updateModalities(t.studyPk);
        }
        Jdbc.update(c, "UPDATE series SET num_instances = num_instances + 1, updated = ? WHERE pk = ?", now, t.seriesPk);
    }

    /** One instance less; a series or study left empty is removed (its patient stays). */
    private void countOut(long studyPk, long seriesPk) throws SQLException {
        Jdbc.update(c, "UPDATE study SET num_instances = num_instances - 1, updated = ? WHERE pk = ?", now, studyPk);
        Jdbc.update(c, "UPDATE series SET num_instances = num_instances - 1, updated = ? WHERE pk = ?", now, seriesPk);
        if (Jdbc.queryLong(c, "SELECT num_instances FROM series WHERE pk = ?", seriesPk) == 0) {
            Jdbc.update(c, "DELETE FROM series WHERE pk = ?", seriesPk);
            Jdbc.update(c, "UPDATE study SET num_series = num_series - 1 WHERE pk = ?", studyPk);
            updateModalities(studyPk);
        }
        if (Jdbc.queryLong(c, "SELECT num_instances FROM study WHERE pk = ?", studyPk) == 0) {
            Jdbc.update(c, "DELETE FROM study WHERE pk = ?", studyPk);
        }
    }

    /**
     * Recomputes Modalities in Study from the study's series. Called with the study row locked (after the
     * UPDATE above): every other transaction changing this study's series waits for that lock, so what this
     * statement does not see yet, that transaction recomputes after our commit.
     */
    private void updateModalities(long studyPk) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT modality FROM series WHERE study_fk = ?"
                + " AND modality IS NOT NULL ORDER BY modality")) {
            Jdbc.bind(ps, studyPk);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sb.append(sb.length() > 0 ? "\\" : "").append(rs.getString(1));
                }
            }
        }
        Jdbc.update(c, "UPDATE study SET modalities_in_study = ? WHERE pk = ?", sb.length() > 0 ? sb.toString() : null,
                studyPk);
    }
}
