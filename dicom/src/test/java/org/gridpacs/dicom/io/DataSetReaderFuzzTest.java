package org.gridpacs.dicom.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.testutil.TestData;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the reader: valid encodings (implicit, explicit, big endian, deflated, defined and
 * undefined lengths, UN sequences, encapsulated pixel data) with bits flipped, length fields rewritten, bytes
 * inserted, deleted and cut off. Whatever the input, reading ends quickly, allocates little, and fails, if it
 * fails, with an {@link IOException}: never a RuntimeException, OutOfMemoryError or StackOverflowError.
 */
class DataSetReaderFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", 0x5EED_D1C0L);
    private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 5000);
    private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(Long.getLong("fuzz.seconds", 20));
    private static final long ITERATION_TIMEOUT_MS = 2000;
    private static final long MAX_ALLOCATION = 32 << 20;

    /** A seed input: its bytes and how to read them (null transfer syntax: a Part 10 file). */
    private record Input(String name, byte[] bytes, TransferSyntax bare) {
    }

    private static List<Input> inputs() throws IOException {
        List<Input> inputs = new ArrayList<>();
        DataSet rich = Samples.rich();
        for (TransferSyntax ts : Samples.NATIVE) {
            inputs.add(new Input("rich " + ts, Samples.encodePart10(rich, ts), null));
        }
        inputs.add(new Input("defined lengths, explicit LE", new TestEncoder(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)
                .dataSet(rich, new Random(1)::nextBoolean).toByteArray(), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        inputs.add(new Input("defined lengths, big endian", new TestEncoder(TransferSyntax.EXPLICIT_VR_BIG_ENDIAN)
                .dataSet(rich, () -> true).toByteArray(), TransferSyntax.EXPLICIT_VR_BIG_ENDIAN));
        inputs.add(new Input("defined lengths, implicit", new TestEncoder(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN)
                .dataSet(rich, new Random(2)::nextBoolean).toByteArray(), TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN));
        inputs.add(new Input("UN sequence", unSequence(), TransferSyntax.EXPLICIT_VR_BIG_ENDIAN));

        DataSet encapsulated = Samples.encapsulated();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        DicomOutputStream out = new DicomOutputStream(bytes);
        out.writeFileMetaInformation(FileMetaInformation.create(Samples.SOP_CLASS, Samples.SOP_INSTANCE,
                "1.2.840.10008.1.2.4.50", null));
        out.writeDataSet(encapsulated);
        out.finish();
        inputs.add(new Input("encapsulated", bytes.toByteArray(), null));
        for (String name : List.of("SC_rgb_small_odd_jpeg.dcm", "UN_sequence.dcm", "MR_small_bigendian.dcm")) {
            inputs.add(new Input(name, Files.readAllBytes(TestData.pydicomFile(name)), null));
        }
        return inputs;
    }

    /** Big endian explicit VR with a UN sequence of undefined length (implicit VR little endian inside). */
    private static byte[] unSequence() {
        TestEncoder e = new TestEncoder(true, true);
        e.element(Tag.PatientID, VR.LO, "ID01".getBytes());
        e.header(Tag.SourceImageSequence, VR.UN, -1);
        TestEncoder items = new TestEncoder(false, false);
        items.item(-1).header(Tag.ReferencedSOPInstanceUID, VR.UI, 8).raw("1.2.3.4\0".getBytes());
        items.header(Tag.PurposeOfReferenceCodeSequence, VR.SQ, 18).item(10).header(Tag.CodeValue, VR.SH, 2).raw("AB".getBytes());
        items.itemEnd().item(0).sequenceEnd();
        e.raw(items.toByteArray());
        e.element(Tag.Rows, VR.US, new byte[] {1, 2});
        return e.toByteArray();
    }

    // ---------------------------------------------------------------- mutations

    private static final long[] INTERESTING = {0, 1, 2, 3, 4, 7, 8, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF,
        0x10000, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFF0L, 0xFFFFFFFEL, 0xFFFFFFFFL};

    /** Applies one to three random mutations; describes them in {@code log}. */
    private static byte[] mutate(byte[] in, Random r, StringBuilder log) {
        byte[] b = in;
        int n = 1 + r.nextInt(3);
        for (int m = 0; m < n && b.length > 0; m++) {
            int p = r.nextInt(b.length);
            switch (r.nextInt(8)) {
                case 0 -> { // flip bits
                    int flips = 1 + r.nextInt(4);
                    b = b.clone();
                    for (int k = 0; k < flips; k++) {
                        int q = r.nextInt(b.length);
                        b[q] ^= (byte) (1 << r.nextInt(8));
                    }
                    log.append("flip ").append(flips).append(" bits; ");
                }
                case 1 -> { // a random byte
                    b = b.clone();
                    b[p] = (byte) r.nextInt(256);
                    log.append("byte at ").append(p).append("; ");
                }
                case 2, 3 -> { // an interesting 16- or 32-bit value where a length field may be (even offsets)
                    b = b.clone();
                    p &= ~1;
                    long v = INTERESTING[r.nextInt(INTERESTING.length)];
                    int width = r.nextBoolean() ? 4 : 2;
                    boolean big = r.nextBoolean();
                    for (int k = 0; k < width && p + k < b.length; k++) {
                        int shift = 8 * (big ? width - 1 - k : k);
                        b[p + k] = (byte) (v >>> shift);
                    }
                    log.append(String.format("value %X (%d bytes) at %d; ", v, width, p));
                }
                case 4 -> { // the length after an item or delimiter tag
                    int q = itemTagAfter(b, p);
                    if (q >= 0 && q + 8 <= b.length) {
                        b = b.clone();
                        long v = INTERESTING[r.nextInt(INTERESTING.length)];
                        for (int k = 0; k < 4; k++) {
                            b[q + 4 + k] = (byte) (v >>> (8 * k));
                        }
                        log.append(String.format("item length %X at %d; ", v, q));
                    }
                }
                case 5 -> { // insert random bytes, or a copy of a piece of the input
                    int len = 1 + r.nextInt(16);
                    byte[] piece = new byte[len];
                    if (r.nextBoolean()) {
                        r.nextBytes(piece);
                    } else {
                        int from = r.nextInt(b.length);
                        piece = Arrays.copyOfRange(b, from, Math.min(b.length, from + 8 * len));
                    }
                    byte[] c = new byte[b.length + piece.length];
                    System.arraycopy(b, 0, c, 0, p);
                    System.arraycopy(piece, 0, c, p, piece.length);
                    System.arraycopy(b, p, c, p + piece.length, b.length - p);
                    b = c;
                    log.append("insert ").append(piece.length).append(" at ").append(p).append("; ");
                }
                case 6 -> { // delete a range
                    int len = Math.min(b.length - p, 1 + r.nextInt(64));
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, p);
                    System.arraycopy(b, p + len, c, p, b.length - p - len);
                    b = c;
                    log.append("delete ").append(len).append(" at ").append(p).append("; ");
                }
                default -> { // truncate
                    b = Arrays.copyOf(b, p);
                    log.append("truncate at ").append(p).append("; ");
                }
            }
        }
        return b;
    }

    /** The offset of the first item, item delimiter or sequence delimiter tag (LE or BE) at or after {@code from}. */
    private static int itemTagAfter(byte[] b, int from) {
        for (int q = from; q + 4 <= b.length; q++) {
            boolean le = b[q] == (byte) 0xFE && b[q + 1] == (byte) 0xFF && (b[q + 3] & 0xFF) == 0xE0;
            boolean be = b[q] == (byte) 0xFF && b[q + 1] == (byte) 0xFE && (b[q + 2] & 0xFF) == 0xE0;
            if (le || be) {
                return q;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- reading

    /** What one read did: {@code kind} is "read" or the exception's class; {@code problem} null unless it broke. */
    private record Outcome(String kind, String problem) {
    }

    private static Outcome read(byte[] data, TransferSyntax bare, int mode) {
        String kind = "read";
        long before = allocatedBytes();
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(data))) {
            if (bare != null) {
                in.setTransferSyntax(bare);
            } else {
                in.readFileMetaInformation();
            }
            switch (mode) {
                case 0 -> in.readDataSet();
                case 1 -> {
                    in.setBulkDataThreshold(32);
                    in.readDataSet();
                }
                default -> {
                    in.readDataSet(Tag.PixelData);
                    in.copyRemainderTo(OutputStream.nullOutputStream());
                }
            }
        } catch (IOException e) {
            kind = e.getClass().getSimpleName();
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                return new Outcome(kind, "IOException without a message: " + stackTrace(e));
            }
        } catch (Throwable t) { // RuntimeException, OutOfMemoryError, StackOverflowError...
            return new Outcome(t.getClass().getSimpleName(), stackTrace(t));
        }
        long allocated = allocatedBytes() - before;
        if (allocated > MAX_ALLOCATION) {
            return new Outcome(kind, allocated + " bytes allocated for an input of " + data.length);
        }
        return new Outcome(kind, null);
    }

    @Test
    void mutatedInputsFailOnlyWithIOExceptions() throws Exception {
        List<Input> inputs = inputs();
        for (Input input : inputs) { // every seed itself reads
            Outcome outcome = read(input.bytes, input.bare, 0);
            assertEquals("read", outcome.kind, input.name + ": " + outcome.problem);
            DataSet ds = input.bare != null ? Samples.decode(input.bytes, input.bare)
                    : Samples.decodePart10(input.bytes).dataSet();
            assertTrue(!ds.isEmpty(), input.name);
        }
        Random random = new Random(SEED);
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-reader");
            t.setDaemon(true); // a reader that hangs must not keep the test JVM alive
            return t;
        });
        Map<String, String> failures = new LinkedHashMap<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        long start = System.nanoTime();
        long slowest = 0;
        int iterations = 0;
        try {
            for (; iterations < ITERATIONS && System.nanoTime() - start < BUDGET_NANOS; iterations++) {
                Input input = inputs.get(random.nextInt(inputs.size()));
                StringBuilder log = new StringBuilder();
                byte[] mutated = mutate(input.bytes, random, log);
                int mode = iterations % 3;
                long t0 = System.nanoTime();
                Future<Outcome> f = worker.submit(() -> read(mutated, input.bare, mode));
                Outcome outcome;
                try {
                    outcome = f.get(ITERATION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    f.cancel(true);
                    outcome = new Outcome("timeout", "no result after " + ITERATION_TIMEOUT_MS + " ms (hang?)");
                }
                slowest = Math.max(slowest, System.nanoTime() - t0);
                outcomes.merge(outcome.kind, 1, Integer::sum);
                String problem = outcome.problem;
                if (problem != null) {
                    String key = "#" + iterations + " " + input.name + " mode " + mode + ": " + log;
                    failures.put(key, problem);
                    save(iterations, mutated);
                    if (failures.size() >= 10 || problem.startsWith("no result")) {
                        break;
                    }
                }
            }
        } finally {
            worker.shutdownNow();
        }
        System.out.printf("fuzz: %d iterations in %d ms, slowest %d ms, %s%n", iterations,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), TimeUnit.NANOSECONDS.toMillis(slowest), outcomes);
        if (!failures.isEmpty()) {
            StringBuilder sb = new StringBuilder(failures.size() + " mutated inputs broke the reader:\n");
            failures.forEach((k, v) -> sb.append(k).append("\n  ").append(v.replace("\n", "\n  ")).append('\n'));
            fail(sb.toString());
        }
        assertTrue(iterations >= 1000, "only " + iterations + " iterations in the time budget");
        // the mutations matter: most inputs break, some still read
        assertTrue(outcomes.getOrDefault("read", 0) > iterations / 50, outcomes.toString());
        assertTrue(outcomes.getOrDefault("EOFException", 0) > iterations / 10, outcomes.toString());
        assertTrue(outcomes.getOrDefault("DicomStreamException", 0) > iterations / 10, outcomes.toString());
    }

    private static void save(int iteration, byte[] data) {
        try {
            Path dir = Path.of("target", "fuzz-failures");
            Files.createDirectories(dir);
            Files.write(dir.resolve("input-" + iteration + ".bin"), data);
        } catch (IOException ignored) {
            // only a debugging aid
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        String[] lines = w.toString().split("\n");
        return String.join("\n", Arrays.copyOf(lines, Math.min(lines.length, 8)));
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
