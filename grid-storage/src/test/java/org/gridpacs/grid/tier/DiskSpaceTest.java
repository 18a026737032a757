package org.gridpacs.grid.tier;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real measure: the file system of a storage folder, made or not yet. */
class DiskSpaceTest {
    @TempDir
    Path dir;

    @Test
    void measuresTheFileSystemOfAFolderNotMadeYet() throws Exception {
        DiskSpace.Usage u = DiskSpace.of(dir.resolve("storage/not/yet")).usage();
        assertTrue(u.size() > 0 && u.used() >= 0 && u.used() <= u.size(), u.toString());
        assertTrue(u.percent() >= 0 && u.percent() <= 100, u.toString());
    }
}
