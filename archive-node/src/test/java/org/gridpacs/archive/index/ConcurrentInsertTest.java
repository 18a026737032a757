package org.gridpacs.archive.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same study arriving on many associations at once (dcm4chee-arc #3154: four parallel storescu created the
 * same patient twice): every thread inserts every instance, in the same order, each step started together, so
 * that every insert races; exactly one patient, study, series and instance may come out of each race.
 */
class ConcurrentInsertTest {
    static final TestInstances.Study STUDY = new TestInstances.Study("RACE-1", "Race^Condition", "19700101",
            "1.2.826.0.1.3680043.2.1", "20240301", "120000", "A-RACE", "race", List.of("CT", "MR", "CT"), 40);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {4, 16})
    void everyInsertRacesAndTheHierarchyComesOutOnce(int threads) throws Exception {
        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            SqlInstanceIndex index = new SqlInstanceIndex(db);
            List<DataSet> instances = STUDY.instances();
            CyclicBarrier together = new CyclicBarrier(threads);
            AtomicInteger inserted = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (DataSet ds : instances) {
                        together.await(30, TimeUnit.SECONDS);
                        String uid = ds.getString(Tag.SOPInstanceUID);
                        if (index.insert(TestInstances.header(ds), TestInstances.object(thread + "/" + uid), "SCU" + thread)) {
                            inserted.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertEquals(120, inserted.get(), "inserts that returned true");
            assertEquals(1, count(db, "SELECT COUNT(*) FROM patient"));
            assertEquals(1, count(db, "SELECT COUNT(*) FROM study"));
            assertEquals(3, count(db, "SELECT COUNT(*) FROM series"));
            assertEquals(120, count(db, "SELECT COUNT(*) FROM instance"));
            assertEquals(120, count(db, "SELECT COUNT(*) FROM location"));
            assertEquals(120, count(db, "SELECT num_instances FROM study"));
            assertEquals(3, count(db, "SELECT num_series FROM study"));
            assertEquals(3, count(db, "SELECT COUNT(*) FROM series WHERE num_instances = 40"));
            assertEquals("CT\\MR", db.read(c -> {
                try (var rs = c.createStatement().executeQuery("SELECT modalities_in_study FROM study")) {
                    rs.next();
                    return rs.getString(1);
                }
            }));
        }
    }

    private static long count(IndexDatabase db, String sql) throws SQLException {
        return db.read(c -> Jdbc.queryLong(c, sql));
    }
}
