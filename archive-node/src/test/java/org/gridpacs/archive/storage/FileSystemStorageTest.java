package org.gridpacs.archive.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemStorageTest {
    @TempDir
    Path root;

    /** As the node opens it: checksums are computed above the file storage, by {@link ChecksummingStorage}. */
    private Storage storage() {
        return ChecksummingStorage.of(new FileSystemStorage("fs1", root));
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String crc32c(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b);
        return String.format("crc32c:%08x", crc.getValue());
    }

    private static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    /** Every file under the root, temporary ones included. */
    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void roundTripWithSizeAndChecksum() throws IOException {
        Storage s = storage();
        byte[] content = bytes(1_000_003, 1);
        StoredObject o = s.create(out -> out.write(content));
        assertEquals("fs1", o.storageId());
        assertEquals(content.length, o.size());
        assertEquals(crc32c(content), o.checksum());
        assertTrue(o.checksum().matches("crc32c:[0-9a-f]{8}"), o.checksum());
        assertTrue(o.key().matches("\\d{4}/\\d{2}/\\d{2}/\\d{2}/[0-9a-f]{32}\\.dcm"), o.key());
        assertArrayEquals(content, read(s.open(o.key())));
        assertEquals(List.of(root.resolve(o.key())), files());
    }

    @Test
    void theFileStorageItselfComputesNoChecksum() throws IOException {
        byte[] content = bytes(1000, 21);
        StoredObject o = new FileSystemStorage("fs1", root).create(out -> out.write(content));
        assertEquals(content.length, o.size());
        assertNull(o.checksum());
        assertEquals(crc32c(content), Checksums.measure(storage().open(o.key())).checksum());
    }

    @Test
    void checksumAndSizeWhateverTheWritesLookLike() throws IOException {
        // single bytes, small writes that fill the buffer, and one write larger than the buffer
        byte[] content = bytes(3 * 256 * 1024 + 17, 2);
        StoredObject o = storage().create(out -> {
            out.write(content[0]);
            out.write(content, 1, 999);
            out.write(content, 1000, 600_000);
            out.flush();
            for (int k = 601_000; k < content.length; k++) {
                out.write(content[k]);
            }
        });
        assertEquals(content.length, o.size());
        assertEquals(crc32c(content), o.checksum());
        assertArrayEquals(content, read(storage().open(o.key())));
    }

    @Test
    void emptyObject() throws IOException {
        StoredObject o = storage().create(out -> { });
        assertEquals(0, o.size());
        assertEquals("crc32c:00000000", o.checksum());
        assertArrayEquals(new byte[0], read(storage().open(o.key())));
    }

    @Test
    void writerClosingTheStreamIsHarmless() throws IOException {
        byte[] content = bytes(5000, 3);
        StoredObject o = storage().create(out -> {
            try (OutputStream o2 = out) {
                o2.write(content);
            }
        });
        assertArrayEquals(content, read(storage().open(o.key())));
    }

    @Test
    void openRange() throws IOException {
        Storage s = storage();
        byte[] content = bytes(100_000, 4);
        String key = s.create(out -> out.write(content)).key();
        assertArrayEquals(java.util.Arrays.copyOfRange(content, 1234, 1234 + 5000), read(s.openRange(key, 1234, 5000)));
        assertArrayEquals(java.util.Arrays.copyOfRange(content, 90_000, 100_000), read(s.openRange(key, 90_000, 10_000)));
        assertArrayEquals(new byte[0], read(s.openRange(key, 500, 0)));
        assertArrayEquals(new byte[0], read(s.openRange(key, 100_000, 0)));
        assertArrayEquals(content, read(s.openRange(key, 0, content.length)));
    }

    @Test
    void openRangeBeyondTheEndIsAnErrorNotAShortRead() throws IOException {
        Storage s = storage();
        String key = s.create(out -> out.write(bytes(1000, 5))).key();
        assertThrows(EOFException.class, () -> s.openRange(key, 900, 101));
        assertThrows(EOFException.class, () -> s.openRange(key, 1001, 0));
        assertThrows(EOFException.class, () -> s.openRange(key, 10, Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> s.openRange(key, -1, 10));
        assertThrows(NoSuchFileException.class, () -> s.openRange("2020/01/01/00/none.dcm", 0, 0));
    }

    @Test
    void rangeOfAFileCutShortWhileReadIsAnError() throws IOException {
        Storage s = storage();
        String key = s.create(out -> out.write(bytes(10_000, 6))).key();
        try (InputStream in = s.openRange(key, 1000, 9000)) {
            assertEquals(100, in.readNBytes(100).length);
            try (var ch = java.nio.channels.FileChannel.open(root.resolve(key), java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(2000);
            }
            assertThrows(EOFException.class, in::readAllBytes);
        }
    }

    @Test
    void removeIsIdempotent() throws IOException {
        Storage s = storage();
        String key = s.create(out -> out.write(1)).key();
        assertTrue(s.exists(key));
        s.remove(key);
        assertFalse(s.exists(key));
        s.remove(key);
        s.remove("2020/01/01/00/never-there.dcm");
        assertThrows(NoSuchFileException.class, () -> s.open(key));
        assertTrue(files().isEmpty());
    }

    @Test
    void writerThatFailsLeavesNothing() {
        Storage s = storage();
        RuntimeException boom = new IllegalStateException("boom");
        RuntimeException thrown = assertThrows(IllegalStateException.class, () -> s.create(out -> {
            out.write(bytes(1_000_000, 7)); // past the buffer: some of it is in the file already
            throw boom;
        }));
        assertSame(boom, thrown);
        assertNoFiles();
    }

    @Test
    void diskFullFromTheWriterPropagatesAndLeavesNothing() {
        IOException full = new IOException("No space left on device");
        IOException thrown = assertThrows(IOException.class, () -> storage().create(out -> {
            out.write(bytes(700_000, 8));
            throw full;
        }));
        assertSame(full, thrown);
        assertNoFiles();
    }

    @Test
    void aFilesystemErrorPropagatesAndLeavesNothing() throws IOException {
        Storage s = storage();
        s.remove(s.create(out -> out.write(1)).key());
        // a plain file where the storage's folders belong: creating anything fails, even for root
        try (Stream<Path> st = Files.walk(root)) {
            for (Path p : st.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Files.write(root, new byte[] {42});
        assertThrows(IOException.class, () -> s.create(out -> out.write(bytes(1000, 9))));
        assertTrue(Files.isRegularFile(root));
        assertEquals(1, Files.size(root), "nothing was written");
    }

    private void assertNoFiles() {
        try {
            assertEquals(List.of(), files());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void listSkipsTemporaryAndHiddenFiles() throws IOException {
        Storage s = storage();
        StoredObject a = s.create(out -> out.write(bytes(10, 10)));
        StoredObject b = s.create(out -> out.write(bytes(20, 11)));
        Path folder = root.resolve(a.key()).getParent();
        Files.write(folder.resolve(".0123abcd.part"), new byte[5]);
        Files.createDirectories(root.resolve(".trash"));
        Files.write(root.resolve(".trash/x.dcm"), new byte[5]);
        List<StoredObject> listed = new ArrayList<>();
        s.list(listed::add);
        assertEquals(Set.of(new StoredObject("fs1", a.key(), 10, null), new StoredObject("fs1", b.key(), 20, null)),
                new HashSet<>(listed));
        assertEquals(2, listed.size());
    }

    @Test
    void listAndSweepOfAStorageNeverWrittenTo() throws IOException {
        FileSystemStorage s = new FileSystemStorage("fs1", root.resolve("not-yet"));
        List<StoredObject> listed = new ArrayList<>();
        s.list(listed::add);
        assertEquals(List.of(), listed);
        assertEquals(0, s.sweepIncomplete());
    }

    @Test
    void sweepRemovesOnlyTemporaryFiles() throws IOException {
        Storage s = storage();
        StoredObject a = s.create(out -> out.write(bytes(10, 12)));
        Path folder = root.resolve(a.key()).getParent();
        Files.write(folder.resolve(".0123abcd.part"), new byte[5]);
        Files.createDirectories(root.resolve("2019/05/06/07"));
        Files.write(root.resolve("2019/05/06/07/.ffff.part"), new byte[5]);
        Files.write(root.resolve("2019/05/06/07/keep.part"), new byte[5]); // not ours: no leading dot
        Files.write(root.resolve("2019/05/06/07/.keep"), new byte[5]);
        assertEquals(2, s.sweepIncomplete());
        assertEquals(Set.of(root.resolve(a.key()), root.resolve("2019/05/06/07/keep.part"),
                root.resolve("2019/05/06/07/.keep")), new HashSet<>(files()));
        assertEquals(0, s.sweepIncomplete());
    }

    @Test
    void keysThatLeaveTheRootAreRejected() throws IOException {
        Storage s = storage();
        Files.write(root.resolveSibling("secret.txt"), new byte[] {1});
        for (String key : List.of("../secret.txt", "2020/../../secret.txt", "/etc/passwd", "a\\b.dcm", "",
                "a//b.dcm", "./a.dcm", "a/./b.dcm", "a/", "..", "a\0b")) {
            assertThrows(IllegalArgumentException.class, () -> s.open(key), key);
            assertThrows(IllegalArgumentException.class, () -> s.openRange(key, 0, 0), key);
            assertThrows(IllegalArgumentException.class, () -> s.remove(key), key);
            assertThrows(IllegalArgumentException.class, () -> s.exists(key), key);
        }
        assertTrue(Files.exists(root.resolveSibling("secret.txt")));
    }

    @Test
    void concurrentCreatesAreDistinctAndIntact() throws Exception {
        Storage s = storage();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<List<StoredObject>>> futures = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    List<StoredObject> mine = new ArrayList<>();
                    for (int k = 0; k < 50; k++) {
                        long seed = thread * 1000L + k;
                        byte[] content = bytes(1000 + (int) (seed % 7) * 37_000, seed);
                        StoredObject o = s.create(out -> out.write(content));
                        assertEquals(crc32c(content), o.checksum());
                        mine.add(new StoredObject(o.storageId(), o.key(), seed, o.checksum())); // size field: the seed
                    }
                    return mine;
                }));
            }
            Set<String> keys = new HashSet<>();
            for (Future<List<StoredObject>> f : futures) {
                for (StoredObject o : f.get()) {
                    assertTrue(keys.add(o.key()), o.key());
                    long seed = o.size();
                    assertArrayEquals(bytes(1000 + (int) (seed % 7) * 37_000, seed), read(s.open(o.key())));
                }
            }
            assertEquals(800, keys.size());
            assertEquals(800, files().size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void withoutFsyncTheSameResults() throws IOException {
        Storage s = ChecksummingStorage.of(new FileSystemStorage("fs2", root, false));
        byte[] content = bytes(300_000, 13);
        StoredObject o = s.create(out -> out.write(content));
        assertEquals(crc32c(content), o.checksum());
        assertArrayEquals(content, read(s.open(o.key())));
    }

    /**
     * Writers into one folder share its fsyncs: each returns only after a force that started after it counted
     * itself in, and fewer forces run than there are writers.
     */
    @Test
    void concurrentWritersShareFolderForces() throws Exception {
        List<long[]> forces = java.util.Collections.synchronizedList(new ArrayList<>());
        FileSystemStorage.FolderForce force = new FileSystemStorage.FolderForce(root, dir -> {
            long start = System.nanoTime();
            try {
                Thread.sleep(3);
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            forces.add(new long[] {start, System.nanoTime()});
        });
        int writers = 8;
        int each = 20;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < writers; t++) {
                futures.add(pool.submit(() -> {
                    for (int k = 0; k < each; k++) {
                        long changed = System.nanoTime();
                        force.force();
                        long now = System.nanoTime();
                        synchronized (forces) {
                            assertTrue(forces.stream().anyMatch(f -> f[0] >= changed && f[1] <= now),
                                    "returned without a force that started after the change");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(forces.size() < writers * each, forces.size() + " forces for " + writers * each + " changes");
    }

    @Test
    void aFailedFolderForceFailsItsWriterAndTheNextOneForcesAgain() throws Exception {
        int[] calls = {0};
        FileSystemStorage.FolderForce force = new FileSystemStorage.FolderForce(root, dir -> {
            if (calls[0]++ == 0) {
                throw new IOException("disk on fire");
            }
        });
        assertThrows(IOException.class, force::force);
        force.force();
        assertEquals(2, calls[0]);
    }
}
