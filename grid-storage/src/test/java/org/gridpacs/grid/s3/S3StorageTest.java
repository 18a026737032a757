package org.gridpacs.grid.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.gridpacs.archive.storage.Checksums;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.grid.crypto.KeyRing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The s3: storage against a real s3proxy: round trips, ranges, ciphertext at rest, keys, tampering, checks. */
@ProcessTest
class S3StorageTest {
    private static final Path CT = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm");

    @TempDir
    static Path dir;
    static GridFixture grid;
    static S3StorageProvider provider;
    static Storage storage;

    @BeforeAll
    static void start() throws IOException {
        grid = new GridFixture(dir);
        provider = new S3StorageProvider(grid.settings(), grid.ring(null));
        storage = grid.storage(provider, "archive");
    }

    @AfterAll
    static void stop() {
        if (provider != null) {
            provider.close();
        }
        if (grid != null) {
            grid.close();
        }
    }

    @Test
    void roundTripsSmallAndMultipartObjectsWithTheirChecksums() throws IOException {
        int seg = S3Storage.SEGMENT_SIZE;
        int[] sizes = {0, 1, seg - 1, seg, seg + 1, GridFixture.PART, 2 * GridFixture.PART + 12345};
        List<String> keys = new ArrayList<>();
        for (int size : sizes) {
            byte[] content = GridFixture.bytes(size, size);
            StoredObject o = storage.create(GridFixture.writing(content));
            assertEquals(size, o.size());
            CRC32C crc = new CRC32C();
            crc.update(content);
            assertEquals(Checksums.format(crc), o.checksum());
            try (InputStream in = storage.open(o.key())) {
                assertArrayEquals(content, in.readAllBytes(), "size " + size);
            }
            assertTrue(storage.exists(o.key()));
            keys.add(o.key());
        }
        List<StoredObject> listed = new ArrayList<>();
        storage.list(listed::add);
        for (int i = 0; i < sizes.length; i++) {
            String key = keys.get(i);
            long size = sizes[i];
            assertTrue(listed.stream().anyMatch(o -> o.key().equals(key) && o.size() == size), key + " listed");
        }
        storage.remove(keys.get(0));
        assertFalse(storage.exists(keys.get(0)));
        assertThrows(NoSuchFileException.class, () -> storage.open(keys.get(0)));
        assertThrows(NoSuchFileException.class, () -> storage.openRange(keys.get(0), 0, 1));
        storage.remove(keys.get(0)); // removing what is not there is no error
    }

    @Test
    void readsRangesAtAndAcrossSegmentAndPartBoundariesAndRefusesRangesPastTheEnd() throws IOException {
        int seg = S3Storage.SEGMENT_SIZE;
        int size = 2 * GridFixture.PART + 777;
        byte[] content = GridFixture.bytes(size, 42);
        String key = storage.create(GridFixture.writing(content)).key();
        // ciphertext part boundaries fall at plaintext ~ PART * seg / (seg + 16)
        long partEdge = (long) GridFixture.PART * seg / (seg + 16);
        long[][] ranges = {{0, 1}, {0, seg}, {seg - 1, 2}, {seg, seg}, {seg - 5, 3 * seg + 10}, {partEdge - 100, 200},
            {partEdge - seg, 2 * seg}, {2 * partEdge - 3, 7}, {size - 1, 1}, {size - seg - 3, seg + 3}, {0, size},
            {size, 0}, {17, 0}};
        for (long[] r : ranges) {
            try (InputStream in = storage.openRange(key, r[0], r[1])) {
                assertArrayEquals(Arrays.copyOfRange(content, (int) r[0], (int) (r[0] + r[1])), in.readAllBytes(),
                        "range " + r[0] + "+" + r[1]);
            }
        }
        long[][] beyond = {{size, 1}, {size - 1, 2}, {size + 1, 0}, {size + 100_000_000L, 5}, {0, size + 1}};
        for (long[] r : beyond) {
            assertThrows(EOFException.class, () -> storage.openRange(key, r[0], r[1]).close(),
                    "range " + r[0] + "+" + r[1]);
        }
    }

    @Test
    void theBucketHoldsCiphertextOnlyWhichDecryptsOnlyWithTheRightKey(@TempDir Path other) throws IOException {
        byte[] ct = Files.readAllBytes(CT);
        byte[] patient = "CompressedSamples^CT1".getBytes(StandardCharsets.US_ASCII);
        byte[] dicm = "DICM".getBytes(StandardCharsets.US_ASCII);
        assertTrue(indexOf(ct, dicm) >= 0 && indexOf(ct, patient) >= 0, "the plaintext has both markers");
        Storage own = grid.storage(provider, "ciphertext");
        String key = own.create(GridFixture.writing(ct)).key();
        List<Path> files;
        try (Stream<Path> s = Files.walk(grid.server.bucketsFolder())) {
            files = s.filter(Files::isRegularFile).toList();
        }
        Path stored = storedFile(key);
        assertTrue(files.contains(stored), "the object is a file of the bucket's folder");
        for (Path f : files) {
            byte[] b = Files.readAllBytes(f);
            assertTrue(indexOf(b, dicm) < 0, f + " holds DICM");
            assertTrue(indexOf(b, patient) < 0, f + " holds the patient name");
        }
        try (InputStream in = own.open(key)) {
            assertArrayEquals(ct, in.readAllBytes());
        }
        // a ring with another key under the same id: the wrapped data key does not unwrap
        KeyRing.addNewKey(other.resolve("k.p12"), other.resolve("k.pw"), "key-a");
        try (S3StorageProvider wrong = new S3StorageProvider(grid.settings(),
                KeyRing.load(other.resolve("k.p12"), other.resolve("k.pw"), null))) {
            IOException e = assertThrows(IOException.class, () -> grid.storage(wrong, "ciphertext").open(key));
            assertTrue(e.getMessage().contains("key-a") && e.getMessage().contains(key), e.getMessage());
        }
    }

    @Test
    void objectsOfARotatedKeyStillReadAndARingWithoutItSaysWhichKeyIsMissing(@TempDir Path other) throws IOException {
        Storage own = grid.storage(provider, "rotation");
        byte[] a = GridFixture.bytes(100_000, 1);
        String underA = own.create(GridFixture.writing(a)).key();
        String b = KeyRing.addNewKey(grid.keystore, grid.passwordFile, "key-b");
        KeyRing rotated = grid.ring(b);
        assertEquals("key-b", rotated.currentKeyId());
        try (S3StorageProvider p = new S3StorageProvider(grid.settings(), rotated)) {
            Storage s = grid.storage(p, "rotation");
            byte[] bb = GridFixture.bytes(200_000, 2);
            String underB = s.create(GridFixture.writing(bb)).key();
            try (InputStream in = s.open(underA)) {
                assertArrayEquals(a, in.readAllBytes());
            }
            try (InputStream in = s.openRange(underB, 70_000, 1000)) {
                assertArrayEquals(Arrays.copyOfRange(bb, 70_000, 71_000), in.readAllBytes());
            }
            // the old provider (ring of key A only, loaded before B was added) cannot read B's object
            IOException e = assertThrows(IOException.class, () -> own.open(underB));
            assertTrue(e.getMessage().contains("\"key-b\"") && e.getMessage().contains("not in the key ring"),
                    e.getMessage());
        }
        KeyRing.addNewKey(other.resolve("k.p12"), other.resolve("k.pw"), "key-z");
        try (S3StorageProvider p = new S3StorageProvider(grid.settings(),
                KeyRing.load(other.resolve("k.p12"), other.resolve("k.pw"), null))) {
            IOException e = assertThrows(IOException.class, () -> grid.storage(p, "rotation").openRange(underA, 0, 10));
            assertTrue(e.getMessage().contains("\"key-a\"") && e.getMessage().contains(underA), e.getMessage());
        }
    }

    @Test
    void tamperedOrTruncatedCiphertextIsAnErrorNeverData() throws IOException {
        Storage own = grid.storage(provider, "tamper");
        int seg = S3Storage.SEGMENT_SIZE;
        byte[] content = GridFixture.bytes(5 * seg + 100, 7);
        String key = own.create(GridFixture.writing(content)).key();
        Path file = storedFile(key);
        byte[] stored = Files.readAllBytes(file);
        byte[] flipped = stored.clone();
        flipped[2 * (seg + 16) + 5] ^= 1; // in segment 2
        Files.write(file, flipped);
        IOException e = assertThrows(IOException.class, () -> {
            try (InputStream in = own.open(key)) {
                in.readAllBytes();
            }
        });
        assertTrue(e.getMessage().contains("segment 2") && e.getMessage().contains(key), e.getMessage());
        assertThrows(IOException.class, () -> {
            try (InputStream in = own.openRange(key, 2L * seg + 10, 10)) {
                in.readAllBytes();
            }
        });
        try (InputStream in = own.openRange(key, 10, 10)) { // segment 0 is intact
            assertArrayEquals(Arrays.copyOfRange(content, 10, 20), in.readAllBytes());
        }
        // cut at a segment boundary (last segment and trailer gone): the new last segment was not sealed as last
        Files.write(file, Arrays.copyOf(stored, 5 * (seg + 16) + 28));
        assertThrows(IOException.class, () -> {
            try (InputStream in = own.open(key)) {
                in.readAllBytes();
            }
        });
        // swapped segments
        byte[] swapped = stored.clone();
        System.arraycopy(stored, 0, swapped, seg + 16, seg + 16);
        System.arraycopy(stored, seg + 16, swapped, 0, seg + 16);
        Files.write(file, swapped);
        assertThrows(IOException.class, () -> {
            try (InputStream in = own.openRange(key, 0, 10)) {
                in.readAllBytes();
            }
        });
    }

    @Test
    void theStartUpCheckNamesTheSettingAtFault(@TempDir Path other) throws Exception {
        ((S3Storage) ((org.gridpacs.archive.storage.ChecksummingStorage) storage).unwrap()).check();
        S3Settings good = grid.settings();
        S3Settings deadEndpoint = new S3Settings(java.net.URI.create("http://127.0.0.1:"
                + org.gridpacs.dicom.testutil.Ports.freePort()), "us-east-1", true, good.accessKey(),
                good.secretKey(), good.partSize());
        assertCheckFails(deadEndpoint, GridFixture.BUCKET, S3Settings.ENDPOINT);
        S3Settings badSecret = new S3Settings(good.endpoint(), "us-east-1", true, good.accessKey(), "wrong-secret",
                good.partSize());
        String m = assertCheckFails(badSecret, GridFixture.BUCKET, S3Settings.SECRET_KEY);
        assertFalse(m.contains("wrong-secret"), "no secret in messages: " + m);
        assertCheckFails(new S3Settings(good.endpoint(), "us-east-1", true, "nobody", good.secretKey(),
                good.partSize()), GridFixture.BUCKET, S3Settings.ACCESS_KEY);
        assertCheckFails(good, "no-such-bucket", "bucket \"no-such-bucket\"");
        IOException e = assertThrows(IOException.class, () -> grid.ring("key-unknown"));
        assertTrue(e.getMessage().contains(KeyRing.CURRENT_KEY_SETTING) && e.getMessage().contains("key-unknown"),
                e.getMessage());
        Files.writeString(other.resolve("wrong.pw"), "not-the-password");
        e = assertThrows(IOException.class, () -> KeyRing.load(grid.keystore, other.resolve("wrong.pw"), null));
        assertTrue(e.getMessage().contains(KeyRing.PASSWORD_FILE_SETTING), e.getMessage());
        assertFalse(good.toString().contains(good.secretKey()));
    }

    private String assertCheckFails(S3Settings settings, String bucket, String named) throws IOException {
        try (S3StorageProvider p = new S3StorageProvider(settings, grid.ring(null))) {
            S3Storage s = p.open("grid", "s3://" + bucket + "/archive", true);
            IOException e = assertThrows(IOException.class, s::check);
            assertTrue(e.getMessage().contains(named), "\"" + named + "\" in: " + e.getMessage());
            return e.getMessage();
        }
    }

    private static Path storedFile(String key) {
        return grid.server.bucketsFolder().resolve(GridFixture.BUCKET).resolve(
                key.contains("archive") ? key : findPrefixed(key));
    }

    private static String findPrefixed(String key) {
        try (Stream<Path> s = Files.walk(grid.server.bucketsFolder().resolve(GridFixture.BUCKET))) {
            Path base = grid.server.bucketsFolder().resolve(GridFixture.BUCKET);
            return s.filter(p -> p.toString().endsWith(key)).findFirst().map(p -> base.relativize(p).toString())
                    .orElseThrow(() -> new AssertionError("no file for " + key));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
