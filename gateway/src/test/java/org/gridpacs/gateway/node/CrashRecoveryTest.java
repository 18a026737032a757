package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.net.pdu.RoleSelection;
import org.gridpacs.gateway.synthetic.SyntheticCtSeries;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.gridpacs.dicom.testutil.ProcessTest;

/**
 * kill -9 of a node in the middle of an upload loses nothing it acknowledged and leaves nothing half done.
 *
 * <p>The node runs as its own process ({@code scripts/pacs node}, fsync on, the shipped defaults otherwise).
 * Sixteen associations upload sixteen studies of synthetic CT at once, each sender recording exactly which SOP
 * Instance UIDs got a success status. After a seeded number of successes (between a fifth and four fifths of the
 * upload) and a seeded few milliseconds more, the node gets SIGKILL: no shutdown hook, no H2 close, writes and
 * commits caught wherever they are. It is then restarted on the same data folder (its startup repair runs), and:
 * <ul>
 * <li>every acknowledged instance is found by C-FIND at IMAGE level, and C-GET gives back exactly what was sent,
 *     element by element (so do the instances that were stored but whose response the kill cut off);</li>
 * <li>the senders can resend what was not acknowledged, and every instance is then stored once;</li>
 * <li>after a clean stop, in the index database: every location row's file exists with the size and CRC-32C the
 *     row records, every file in storage is named by a row, the study and series counts agree with the rows,
 *     and no temporary file is left in storage.</li>
 * </ul>
 * The kill threshold is fixed by the seed; where exactly the kill falls (mid-file, between the file and the index
 * commit, between the commit and the response) depends on thread scheduling, which the log line of each run
 * shows through the startup check's counts. {@code -Dcrash.extraConfig="key = value"} adds a line to the node's
 * configuration, to run the same test against another setting (e.g. another {@code index.url}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ProcessTest
class CrashRecoveryTest {
    static final Path LAUNCHER = Path.of("..", "scripts", "pacs").toAbsolutePath().normalize();
    static final int SENDERS = 16;
    static final int PER_SENDER = 40;
    static final int TOTAL = SENDERS * PER_SENDER;
    static final String AET = "PACS";
    static final String CALLING = "CRASHTEST";

    /** One generated instance: its file, where its data set starts, and the UIDs of its hierarchy. */
    record Sent(Path file, long dataSetOffset, String sopInstanceUID, String seriesUID, String studyUID) {
    }

    @TempDir
    static Path generated;
    /** Per sender, its instances in sending order. */
    static final List<List<Sent>> PLAN = new ArrayList<>();
    static final Map<String, Sent> BY_UID = new HashMap<>();

    @BeforeAll
    static void generate() throws IOException {
        // 256 x 256: 128 KiB instances keep the test quick; four patients shared by the sixteen studies, so that
        // concurrent stores also race to create the same patient rows
        SyntheticCtSeries ct = new SyntheticCtSeries(256, 256, 1.5, 3.0);
        for (int s = 0; s < SENDERS; s++) {
            Path dir = generated.resolve("sender" + s);
            ct.write(dir, PER_SENDER, "CRASH" + (s % 4), "Crash^Patient" + (s % 4));
            List<Sent> mine = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    Sent sent = probe(f);
                    mine.add(sent);
                    BY_UID.put(sent.sopInstanceUID(), sent);
                }
            }
            PLAN.add(mine);
        }
        assertEquals(TOTAL, BY_UID.size());
    }

    static Sent probe(Path file) throws IOException {
        try (DicomInputStream in = new DicomInputStream(Files.newInputStream(file))) {
            in.readFileMetaInformation();
            long offset = in.position();
            DataSet ds = in.readDataSet(Tag.PixelData);
            return new Sent(file, offset, ds.getString(Tag.SOPInstanceUID), ds.getString(Tag.SeriesInstanceUID),
                    ds.getString(Tag.StudyInstanceUID));
        }
    }

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {2L, 20261121L, 24L})
    void acknowledgedInstancesSurviveKillDashNine(long seed) throws Exception {
        Random random = new Random(seed);
        int killAfter = TOTAL / 5 + random.nextInt(TOTAL * 3 / 5);
        int extraDelayMillis = random.nextInt(15);
        Path data = tmp.resolve("data");
        Path config = tmp.resolve("node.properties");
        Files.writeString(config, String.join("\n",
                "dicom.aeTitle = " + AET,
                "dicom.bindAddress = 127.0.0.1",
                "http.port = 0",
                "storage.fsync = true",
                "store.duplicatePolicy = REJECT", System.getProperty("crash.extraConfig", ""), ""));

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Set<String> inFlight = ConcurrentHashMap.newKeySet();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        String repairSummary;
        NodeProcess node = NodeProcess.start(data, config, tmp.resolve("node-1.log"));
        try {
            // 1. the upload, killed part way
            CountDownLatch reached = new CountDownLatch(1);
            AtomicInteger successes = new AtomicInteger();
            List<Thread> senders = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                List<Sent> mine = PLAN.get(s);
                Thread t = new Thread(() -> send(node.port, mine, acknowledged, inFlight, failures, () -> {
                    if (successes.incrementAndGet() == killAfter) {
                        reached.countDown();
                    }
                }), "sender-" + s);
                senders.add(t);
            }
            long start = System.nanoTime();
            senders.forEach(Thread::start);
            assertTrue(reached.await(60, TimeUnit.SECONDS), "the upload never reached " + killAfter + " successes; "
                    + "failures: " + failures + node.log());
            Thread.sleep(extraDelayMillis);
            node.kill();
            long killedAt = System.nanoTime();
            for (Thread t : senders) {
                t.join(30_000);
                assertTrue(!t.isAlive(), t.getName() + " still runs 30 s after the kill");
            }
            assertTrue(failures.isEmpty(), "refusals before the kill: " + failures + node.log());
            assertTrue(acknowledged.size() >= killAfter && acknowledged.size() < TOTAL,
                    acknowledged.size() + " acknowledged: the kill did not fall mid-upload");
            System.out.printf("seed %d: killed after %d successes (+%d ms, %.1f s into the upload); %d acknowledged, "
                            + "%d in flight%n", seed, killAfter, extraDelayMillis, (killedAt - start) / 1e9,
                    acknowledged.size(), inFlight.size());
        } finally {
            node.kill();
        }

        NodeProcess restarted = NodeProcess.start(data, config, tmp.resolve("node-2.log"));
        try {
            repairSummary = restarted.repairSummary();
            // 2. every acknowledged instance is found, and comes back as sent
            Map<String, String> found = findAll(restarted.port);
            Set<String> lost = new TreeSet<>(acknowledged);
            lost.removeAll(found.keySet());
            assertTrue(lost.isEmpty(), lost.size() + " acknowledged instances are not found after the restart: "
                    + lost + "\n" + repairSummary);
            for (String uid : found.keySet()) {
                assertTrue(BY_UID.containsKey(uid), "found an instance nobody sent: " + uid);
            }
            Set<String> unacknowledgedButStored = new HashSet<>(found.keySet());
            unacknowledgedButStored.removeAll(acknowledged);
            Set<String> retrieved = getAndCompare(restarted.port);
            assertEquals(found.keySet(), retrieved, "C-GET gave back other instances than C-FIND found");

            // 3. the senders resend what they did not hear about; all of it is then stored, once
            List<List<Sent>> resend = new ArrayList<>();
            for (List<Sent> mine : PLAN) {
                resend.add(mine.stream().filter(i -> !acknowledged.contains(i.sopInstanceUID())).toList());
            }
            Set<String> reacknowledged = ConcurrentHashMap.newKeySet();
            List<Thread> senders = new ArrayList<>();
            for (List<Sent> part : resend) {
                senders.add(new Thread(() -> send(restarted.port, part, reacknowledged, ConcurrentHashMap.newKeySet(),
                        failures, () -> { })));
            }
            senders.forEach(Thread::start);
            for (Thread t : senders) {
                t.join(60_000);
            }
            assertTrue(failures.isEmpty(), "refusals of the resent instances: " + failures + restarted.log());
            assertEquals(TOTAL - acknowledged.size(), reacknowledged.size());
            assertEquals(BY_UID.keySet(), findAll(restarted.port).keySet());
            System.out.printf("seed %d: after the restart %d found (%d stored though never acknowledged), all %d "
                            + "retrieved equal to what was sent; %d resent, all acknowledged. %s%n", seed,
                    found.size(), unacknowledgedButStored.size(), retrieved.size(), reacknowledged.size(), repairSummary);
        } finally {
            restarted.stop();
        }

        // 4. after a clean stop: index rows, files and checksums agree; no temporary file is left
        checkIndexAgainstStorage(data);
    }

    // ------------------------------------------------------------------ senders

    /** Stores {@code instances} over one association; stops at the first broken association (the kill). */
    static void send(int port, List<Sent> instances, Set<String> acknowledged, Set<String> inFlight,
                     List<String> failures, Runnable onSuccess) {
        if (instances.isEmpty()) {
            return;
        }
        AAssociateRQ rq = new AAssociateRQ(CALLING, AET);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.CTImageStorage, UID.ExplicitVRLittleEndian));
        String current = null;
        try (Association as = new Connector(NetworkSettings.DEFAULT).connect("127.0.0.1", port, rq, null)) {
            for (Sent i : instances) {
                current = i.sopInstanceUID();
                DimseResponse rsp = as.store(UID.CTImageStorage, i.sopInstanceUID(), UID.ExplicitVRLittleEndian,
                        out -> {
                            try (InputStream in = Files.newInputStream(i.file())) {
                                in.skipNBytes(i.dataSetOffset());
                                in.transferTo(out);
                            }
                        }, null, 0);
                if (rsp.status() == Status.SUCCESS) {
                    acknowledged.add(i.sopInstanceUID());
                    onSuccess.run();
                } else {
                    failures.add(i.sopInstanceUID() + ": " + rsp.describe());
                    return;
                }
                current = null;
            }
            as.release();
        } catch (IOException e) {
            // the node was killed: the instance being sent may or may not have been stored
            if (current != null) {
                inFlight.add(current);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ query and retrieve

    /** C-FIND at IMAGE level, series by series: every SOP Instance UID found, with its series. */
    static Map<String, String> findAll(int port) throws Exception {
        Map<String, String> found = new LinkedHashMap<>();
        AAssociateRQ rq = new AAssociateRQ(CALLING, AET);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelFind,
                UID.ExplicitVRLittleEndian));
        try (Association as = new Connector(NetworkSettings.DEFAULT).connect("127.0.0.1", port, rq, null)) {
            for (List<Sent> mine : PLAN) {
                Sent first = mine.get(0);
                DataSet keys = new DataSet();
                keys.setString(Tag.QueryRetrieveLevel, VR.CS, "IMAGE");
                keys.setString(Tag.StudyInstanceUID, VR.UI, first.studyUID());
                keys.setString(Tag.SeriesInstanceUID, VR.UI, first.seriesUID());
                keys.setString(Tag.SOPInstanceUID, VR.UI, "");
                DimseResponse last = as.find(UID.StudyRootQueryRetrieveInformationModelFind, keys,
                        match -> found.put(match.getString(Tag.SOPInstanceUID), first.seriesUID()));
                assertEquals(Status.SUCCESS, last.status(), "C-FIND: " + last.describe());
            }
            as.release();
        }
        return found;
    }

    /**
     * C-GET of each study; every instance that arrives must equal, element by element, the data set that was sent
     * under its UID. Returns the SOP Instance UIDs received.
     */
    static Set<String> getAndCompare(int port) throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        List<String> differences = new java.util.concurrent.CopyOnWriteArrayList<>();
        Services services = new Services().store((request, data) -> {
            Sent sent = BY_UID.get(request.sopInstanceUID());
            if (sent == null) {
                differences.add("C-GET sent an unknown instance " + request.sopInstanceUID());
                throw new DimseException(Status.PROCESSING_FAILURE, "unknown instance");
            }
            DicomInputStream in = new DicomInputStream(data);
            in.setTransferSyntax(TransferSyntax.of(request.transferSyntaxUID()));
            DataSet got = in.readDataSet();
            DataSet expected;
            try (DicomInputStream file = new DicomInputStream(Files.newInputStream(sent.file()))) {
                file.readFileMetaInformation();
                expected = file.readDataSet();
            }
            if (!expected.equals(got)) {
                differences.add(request.sopInstanceUID() + " differs from what was sent");
            }
            received.add(request.sopInstanceUID());
            return Status.SUCCESS;
        });
        AAssociateRQ rq = new AAssociateRQ(CALLING, AET);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelGet,
                UID.ExplicitVRLittleEndian));
        rq.addPresentationContext(new PresentationContext.RQ(3, UID.CTImageStorage, UID.ExplicitVRLittleEndian));
        rq.userInformation().addRoleSelection(new RoleSelection(UID.CTImageStorage, false, true));
        try (Association as = new Connector(NetworkSettings.DEFAULT).connect("127.0.0.1", port, rq, services)) {
            for (List<Sent> mine : PLAN) {
                DataSet keys = new DataSet();
                keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
                keys.setString(Tag.StudyInstanceUID, VR.UI, mine.get(0).studyUID());
                DimseResponse last = as.get(UID.StudyRootQueryRetrieveInformationModelGet, keys, rsp -> { });
                // a study nothing of which was stored has nothing to retrieve: success with no sub-operations
                assertEquals(Status.SUCCESS, last.status(), "C-GET: " + last.describe());
                assertEquals(0, last.failed(), "C-GET: " + last.describe());
            }
            as.release();
        }
        assertTrue(differences.isEmpty(), differences.toString());
        return received;
    }

    // ------------------------------------------------------------------ the index against the storage

    static void checkIndexAgainstStorage(Path data) throws Exception {
        IndexStorageCheck.Result r = IndexStorageCheck.check(data, "fs1");
        List<String> problems = new ArrayList<>(r.problems());
        r.unnamedFiles().forEach(key -> problems.add("file no index row names: " + key));
        for (IndexStorageCheck.Location l : r.locations()) {
            if (!"fs1".equals(l.storageId())) {
                problems.add(l.sopInstanceUID() + ": location " + l.storageId() + " " + l.storageKey() + " "
                        + l.status());
            }
        }
        long keys = r.locationsOf("fs1").stream().map(IndexStorageCheck.Location::storageKey).distinct().count();
        if (r.instances().size() != TOTAL || keys != TOTAL) {
            problems.add(r.instances().size() + " instance rows and " + keys + " locations for " + TOTAL
                    + " instances");
        }
        assertTrue(problems.isEmpty(), problems.size() + " problems:\n" + String.join("\n", problems));
    }

    // ------------------------------------------------------------------ the node process

    /** {@code scripts/pacs node} as a child process; ready once it prints its "ready" line with the port. */
    static final class NodeProcess {
        private static final Pattern READY = Pattern.compile("ready: AE title \\S+, DICOM port (\\d+)");
        final Process process;
        final int port;
        final Path log;

        private NodeProcess(Process process, int port, Path log) {
            this.process = process;
            this.port = port;
            this.log = log;
        }

        /** Starts a node on {@code data} with {@code config}, any free port, stderr to {@code log}. */
        static NodeProcess start(Path data, Path config, Path log) throws Exception {
            ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "node", "--data", data.toString(),
                    "--config", config.toString(), "--port", "0")
                    .redirectError(log.toFile());
            pb.environment().put("PACS_JAVA_OPTS", "-Xmx512m");
            Process p = pb.start();
            try {
                CountDownLatch ready = new CountDownLatch(1);
                AtomicInteger port = new AtomicInteger(-1);
                Thread reader = new Thread(() -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                            StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            Matcher m = READY.matcher(line);
                            if (m.find()) {
                                port.set(Integer.parseInt(m.group(1)));
                                ready.countDown();
                            }
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                    ready.countDown();
                }, "node-stdout");
                reader.setDaemon(true);
                reader.start();
                if (!ready.await(60, TimeUnit.SECONDS) || port.get() < 0) {
                    throw new IOException("the node did not get ready:\n" + Files.readString(log));
                }
                return new NodeProcess(p, port.get(), log);
            } catch (Exception | Error e) {
                p.destroyForcibly();
                throw e;
            }
        }

        /** SIGKILL, and waits until the process is gone. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        /** SIGTERM (the node stops cleanly: its shutdown hook closes the index), SIGKILL if that takes too long. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }

        /** The startup check's summary line from the log. */
        String repairSummary() throws IOException {
            return Files.readAllLines(log).stream().filter(l -> l.contains("Startup check of storage"))
                    .map(l -> l.substring(l.indexOf("Startup check"))).findFirst().orElse("(no startup check logged)");
        }

        String log() {
            try {
                return "\n--- node log:\n" + Files.readString(log);
            } catch (IOException e) {
                return "\n(node log unreadable: " + e + ")";
            }
        }
    }
}
