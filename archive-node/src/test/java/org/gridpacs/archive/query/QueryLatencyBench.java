package org.gridpacs.archive.query;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.Jdbc;
import org.gridpacs.archive.index.MatchingValues;
import org.gridpacs.archive.index.TestInstances;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.DateTimes;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;

/**
 * Study-level C-FIND latency over a large index (not a test: no timed assertions). Fills an index with
 * synthetic instances by batched JDBC inserts straight into the tables (1 patient per 100 instances, 1 study per
 * 20, 2 series per study, 10 years of study dates), then times {@link QueryService#find} by Patient ID, by a
 * Study Date range and by a Patient Name wildcard, with the return keys a study browser asks for.
 *
 * <pre>
 * mvn -q -o install -DskipTests
 * mvn -q -o -pl archive-node test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.gridpacs.archive.query.QueryLatencyBench -Dexec.args="10000,1000000"
 * </pre>
 * Arguments: instance counts to measure at (ascending; the index grows from one to the next), then optionally
 * the directory for the database (default: a new temporary directory).
 */
public final class QueryLatencyBench {
    private static final int INSTANCES_PER_STUDY = 20;
    private static final int SERIES_PER_STUDY = 2;
    private static final int STUDIES_PER_PATIENT = 5;
    private static final int WARM_UP = Integer.getInteger("bench.warmup", 1000);
    private static final int MEASURED = Integer.getInteger("bench.measured", 2000);
    private static final LocalDate FIRST_DAY = LocalDate.of(2015, 1, 1);
    private static final int DAYS = 3650;
    private static final String[] MODALITIES = {"CT", "MR", "CR", "US", "DX", "MG", "PT", "NM"};
    private static final String[] SYLLABLES = {"KA", "LO", "MI", "NE", "RU", "SA", "TO", "VE", "BRA", "DEN", "FOR",
            "GUN", "HAL", "JOR", "KEL", "MAR", "NOR", "PET", "ROS", "SIL", "TAN", "WIL", "BER", "CHE", "DOR"};

    private QueryLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = Arrays.stream(args.length > 0 ? args[0].split(",") : new String[] {"10000", "1000000"})
                .mapToInt(Integer::parseInt).toArray();
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("query-bench");
        System.out.printf("index in %s%n", dir);
        String url = IndexDatabase.h2FileUrl(dir) + System.getProperty("bench.h2", "");
        try (IndexDatabase db = IndexDatabase.open(url, "sa", "", 16)) {
            QueryService queries = new QueryService(db, "BENCH");
            // an existing database (given as the second argument) is reused: only what it lacks is added
            int filled = db.read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM instance")).intValue();
            for (int size : sizes) {
                long t0 = System.nanoTime();
                if (size > filled) {
                    fill(db, filled, size);
                    filled = size;
                }
                System.out.printf(Locale.ROOT, "%n%,d instances (%,d studies, %,d patients) filled in %.1f s%n", size,
                        size / INSTANCES_PER_STUDY, patients(size), (System.nanoTime() - t0) / 1e9);
                Random e = new Random(7);
                explain(db, "PatientID", query(Tag.PatientID, patientID(e.nextInt(patients(size)))));
                explain(db, "StudyDate 7-day range", dateRange(e, 7));
                explain(db, "PatientName FAMILY*", query(Tag.PatientName, family(e.nextInt(patients(size))) + "*"));
                measure(queries, "PatientID", r -> query(Tag.PatientID, patientID(r.nextInt(patients(size)))));
                measure(queries, "StudyDate 1-day range", r -> dateRange(r, 1));
                measure(queries, "StudyDate 7-day range", r -> dateRange(r, 7));
                measure(queries, "PatientName FAMILY*", r -> query(Tag.PatientName,
                        family(r.nextInt(patients(size))).toLowerCase(Locale.ROOT) + "*"));
                // what OHIF's study list sends through QIDO-RS (limit=101&offset=0, fuzzymatching)
                QueryOptions page = QueryOptions.DEFAULT.withPaging(0, 101);
                explain(db, "QIDO list, limit 101", query(Tag.StudyInstanceUID, ""), page);
                explain(db, "QIDO StudyDate 1 year, limit 101", dateRange(e, 365), page);
                explain(db, "QIDO ModalitiesInStudy=NM, limit 101", query(Tag.ModalitiesInStudy, "NM"), page);
                explain(db, "QIDO fuzzy PatientName", query(Tag.PatientName, "dor"), page.withFuzzyPersonNames(true));
                measure(queries, "QIDO list, limit 101", r -> query(Tag.StudyInstanceUID, ""), page);
                measure(queries, "QIDO list, offset 1000", r -> query(Tag.StudyInstanceUID, ""),
                        QueryOptions.DEFAULT.withPaging(1000, 101));
                measure(queries, "QIDO PatientID, limit 101", r -> query(Tag.PatientID,
                        patientID(r.nextInt(patients(size)))), page);
                measure(queries, "QIDO StudyDate 1 year", r -> dateRange(r, 365), page);
                measure(queries, "QIDO StudyDate 7 days", r -> dateRange(r, 7), page);
                measure(queries, "QIDO Modalities NM", r -> query(Tag.ModalitiesInStudy, "NM"), page);
                measure(queries, "QIDO fuzzy PatientName", r -> query(Tag.PatientName,
                        family(r.nextInt(patients(size))).substring(0, 3).toLowerCase(Locale.ROOT)),
                        page.withFuzzyPersonNames(true));
                measure(queries, "QIDO PatientName *x*", r -> query(Tag.PatientName,
                        "*" + family(r.nextInt(patients(size))).substring(2, 5).toLowerCase(Locale.ROOT) + "*"), page);
                if (size >= 200_000) {
                    measure(queries, "QIDO /instances off 100k", r -> instances(),
                            new QueryOptions(true, false).withPaging(100_000, 100));
                }
            }
        }
    }

    // ---------------------------------------------------------------- synthetic data

    private static int patients(int instances) {
        return Math.max(1, instances / (INSTANCES_PER_STUDY * STUDIES_PER_PATIENT));
    }

    private static String patientID(int p) {
        return String.format("P%07d", p);
    }

    /** About as many family names as patients / 20, so that a family name matches some 20 patients. */
    private static String family(int p) {
        int n = p / 20;
        String a = SYLLABLES[n % SYLLABLES.length];
        String b = SYLLABLES[(n / SYLLABLES.length) % SYLLABLES.length];
        String c = SYLLABLES[(n / (SYLLABLES.length * SYLLABLES.length)) % SYLLABLES.length];
        return a + b.toLowerCase(Locale.ROOT) + c.toLowerCase(Locale.ROOT);
    }

    /**
     * Adds patients, studies, series, instances and locations from instance {@code from} to {@code to} (also used by
     * scripts/bench-dicomweb to give a node a large index before it starts).
     */
    public static void fill(IndexDatabase db, int from, int to) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        db.inTransaction(c -> {
            try (PreparedStatement patient = c.prepareStatement("INSERT INTO patient (pk, patient_id, issuer, patient_name,"
                    + " patient_name_norm, birth_date, sex, created) VALUES (?, ?, '', ?, ?, ?, ?, ?)");
                 PreparedStatement study = c.prepareStatement("INSERT INTO study (pk, patient_fk, study_uid, study_date,"
                         + " study_time, accession, study_id, description, referring_physician, referring_physician_norm,"
                         + " modalities_in_study, num_series, num_instances, created, updated)"
                         + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement series = c.prepareStatement("INSERT INTO series (pk, study_fk, series_uid, modality,"
                         + " series_number, description, body_part, num_instances, created, updated)"
                         + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement instance = c.prepareStatement("INSERT INTO instance (pk, series_fk, sop_uid, sop_class_uid,"
                         + " instance_number, transfer_syntax, source_aet, received, header) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement location = c.prepareStatement("INSERT INTO location (pk, instance_fk, storage_id,"
                         + " storage_key, object_size, checksum, created) VALUES (?, ?, 'fs1', ?, ?, 'crc32c:00000000', ?)")) {
                int perSeries = INSTANCES_PER_STUDY / SERIES_PER_STUDY;
                int batched = 0;
                for (int i = from; i < to; i += INSTANCES_PER_STUDY) {
                    int st = i / INSTANCES_PER_STUDY;
                    int p = st / STUDIES_PER_PATIENT;
                    Random r = new Random(st);
                    String name = family(p) + "^" + SYLLABLES[p % SYLLABLES.length] + "n";
                    if (st % STUDIES_PER_PATIENT == 0) {
                        bind(patient, p, patientID(p), name, MatchingValues.personNameKey(name),
                                LocalDate.of(1930 + p % 80, 1 + p % 12, 1 + p % 28), p % 2 == 0 ? "F" : "M", now);
                        patient.addBatch();
                    }
                    String studyUID = "1.2.826.0.1.3680043.10.511." + st;
                    String[] mods = {MODALITIES[r.nextInt(MODALITIES.length)], MODALITIES[r.nextInt(MODALITIES.length)]};
                    String modalities = mods[0].equals(mods[1]) ? mods[0]
                            : mods[0].compareTo(mods[1]) < 0 ? mods[0] + "\\" + mods[1] : mods[1] + "\\" + mods[0];
                    bind(study, st, p, studyUID, FIRST_DAY.plusDays(r.nextInt(DAYS)),
                            LocalTime.of(7 + r.nextInt(12), r.nextInt(60), r.nextInt(60)), "A" + st, "S" + st % 1000,
                            "Study " + st % 97, "Ref^" + st % 50, "REF^" + st % 50, modalities, SERIES_PER_STUDY,
                            INSTANCES_PER_STUDY, now, now);
                    study.addBatch();
                    for (int s = 0; s < SERIES_PER_STUDY; s++) {
                        long se = (long) st * SERIES_PER_STUDY + s;
                        String seriesUID = studyUID + "." + (s + 1);
                        bind(series, se, st, seriesUID, mods[s], s + 1, "Series " + (s + 1), "CHEST", perSeries, now, now);
                        series.addBatch();
                        byte[] header = header(studyUID, seriesUID, name, patientID(p), mods[s]);
                        for (int k = 0; k < perSeries; k++) {
                            long pk = i + (long) s * perSeries + k;
                            String sop = seriesUID + "." + (k + 1);
                            bind(instance, pk, se, sop, UID.CTImageStorage, k + 1, TestInstances.TS, "BENCH", now, header);
                            instance.addBatch();
                            bind(location, pk, pk, sop, 500_000L, now);
                            location.addBatch();
                        }
                    }
                    batched += INSTANCES_PER_STUDY;
                    if (batched >= 20_000 || i + INSTANCES_PER_STUDY >= to) {
                        for (PreparedStatement ps : List.of(patient, study, series, instance, location)) {
                            ps.executeBatch();
                        }
                        c.commit();
                        batched = 0;
                    }
                }
            }
            // the rows above bypass the index's writer: give the new studies their bucket, recount the digests
            org.gridpacs.archive.index.CopyBuckets.rebuild(c);
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE"); // H2: refresh the selectivity statistics the planner uses
            }
            return null;
        });
    }

    private static void bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int k = 0; k < values.length; k++) {
            if (values[k] instanceof byte[] b) {
                ps.setBytes(k + 1, b);
            } else {
                ps.setObject(k + 1, values[k]);
            }
        }
    }

    /** A realistic header of some 400 bytes, shared by the instances of a series (the queries do not read it). */
    private static byte[] header(String study, String series, String name, String id, String modality) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
        ds.setString(Tag.StudyInstanceUID, VR.UI, study);
        ds.setString(Tag.SeriesInstanceUID, VR.UI, series);
        ds.setString(Tag.PatientName, VR.PN, name);
        ds.setString(Tag.PatientID, VR.LO, id);
        ds.setString(Tag.Modality, VR.CS, modality);
        ds.setString(Tag.Manufacturer, VR.LO, "GridPACS Synthetic Scanner Co.");
        ds.setString(Tag.ImageType, VR.CS, "ORIGINAL", "PRIMARY", "AXIAL");
        ds.setDouble(Tag.SliceThickness, VR.DS, 1.25);
        ds.setDouble(Tag.PixelSpacing, VR.DS, 0.7, 0.7);
        ds.setDouble(Tag.ImagePositionPatient, VR.DS, -250.0, -250.0, 100.5);
        ds.setDouble(Tag.ImageOrientationPatient, VR.DS, 1, 0, 0, 0, 1, 0);
        ds.setInt(Tag.Rows, VR.US, 512);
        ds.setInt(Tag.Columns, VR.US, 512);
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        return TestInstances.encode(ds);
    }

    // ---------------------------------------------------------------- queries

    private static DataSet query(int tag, String value) {
        DataSet id = new DataSet();
        id.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        for (int t : new int[] {Tag.StudyDate, Tag.StudyTime, Tag.AccessionNumber, Tag.ModalitiesInStudy,
                Tag.ReferringPhysicianName, Tag.StudyDescription, Tag.PatientName, Tag.PatientID, Tag.PatientBirthDate,
                Tag.PatientSex, Tag.StudyInstanceUID, Tag.StudyID, Tag.NumberOfStudyRelatedSeries,
                Tag.NumberOfStudyRelatedInstances}) {
            id.setNull(t, org.gridpacs.dicom.data.ElementDictionary.vrOf(t));
        }
        id.setString(tag, org.gridpacs.dicom.data.ElementDictionary.vrOf(tag), value);
        return id;
    }

    /** All instances, with the default return keys of QIDO-RS /instances (without the header ones). */
    private static DataSet instances() {
        DataSet id = new DataSet();
        id.setString(Tag.QueryRetrieveLevel, VR.CS, "IMAGE");
        for (int t : new int[] {Tag.StudyDate, Tag.PatientName, Tag.PatientID, Tag.StudyInstanceUID, Tag.Modality,
                Tag.SeriesInstanceUID, Tag.SeriesNumber, Tag.SOPClassUID, Tag.SOPInstanceUID, Tag.InstanceNumber}) {
            id.setNull(t, org.gridpacs.dicom.data.ElementDictionary.vrOf(t));
        }
        return id;
    }

    private static DataSet dateRange(Random r, int days) {
        LocalDate start = FIRST_DAY.plusDays(r.nextInt(DAYS - days));
        return query(Tag.StudyDate, DateTimes.formatDate(start) + "-" + DateTimes.formatDate(start.plusDays(days - 1)));
    }

    /** With -Dbench.explain=true, prints the database's plan for one query of each kind. */
    private static void explain(IndexDatabase db, String what, DataSet id) throws Exception {
        explain(db, what, id, QueryOptions.DEFAULT);
    }

    private static void explain(IndexDatabase db, String what, DataSet id, QueryOptions options) throws Exception {
        if (!Boolean.getBoolean("bench.explain")) {
            return;
        }
        CompiledQuery q = QueryBuilder.build(QueryLevel.STUDY, id, options);
        String plan = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + q.sql())) {
                Jdbc.bind(ps, q.params());
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
        System.out.printf("  plan for %s:%n    %s%n", what, plan.replace("\n", "\n    "));
    }

    private static void measure(QueryService queries, String what, java.util.function.Function<Random, DataSet> make)
            throws QueryException {
        measure(queries, what, make, QueryOptions.DEFAULT);
    }

    private static void measure(QueryService queries, String what, java.util.function.Function<Random, DataSet> make,
                                QueryOptions options) throws QueryException {
        Random r = new Random(42);
        long[] nanos = new long[MEASURED];
        long matches = 0;
        for (int k = 0; k < WARM_UP + MEASURED; k++) {
            DataSet id = make.apply(r);
            int[] n = {0};
            long t0 = System.nanoTime();
            queries.find(QueryModel.STUDY_ROOT, id, options, ds -> {
                n[0]++;
                return true;
            });
            long t = System.nanoTime() - t0;
            if (k >= WARM_UP) {
                nanos[k - WARM_UP] = t;
                matches += n[0];
            }
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "  %-24s p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  (%.1f matches per query, %d queries)%n",
                what, nanos[MEASURED / 2] / 1e6, nanos[MEASURED * 95 / 100] / 1e6, nanos[MEASURED * 99 / 100] / 1e6,
                matches / (double) MEASURED, MEASURED);
    }
}
