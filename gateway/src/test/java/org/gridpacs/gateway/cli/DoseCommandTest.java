package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;

/** {@code pacs dose}: a small run writes the central axis, profiles and summary; bad options are usage errors. */
class DoseCommandTest {

    @Test
    @ProcessTest
    void writesCentralAxisProfilesAndSummary(@TempDir Path dir) throws Exception {
        Cli.Result r = Cli.pacs("dose", "--phantom", "slab-lung", "--beam", "co60", "--field", "10x10", "--ssd", "100",
                "--voxel", "2", "--histories", "200000", "--threads", "2", "--seed", "7", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.toString());
        List<String> axis = Files.readAllLines(dir.resolve("central-axis.csv"));
        assertEquals("depth_cm,dose_gy,uncertainty_percent", axis.get(0));
        assertEquals(16, axis.size());
        String[] first = axis.get(1).split(",");
        assertEquals(1.0, Double.parseDouble(first[0]), 1e-9);
        // 1 MU of Co-60 near dmax in water gives about 1 cGy
        double d = Double.parseDouble(first[1]);
        assertTrue(d > 0.006 && d < 0.012, "dose at 1 cm " + d);
        assertTrue(Files.exists(dir.resolve("profile-10.0cm.csv")));
        String summary = Files.readString(dir.resolve("summary.txt"));
        assertTrue(summary.contains("histories: 200000"), summary);
        assertTrue(summary.contains("histories/s"), summary);
    }

    @Test
    void rejectsBadBeam(@TempDir Path dir) {
        Cli.Result r = Cli.pacs("dose", "--beam", "18mv", "--out", dir.toString());
        assertEquals(2, r.exitCode(), r.toString());
    }
}
