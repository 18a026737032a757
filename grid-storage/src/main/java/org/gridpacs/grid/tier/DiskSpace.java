package org.gridpacs.grid.tier;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** How full the file system holding this node's storage is, for {@link TierPolicy#fillPercent()}. */
public interface DiskSpace {

    /** {@code size} the bytes this node may fill (used plus available), {@code used} those taken. */
    record Usage(long size, long used) {
        public double percent() {
            return size <= 0 ? 0 : 100.0 * used / size;
        }
    }

    Usage usage() throws IOException;

    /**
     * The file system holding {@code folder} (or its nearest existing parent: a storage makes its folder on its first
     * write), counted as df counts its Use%: blocks reserved for root are neither used nor available.
     */
    static DiskSpace of(Path folder) {
        Path absolute = folder.toAbsolutePath().normalize();
        return () -> {
            Path p = absolute;
            while (p.getParent() != null && !Files.exists(p)) {
                p = p.getParent();
            }
            FileStore store = Files.getFileStore(p);
            long used = store.getTotalSpace() - store.getUnallocatedSpace();
            return new Usage(used + store.getUsableSpace(), used);
        };
    }
}
