package org.gridpacs.grid.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.storage.ChecksummingStorage;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.grid.s3.GridFixture;
import org.gridpacs.grid.s3.S3Storage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orphan sweep against a real s3proxy and a real H2 index: an object no row names and older than the grace is
 * counted, then removed; an old object a row names, a fresh unnamed one (an upload perhaps still in flight) and an
 * object outside the grid's prefix are kept.
 */
@ProcessTest
class GridOrphansTest {
    private static final String STUDY = "1.2.826.0.1.3680043.99.61";
    private static final String SOP = STUDY + ".3.1";
    @TempDir
    Path dir;
    TierRig rig;
    GridFixture grid;
    IndexDatabase db;
    Storage home;
    Storage target;
    Storage other;

    @BeforeEach
    void start() throws Exception {
        rig = new TierRig(dir);
        grid = rig.grid;
        db = rig.db;
        home = rig.home;
        target = rig.target;
        other = rig.providers.open("grid", "s3://" + GridFixture.BUCKET + "/elsewhere", true);
        rig.store(TierRig.ct(STUDY, 1, "ORPHAN1"));
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void anOldUnnamedObjectIsRemovedANamedOrFreshOneKept() throws Exception {
        StoredObject named = target.create(out -> out.write(new byte[1000]));
        new SqlInstanceIndex(db).addLocation(SOP, named);
        StoredObject orphan = target.create(out -> out.write(new byte[2000]));
        StoredObject fresh = target.create(out -> out.write(new byte[3000]));
        StoredObject outside = other.create(out -> out.write(new byte[4000]));
        Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
        for (Path p : List.of(object("archive", named), object("archive", orphan), object("elsewhere", outside))) {
            Files.setLastModifiedTime(p, FileTime.from(twoHoursAgo));
        }
        S3Storage s3 = (S3Storage) ((ChecksummingStorage) target).unwrap();
        GridOrphans orphans = new GridOrphans(db, s3, Duration.ofMinutes(60));

        // counted, not removed
        Counting progress = new Counting();
        GridOrphans.Result counted = orphans.sweep(false, progress);
        assertEquals(new GridOrphans.Result(3, 1, 0), counted);
        assertEquals(3, progress.total);
        assertEquals(3, progress.done);
        assertTrue(target.exists(orphan.key()));

        // swept: only the old unnamed object goes
        GridOrphans.Result swept = orphans.sweep(true, TierProgress.NONE);
        assertEquals(new GridOrphans.Result(3, 1, 1), swept);
        assertFalse(target.exists(orphan.key()), "the old object no row names is removed");
        assertTrue(target.exists(named.key()), "an object a row names is kept whatever its age");
        assertTrue(target.exists(fresh.key()), "an object younger than the grace is kept");
        assertTrue(other.exists(outside.key()), "an object outside the grid's prefix is not looked at");
        assertEquals(new GridOrphans.Result(2, 0, 0), orphans.sweep(true, TierProgress.NONE));

        // grace 0: the fresh unnamed object is an orphan too; the named one stays
        assertEquals(new GridOrphans.Result(2, 1, 1), new GridOrphans(db, s3, Duration.ZERO).sweep(true,
                TierProgress.NONE));
        assertFalse(target.exists(fresh.key()));
        assertTrue(target.exists(named.key()));
        Set<String> left = new java.util.HashSet<>();
        s3.listPages(page -> page.forEach(o -> left.add(o.key())));
        assertEquals(Set.of(named.key()), left);

        assertThrows(IllegalArgumentException.class, () -> new GridOrphans(db, s3, Duration.ofMinutes(-1)));
        assertThrows(IllegalArgumentException.class, () -> TierPolicy.fromProperties(props("-5")));
        assertEquals(Duration.ZERO, TierPolicy.fromProperties(props("0")).orphanGrace());
        assertEquals(Duration.ofMinutes(60), TierPolicy.fromProperties(new java.util.Properties()).orphanGrace());
    }

    private static java.util.Properties props(String grace) {
        java.util.Properties p = new java.util.Properties();
        p.setProperty(TierPolicy.ORPHAN_GRACE, grace);
        return p;
    }

    private Path object(String prefix, StoredObject o) {
        Path p = grid.server.bucketsFolder().resolve(GridFixture.BUCKET).resolve(prefix).resolve(o.key());
        assertTrue(Files.isRegularFile(p), "s3proxy keeps " + p);
        return p;
    }

    private static final class Counting implements TierProgress {
        int total;
        int done;
        final List<String> errors = new ArrayList<>();

        @Override
        public void total(int instances) {
            total += instances;
        }

        @Override
        public void done(int instances) {
            done += instances;
        }

        @Override
        public void error(String text) {
            errors.add(text);
        }
    }
}
