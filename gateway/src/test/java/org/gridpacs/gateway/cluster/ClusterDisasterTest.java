package org.gridpacs.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.gateway.cluster.ClusterInspector.Copy;
import org.gridpacs.gateway.cluster.ClusterInspector.StudyRef;
import org.gridpacs.gateway.node.IndexStorageCheck;
import org.gridpacs.gateway.synthetic.SyntheticCtSeries;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.gridpacs.dicom.testutil.ProcessTest;

/**
 * The disaster test: a node of the cluster killed (kill -9) while eight clients upload and eight others download
 * through HAProxy loses nothing that was acknowledged, and the cluster heals.
 *
 * <p>Per case (a cluster size and a kill time), one cluster of node processes behind HAProxy
 * ({@link ClusterProcesses}, replication factor 2, write quorum 2, fsync on, repair every 5 s):
 * <ol>
 * <li><b>Warm-up</b> for {@code disaster.warmupSeconds} (2), the same traffic, so that the baseline does not pay
 *     for the fresh JVMs' compilation.</li>
 * <li><b>Baseline, no failure.</b> Eight uploaders each send synthetic CT studies with DCMTK storescu through
 *     HAProxy, one association per study, starting new studies until {@code killAt + tail} seconds have passed;
 *     each paired downloader fetches every study its uploader has finished, with DCMTK getscu through HAProxy.</li>
 * <li><b>Again, with a kill.</b> New studies for as long, and at least as many instances as the baseline
 *     acknowledged. {@code killAt} seconds in (or as soon after as HAProxy shows associations open to the victim,
 *     at most 5 s later, so that the kill cuts transfers in the middle) the victim gets SIGKILL. Clients retry a
 *     failed association with a new one through HAProxy (up to 10 attempts), resending what was not acknowledged.
 *     Measured: how long HAProxy takes to mark the node down, the longest time a client went without service,
 *     and how long the baseline's volume took with the kill against without.</li>
 * <li><b>Repair.</b> The killed node is restarted on its data; the test polls until every acknowledged instance
 *     has its copies (or until nothing changes any more, or a timeout).</li>
 * <li><b>Checks</b>, all of them, every failure reported together: every instance that got a success status
 *     <ul>
 *     <li>is held by min(replicationFactor, nodes) nodes (Part 10 files in their data folders), the copies'
 *         checksums equal;</li>
 *     <li>is listed by C-FIND at IMAGE level on every node, the restarted one included (the index everywhere);</li>
 *     <li>comes back through HAProxy by C-GET, element by element as sent;</li>
 *     <li>after a clean stop, is in every node's index; and each node's index agrees with its storage
 *         ({@link IndexStorageCheck}: its location rows for its own storage name files that exist with the
 *         recorded size and checksum, no temporary file is left, the study and series counts agree with the
 *         instance rows);</li>
 *     </ul>
 *     and every download of a finished study came back whole in the end (a downloader retries up to 10 failed
 *     associations and up to 3 answers "Success" with part of the study).</li>
 * </ol>
 *
 * <p><b>Read after write</b> and <b>orphan files</b> are strict by default: a getscu through HAProxy of a study
 * all of whose instances were acknowledged that ends with status Success but without all of them fails the test,
 * and so does a file in a node's storage that no row of its index names (after the clean stop) unless the node's
 * startup check reported it as holding an instance already indexed with another file (a store cut by the kill,
 * then sent again; the check leaves such a file in place, as KillDurabilityTest expects). Either can be
 * relaxed to a WARNING note in the report, for investigating other failures first:
 * {@code -Ddisaster.strictReadAfterWrite=false}, {@code -Ddisaster.strictOrphanFiles=false}. The read-after-write
 * gap was seen with 3 nodes before a node that is not a study's holder waited for the live peers' announcements
 * (docs/cluster.md, the outbox; docs/operations.md); orphan files were seen when the repair was stopped between
 * dropping a surplus copy's row and its file, before ClusterRepair.close waited for the step in progress.
 *
 * <p>CI runs two cases: 2 nodes and 3 nodes, each killed at 10 s. {@code -Ddisaster.matrix=full} runs 2 and 3
 * nodes x kill at 10, 20 and 40 s; {@code -Ddisaster.cases=3@20,2@40} picks cases. Other knobs (system
 * properties): {@code disaster.pairs} (8), {@code disaster.slices} per study (20), {@code disaster.imageSize} (256
 * pixels square, 128 KiB per slice), {@code disaster.tailSeconds} of baseline upload after the kill time (4),
 * {@code disaster.victim} (node1), {@code disaster.repairTimeoutSeconds} (90), {@code disaster.stableSeconds}
 * (12: give up waiting for repair once nothing has changed this long).
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
@ProcessTest
class ClusterDisasterTest {
    static final int PAIRS = Integer.getInteger("disaster.pairs", 8);
    static final int SLICES = Integer.getInteger("disaster.slices", 20);
    static final int IMAGE_SIZE = Integer.getInteger("disaster.imageSize", 256);
    static final int TAIL_SECONDS = Integer.getInteger("disaster.tailSeconds", 4);
    static final int WARMUP_SECONDS = Integer.getInteger("disaster.warmupSeconds", 2);
    static final String VICTIM = System.getProperty("disaster.victim", "node1");
    static final int REPAIR_TIMEOUT_SECONDS = Integer.getInteger("disaster.repairTimeoutSeconds", 90);
    static final int STABLE_SECONDS = Integer.getInteger("disaster.stableSeconds", 12);
    /** Strict unless -Ddisaster.strictReadAfterWrite=false: an incomplete "Success" download fails the test. */
    static final boolean STRICT_READ_AFTER_WRITE = Boolean.parseBoolean(
            System.getProperty("disaster.strictReadAfterWrite", "true"));
    /** Strict unless -Ddisaster.strictOrphanFiles=false: a stored file no index row names fails the test. */
    static final boolean STRICT_ORPHAN_FILES = Boolean.parseBoolean(
            System.getProperty("disaster.strictOrphanFiles", "true"));
    static final int REPLICATION_FACTOR = 2;
    /** Attempts of a client whose association fails (connection refused, aborted, timed out). */
    static final int MAX_ATTEMPTS = 10;
    /** Answers "Success" with part of a study that a downloader takes before it gives up on the study. */
    static final int MAX_INCOMPLETE = 3;
    static final long CLIENT_TIMEOUT_SECONDS = 180;

    /** One case: a cluster size and when the victim is killed. */
    record Case(int nodes, int killAtSeconds) {
        @Override
        public String toString() {
            return nodes + " nodes, kill -9 of " + VICTIM + " at " + killAtSeconds + " s";
        }
    }

    static Stream<Case> cases() {
        String explicit = System.getProperty("disaster.cases");
        if (explicit != null && !explicit.isBlank()) {
            return Arrays.stream(explicit.split(",")).map(String::strip).map(s -> {
                String[] p = s.split("@");
                return new Case(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
            });
        }
        if ("full".equals(System.getProperty("disaster.matrix"))) {
            List<Case> all = new ArrayList<>();
            for (int n : new int[] {2, 3}) {
                for (int t : new int[] {10, 20, 40}) {
                    all.add(new Case(n, t));
                }
            }
            return all.stream();
        }
        return Stream.of(new Case(2, 10), new Case(3, 10));
    }

    @BeforeAll
    static void tools() {
        Dcmtk.require();
        ClusterProcesses.haproxyBinary();
    }

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ the test

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void acknowledgedInstancesSurviveANodeKilledUnderLoad(Case c) throws Exception {
        Report report = new Report(c);
        Workload work = new Workload(tmp.resolve("generated"));
        ClusterProcesses cluster = ClusterProcesses.builder(tmp.resolve("cluster"))
                .nodes(c.nodes()).replicationFactor(REPLICATION_FACTOR).writeQuorum(REPLICATION_FACTOR)
                .clusterSetting("cluster.repair.intervalSeconds = 5")
                .start();
        try {
            // 0. warm-up (fresh JVMs compile their hot paths), so that the baseline is not slowed by it
            Phase warmup = new Phase("warm-up", cluster, work, WARMUP_SECONDS, 0, null, 0);
            warmup.run();
            report.warmup = warmup;
            // 1. baseline: uploads for killAt + tail seconds, no failure
            Phase baseline = new Phase("baseline", cluster, work, c.killAtSeconds() + TAIL_SECONDS, 0, null, 0);
            baseline.run();
            report.baseline = baseline;
            awaitCopies(cluster, work, report, "after the baseline", 20, 6);

            // 2. the same work, with the victim killed at killAt
            Phase failure = new Phase("failure", cluster, work, c.killAtSeconds() + TAIL_SECONDS,
                    baseline.instances.get(), VICTIM, c.killAtSeconds());
            failure.run();
            report.failure = failure;

            // 3. the victim back on its data; wait for repair
            long t = System.nanoTime();
            cluster.restart(VICTIM);
            report.restartMillis = (System.nanoTime() - t) / 1_000_000;
            measureCatchUp(cluster, work, report, t);
            report.repair = awaitCopies(cluster, work, report, "after the restart", REPAIR_TIMEOUT_SECONDS, STABLE_SECONDS);

            // 4. checks on the running cluster
            checkRunning(cluster, work, report);
        } finally {
            cluster.close();
        }
        // 5. the indexes, nodes stopped
        checkIndexes(cluster, work, report);

        System.out.println(report.summary());
        assertTrue(report.problems.isEmpty(), report.summary() + "\n\nPROBLEMS (" + report.problemCount() + "):\n"
                + report.problemText());
    }

    // ------------------------------------------------------------------ workload

    /** One study as generated and sent: its instances by SOP Instance UID. */
    record Study(int uploader, int number, String studyUID, String seriesUID, Map<String, Path> files, long bytes) {
        StudyRef ref() {
            return new StudyRef(studyUID, seriesUID, files);
        }
    }

    /** Makes studies on demand and remembers every instance sent and every success status received. */
    static final class Workload {
        final Path dir;
        final SyntheticCtSeries ct = new SyntheticCtSeries(IMAGE_SIZE, IMAGE_SIZE, 1.5, 3.0);
        final List<Study> studies = new CopyOnWriteArrayList<>();
        /** SOP Instance UID -> the phase in which it first got a success status. */
        final Map<String, String> acknowledged = new ConcurrentHashMap<>();
        final Map<String, Study> studyOf = new ConcurrentHashMap<>();
        private final AtomicInteger counter = new AtomicInteger();

        Workload(Path dir) {
            this.dir = dir;
        }

        Study generate(int uploader) throws IOException {
            int n = counter.incrementAndGet();
            Path d = dir.resolve("up" + uploader).resolve("study" + n);
            ct.write(d, SLICES, "DIS" + (uploader % 4), "Disaster^Patient" + (uploader % 4));
            Map<String, Path> files = new LinkedHashMap<>();
            String study = null;
            String series = null;
            long bytes = 0;
            try (Stream<Path> s = Files.list(d)) {
                for (Path f : s.sorted().toList()) {
                    try (DicomInputStream in = new DicomInputStream(Files.newInputStream(f))) {
                        in.readFileMetaInformation();
                        DataSet ds = in.readDataSet(Tag.PixelData);
                        files.put(ds.getString(Tag.SOPInstanceUID), f);
                        study = ds.getString(Tag.StudyInstanceUID);
                        series = ds.getString(Tag.SeriesInstanceUID);
                    }
                    bytes += Files.size(f);
                }
            }
            Study st = new Study(uploader, n, study, series, files, bytes);
            studies.add(st);
            files.keySet().forEach(uid -> studyOf.put(uid, st));
            return st;
        }

        /** The studies with at least one acknowledged instance, and only those instances. */
        List<StudyRef> acknowledgedStudies() {
            List<StudyRef> refs = new ArrayList<>();
            for (Study s : studies) {
                Map<String, Path> acked = new LinkedHashMap<>();
                s.files().forEach((uid, f) -> {
                    if (acknowledged.containsKey(uid)) {
                        acked.put(uid, f);
                    }
                });
                if (!acked.isEmpty()) {
                    refs.add(new StudyRef(s.studyUID(), s.seriesUID(), acked));
                }
            }
            return refs;
        }

        /** Every instance sent, acknowledged or not (C-GET may give back one whose response the kill cut off). */
        List<StudyRef> allStudies() {
            return studies.stream().map(Study::ref).toList();
        }
    }

    // ------------------------------------------------------------------ one phase of uploads and downloads

    /** Eight uploader/downloader pairs through HAProxy; optionally a node killed part way. */
    static final class Phase {
        private static final Study END = new Study(-1, -1, null, null, Map.of(), 0);
        final String label;
        final ClusterProcesses cluster;
        final Workload work;
        /** Uploaders start new studies until this many seconds have passed ... */
        final int deadlineSeconds;
        /** ... and this many instances are acknowledged (the failure phase does at least the baseline's work). */
        final long minInstances;
        /** When each success status arrived (System.nanoTime). */
        final java.util.Queue<Long> ackTimes = new java.util.concurrent.ConcurrentLinkedQueue<>();
        final String victim;
        final int killAtSeconds;

        final int[] uploaded = new int[PAIRS];
        final AtomicLong instances = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicInteger uploadAttempts = new AtomicInteger();
        final AtomicInteger failedUploadAttempts = new AtomicInteger();
        final AtomicInteger downloads = new AtomicInteger();
        final AtomicInteger downloadAttempts = new AtomicInteger();
        final AtomicInteger failedDownloadAttempts = new AtomicInteger();
        /** getscu ended with success but gave back fewer instances than the study has. */
        final AtomicInteger incompleteDownloads = new AtomicInteger();
        final List<String> incompleteExamples = new CopyOnWriteArrayList<>();
        /** Per client, the longest time from a failed attempt to the start of the next successful one (ms). */
        final Map<String, Long> longestOutage = new ConcurrentHashMap<>();
        final List<String> clientFailures = new CopyOnWriteArrayList<>();
        final List<String> problems = new CopyOnWriteArrayList<>();
        long startNanos;
        long endNanos;
        long killNanos;
        long markDownMillis = -1;
        int sessionsAtKill;
        String markDownError;

        Phase(String label, ClusterProcesses cluster, Workload work, int deadlineSeconds, long minInstances,
              String victim, int killAtSeconds) {
            this.label = label;
            this.cluster = cluster;
            this.work = work;
            this.minInstances = minInstances;
            this.deadlineSeconds = deadlineSeconds;
            this.victim = victim;
            this.killAtSeconds = killAtSeconds;
        }

        /** How long the phase took to have {@code n} instances acknowledged (ms), -1 if it never did. */
        long millisUntilAcknowledged(long n) {
            List<Long> times = ackTimes.stream().sorted().toList();
            return n < 1 || n > times.size() ? -1 : (times.get((int) n - 1) - startNanos) / 1_000_000;
        }

        long transferMillis() {
            return (endNanos - startNanos) / 1_000_000;
        }

        void run() throws InterruptedException {
            List<Thread> threads = new ArrayList<>();
            startNanos = System.nanoTime();
            for (int i = 0; i < PAIRS; i++) {
                BlockingQueue<Study> finished = new LinkedBlockingQueue<>();
                int u = i;
                threads.add(new Thread(() -> upload(u, finished), label + "-uploader-" + u));
                threads.add(new Thread(() -> download(u, finished), label + "-downloader-" + u));
            }
            Thread killer = null;
            if (victim != null) {
                killer = new Thread(this::kill, label + "-killer");
                killer.start();
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join(TimeUnit.MINUTES.toMillis(10));
                if (t.isAlive()) {
                    problems.add(label + ": " + t.getName() + " still runs after 10 minutes");
                    t.interrupt();
                }
            }
            endNanos = System.nanoTime();
            if (killer != null) {
                killer.join(60_000);
                if (killNanos == 0) {
                    problems.add(label + ": the transfers ended before the kill time (" + killAtSeconds + " s, after "
                            + transferMillis() + " ms): raise disaster.tailSeconds or lower the kill time");
                }
            }
        }

        private void kill() {
            try {
                long at = startNanos + TimeUnit.SECONDS.toNanos(killAtSeconds);
                while (System.nanoTime() < at) {
                    Thread.sleep(Math.max(1, (at - System.nanoTime()) / 1_000_000));
                }
                // the kill should cut associations in the middle: wait (at most 5 s) until the victim has some
                long latest = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!allClientsDone && System.nanoTime() < latest
                        && (sessionsAtKill = cluster.haproxyServer(victim).currentSessions()) == 0) {
                    Thread.sleep(5);
                }
                if (allClientsDone) {
                    return;
                }
                cluster.kill(victim);
                killNanos = System.nanoTime();
                cluster.awaitHaproxyStatus(victim, s -> s.startsWith("DOWN"), Duration.ofSeconds(30));
                markDownMillis = (System.nanoTime() - killNanos) / 1_000_000;
            } catch (Exception e) {
                markDownError = e.toString();
                problems.add(label + ": " + e);
            }
        }

        private volatile boolean allClientsDone;
        private final AtomicInteger clientsRunning = new AtomicInteger(2 * PAIRS);

        private void clientDone() {
            if (clientsRunning.decrementAndGet() == 0) {
                allClientsDone = true;
            }
        }

        private boolean moreToUpload(int u, int done) {
            return System.nanoTime() < startNanos + TimeUnit.SECONDS.toNanos(deadlineSeconds)
                    || instances.get() < minInstances;
        }

        private void upload(int u, BlockingQueue<Study> finished) {
            String aet = "UPLOAD" + u;
            try {
                int done = 0;
                while (moreToUpload(u, done)) {
                    Study s = work.generate(u);
                    if (uploadStudy(aet, s)) {
                        finished.add(s);
                    }
                    done++;
                    uploaded[u] = done;
                }
            } catch (Exception e) {
                problems.add(label + ": " + aet + " failed: " + e);
            } finally {
                finished.add(END);
                clientDone();
            }
        }

        /** Sends the study, resending what was not acknowledged on a new association after a failure. */
        private boolean uploadStudy(String aet, Study s) throws IOException, InterruptedException {
            Map<Path, String> uidOf = new HashMap<>();
            s.files().forEach((uid, f) -> uidOf.put(f, uid));
            List<Path> remaining = new ArrayList<>(s.files().values());
            long failingSince = 0;
            String lastFailure = null;
            for (int attempt = 1; attempt <= MAX_ATTEMPTS && !remaining.isEmpty(); attempt++) {
                uploadAttempts.incrementAndGet();
                long attemptStart = System.nanoTime();
                DcmtkClients.StoreRun run = DcmtkClients.storescu(aet, ClusterProcesses.AET, ClusterProcesses.HOST,
                        cluster.entryPort(), remaining, CLIENT_TIMEOUT_SECONDS);
                for (Path f : run.acknowledged()) {
                    String uid = uidOf.get(f);
                    if (uid != null && work.acknowledged.putIfAbsent(uid, label) == null) {
                        ackTimes.add(System.nanoTime());
                        instances.incrementAndGet();
                        bytes.addAndGet(Files.size(f));
                    }
                }
                remaining.removeAll(run.acknowledged());
                if (run.ok() && remaining.isEmpty()) {
                    if (failingSince != 0) {
                        longestOutage.merge(aet, (attemptStart - failingSince) / 1_000_000, Math::max);
                    }
                    return true;
                }
                failedUploadAttempts.incrementAndGet();
                lastFailure = "exit " + run.exitCode() + (run.refused().isEmpty() ? "" : ", refused " + run.refused().values()
                        .stream().distinct().toList()) + (run.complaint().isEmpty() ? "" : ": " + run.complaint());
                clientFailures.add(String.format("%s %.1f s: %s (study %d, attempt %d, %d acknowledged, %d left)", aet,
                        (System.nanoTime() - startNanos) / 1e9, lastFailure, s.number(), attempt, run.acknowledged().size(),
                        remaining.size()));
                if (failingSince == 0) {
                    failingSince = System.nanoTime();
                }
                Thread.sleep(Math.min(2000, 200L * attempt));
            }
            if (!remaining.isEmpty()) {
                problems.add(label + ": " + aet + " gave up on study " + s.number() + " after " + MAX_ATTEMPTS
                        + " attempts, " + remaining.size() + " instances never acknowledged; last: " + lastFailure);
                return false;
            }
            return true;
        }

        private void download(int u, BlockingQueue<Study> finished) {
            String aet = "DOWNLOAD" + u;
            Path dir = work.dir.resolve("got-" + label + "-" + u);
            try {
                for (Study s = finished.take(); s != END; s = finished.take()) {
                    downloadStudy(aet, s, dir);
                }
            } catch (Exception e) {
                problems.add(label + ": " + aet + " failed: " + e);
            } finally {
                clientDone();
            }
        }

        private void downloadStudy(String aet, Study s, Path dir) throws IOException, InterruptedException {
            long failingSince = 0;
            String last = null;
            int incomplete = 0;
            for (int attempt = 1; attempt <= MAX_ATTEMPTS && incomplete < MAX_INCOMPLETE; attempt++) {
                downloadAttempts.incrementAndGet();
                long attemptStart = System.nanoTime();
                DcmtkClients.GetRun run = DcmtkClients.getscu(aet, ClusterProcesses.AET, ClusterProcesses.HOST,
                        cluster.entryPort(), s.studyUID(), dir, CLIENT_TIMEOUT_SECONDS);
                Set<String> got = new HashSet<>(run.received());
                boolean complete = got.containsAll(s.files().keySet());
                if (run.exitCode() == 0 && complete) {
                    downloads.incrementAndGet();
                    if (failingSince != 0) {
                        longestOutage.merge(aet, (attemptStart - failingSince) / 1_000_000, Math::max);
                    }
                    return;
                }
                if (run.exitCode() == 0 && "Success".equals(run.finalStatus())) {
                    // the archive said "done", yet the study is not all there
                    incompleteDownloads.incrementAndGet();
                    if (incompleteExamples.size() < 5) {
                        incompleteExamples.add(String.format("%s %.1f s: study %d gave %d of %d instances with "
                                        + "status Success", aet, (System.nanoTime() - startNanos) / 1e9, s.number(),
                                got.size(), s.files().size()));
                    }
                    last = "incomplete (" + got.size() + " of " + s.files().size() + ")";
                    incomplete++;
                    Thread.sleep(100);
                    continue;
                }
                failedDownloadAttempts.incrementAndGet();
                last = "exit " + run.exitCode() + ", final status " + run.finalStatus() + ", " + got.size() + " of "
                        + s.files().size() + (run.complaint().isEmpty() ? "" : ": " + run.complaint());
                clientFailures.add(String.format("%s %.1f s: %s (study %d, attempt %d)", aet,
                        (System.nanoTime() - startNanos) / 1e9, last, s.number(), attempt));
                if (failingSince == 0) {
                    failingSince = System.nanoTime();
                }
                Thread.sleep(Math.min(2000, 200L * attempt));
            }
            problems.add(label + ": " + aet + " never got study " + s.number() + " whole (" + incomplete
                    + " incomplete answers with status Success); last: " + last);
        }

        String describe() {
            long ms = transferMillis();
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("%-8s %d studies, %d instances acknowledged (%.1f MB) in %.1f s (%.0f instances/s); "
                            + "%d downloads whole", label, Arrays.stream(uploaded).sum(), instances.get(), bytes.get() / 1e6,
                    ms / 1e3, instances.get() * 1000.0 / Math.max(1, ms), downloads.get()));
            sb.append(String.format("%n         upload attempts %d (%d failed), download attempts %d (%d failed, %d "
                            + "incomplete with status Success)", uploadAttempts.get(), failedUploadAttempts.get(),
                    downloadAttempts.get(), failedDownloadAttempts.get(), incompleteDownloads.get()));
            if (victim != null) {
                sb.append(String.format("%n         %s killed at %.1f s with %d associations open to it; HAProxy marked it "
                                + "down %s", victim, killNanos == 0 ? -1 : (killNanos - startNanos) / 1e9, sessionsAtKill,
                        markDownMillis >= 0 ? "after " + markDownMillis + " ms" : "never (" + markDownError + ")"));
                long worst = longestOutage.values().stream().mapToLong(Long::longValue).max().orElse(0);
                sb.append(String.format("; longest time a client went without service: %d ms (%d clients retried)",
                        worst, longestOutage.size()));
            }
            clientFailures.stream().limit(6).forEach(f -> sb.append("\n         failed: ").append(f));
            if (clientFailures.size() > 6) {
                sb.append("\n         ... ").append(clientFailures.size() - 6).append(" more failed attempts");
            }
            incompleteExamples.forEach(f -> sb.append("\n         incomplete: ").append(f));
            return sb.toString();
        }
    }

    // ------------------------------------------------------------------ copies on the running cluster

    /** The state of every running node at one moment. */
    record Snapshot(Map<String, Map<String, List<Copy>>> copies, Map<String, Set<String>> listed,
                    Map<String, String> findErrors) {
        String signature() {
            StringBuilder sb = new StringBuilder();
            copies.forEach((n, c) -> sb.append(n).append(':').append(c.size()).append('/')
                    .append(listed.getOrDefault(n, Set.of()).size()).append(' '));
            return sb.toString();
        }
    }

    /** What the cluster holds of the acknowledged instances, against what it should. */
    record Evaluation(int expectedCopies, Map<String, Integer> underReplicated, List<String> checksumMismatches,
                      Map<String, Integer> notListed, Map<String, String> findErrors, Map<String, Integer> held) {
        boolean ok() {
            return underReplicated.isEmpty() && checksumMismatches.isEmpty() && notListed.isEmpty() && findErrors.isEmpty();
        }

        String describe() {
            StringBuilder sb = new StringBuilder();
            sb.append("instances held per node ").append(held).append("; ");
            sb.append(underReplicated.size()).append(" acknowledged instances on fewer than ").append(expectedCopies)
                    .append(" nodes");
            if (!underReplicated.isEmpty()) {
                Map<Integer, Long> byCount = underReplicated.values().stream()
                        .collect(Collectors.groupingBy(i -> i, TreeMap::new, Collectors.counting()));
                sb.append(" (by copies found: ").append(byCount).append(')');
            }
            sb.append("; ").append(checksumMismatches.size()).append(" with differing copies; not listed by C-FIND: ")
                    .append(notListed);
            if (!findErrors.isEmpty()) {
                sb.append("; C-FIND failed: ").append(findErrors);
            }
            return sb.toString();
        }
    }

    private static final ClusterInspector INSPECTOR = new ClusterInspector();

    static Snapshot snapshot(ClusterProcesses cluster, Collection<StudyRef> studies) throws IOException, InterruptedException {
        Map<String, Map<String, List<Copy>>> copies = new LinkedHashMap<>();
        Map<String, Set<String>> listed = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        for (ClusterProcesses.Node n : cluster.runningNodes()) {
            copies.put(n.name(), INSPECTOR.copies(n.dataDir()));
            try {
                listed.put(n.name(), ClusterInspector.find(n.dicomPort(), studies));
            } catch (IOException e) {
                errors.put(n.name(), e.getMessage());
            }
        }
        return new Snapshot(copies, listed, errors);
    }

    static Evaluation evaluate(ClusterProcesses cluster, Workload work, Snapshot s) {
        int expected = Math.min(cluster.replicationFactor(), s.copies().size());
        Map<String, Integer> under = new TreeMap<>();
        List<String> mismatches = new ArrayList<>();
        Map<String, Integer> notListed = new TreeMap<>();
        Map<String, Integer> held = new TreeMap<>();
        for (String uid : work.acknowledged.keySet()) {
            int holders = 0;
            Set<String> checksums = new HashSet<>();
            for (Map.Entry<String, Map<String, List<Copy>>> node : s.copies().entrySet()) {
                List<Copy> c = node.getValue().get(uid);
                if (c != null && !c.isEmpty()) {
                    holders++;
                    c.forEach(copy -> checksums.add(copy.crc32c()));
                }
            }
            if (holders < expected) {
                under.put(uid, holders);
            }
            if (checksums.size() > 1) {
                mismatches.add(uid + " " + checksums);
            }
        }
        s.copies().forEach((node, c) -> held.put(node, (int) c.keySet().stream().filter(work.acknowledged::containsKey).count()));
        s.listed().forEach((node, l) -> {
            long missing = work.acknowledged.keySet().stream().filter(uid -> !l.contains(uid)).count();
            if (missing > 0) {
                notListed.put(node, (int) missing);
            }
        });
        return new Evaluation(expected, under, mismatches, notListed, s.findErrors(), held);
    }

    /** How the wait for copies went. */
    record RepairWait(boolean reached, long millis, String why, Evaluation last) {
    }

    /**
     * Polls (every 2 s) until every acknowledged instance has its copies and is listed everywhere; gives up after
     * {@code timeoutSeconds}, or once nothing has changed for {@code stableSeconds}.
     */
    static RepairWait awaitCopies(ClusterProcesses cluster, Workload work, Report report, String when,
                                  int timeoutSeconds, int stableSeconds) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        String signature = null;
        long changedAt = start;
        Evaluation e;
        String why;
        while (true) {
            Snapshot s = snapshot(cluster, work.acknowledgedStudies());
            e = evaluate(cluster, work, s);
            if (e.ok()) {
                why = "all copies in place";
                break;
            }
            if (!s.signature().equals(signature)) {
                signature = s.signature();
                changedAt = System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                why = "timed out after " + timeoutSeconds + " s";
                break;
            }
            if (System.nanoTime() - changedAt > TimeUnit.SECONDS.toNanos(stableSeconds)) {
                why = "nothing changed for " + stableSeconds + " s";
                break;
            }
            Thread.sleep(2000);
        }
        RepairWait w = new RepairWait(e.ok(), (System.nanoTime() - start) / 1_000_000, why, e);
        report.notes.add(String.format("copies %s: %s after %.1f s; %s", when, why, w.millis() / 1e3, e.describe()));
        if (!e.ok()) {
            report.problem("copies " + when, e.describe());
            e.underReplicated().entrySet().stream().limit(5).forEach(u -> report.problem("copies " + when,
                    "for example " + u.getKey() + " (study " + work.studyOf.get(u.getKey()).number() + ", acknowledged in "
                            + work.acknowledged.get(u.getKey()) + ") is on " + u.getValue() + " node(s)"));
            e.checksumMismatches().stream().limit(5).forEach(m -> report.problem("copies " + when, "differing copies: " + m));
        }
        return w;
    }

    /**
     * From the restart on: when HAProxy puts the victim back in rotation, and when the victim's own C-FIND lists
     * every acknowledged instance. Between the two, a query or retrieve that HAProxy hands to it does not see
     * what was stored while it was down: the figure is reported, not failed (the checks after repair are).
     */
    static void measureCatchUp(ClusterProcesses cluster, Workload work, Report report, long restartNanos)
            throws InterruptedException {
        java.util.concurrent.CompletableFuture<Long> up = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                cluster.awaitHaproxyStatus(VICTIM, st -> st.startsWith("UP"), Duration.ofSeconds(REPAIR_TIMEOUT_SECONDS));
                return System.nanoTime();
            } catch (Exception e) {
                return -1L;
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REPAIR_TIMEOUT_SECONDS);
        long listedAt = -1;
        long missingAtUp = -1;
        List<StudyRef> studies = work.acknowledgedStudies();
        while (System.nanoTime() < deadline && listedAt < 0) {
            long started = System.nanoTime();
            try {
                Set<String> listed = ClusterInspector.find(cluster.node(VICTIM).dicomPort(), studies);
                long missing = work.acknowledged.keySet().stream().filter(u -> !listed.contains(u)).count();
                Long upAt = up.getNow(null);
                if (upAt != null && upAt > 0 && upAt <= started && missingAtUp < 0) {
                    missingAtUp = missing; // the first look that began with the node in rotation
                }
                if (missing == 0) {
                    listedAt = System.nanoTime();
                }
            } catch (IOException e) {
                // not answering yet
            }
            Thread.sleep(100);
        }
        long upAt;
        try {
            upAt = up.get(REPAIR_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            upAt = -1;
        }
        report.notes.add(String.format("catch-up: %s back in HAProxy %s after its restart, its C-FIND lists every "
                        + "acknowledged instance %s after its restart%s", VICTIM,
                upAt < 0 ? "never" : String.format("%.1f s", (upAt - restartNanos) / 1e9),
                listedAt < 0 ? "never" : String.format("%.1f s", (listedAt - restartNanos) / 1e9),
                missingAtUp > 0 ? String.format("; in rotation, its index still lacked %d of %d (a query HAProxy "
                        + "sent it then missed those)", missingAtUp, work.acknowledged.size()) : ""));
    }

    // ------------------------------------------------------------------ checks

    static void checkRunning(ClusterProcesses cluster, Workload work, Report report) throws Exception {
        for (Phase p : List.of(report.warmup, report.baseline, report.failure)) {
            p.problems.forEach(x -> report.problem(p.label + " transfers", x));
            if (p.incompleteDownloads.get() > 0) {
                String text = p.incompleteDownloads.get() + " of " + p.downloadAttempts.get() + " downloads of "
                        + "fully acknowledged studies ended with status Success but without the whole study, e.g. "
                        + p.incompleteExamples;
                if (STRICT_READ_AFTER_WRITE) {
                    report.problem(p.label + " read after write", text);
                } else {
                    report.notes.add("WARNING read after write, " + p.label + ": " + text);
                }
            }
        }
        // the restarted node lists everything
        ClusterProcesses.Node victim = cluster.node(VICTIM);
        Set<String> listed;
        try {
            listed = ClusterInspector.find(victim.dicomPort(), work.acknowledgedStudies());
            long missing = work.acknowledged.keySet().stream().filter(u -> !listed.contains(u)).count();
            long missedWhileDown = work.acknowledged.entrySet().stream()
                    .filter(en -> en.getValue().equals("failure") && !listed.contains(en.getKey())).count();
            report.notes.add(String.format("%s after its restart lists %d of %d acknowledged instances", VICTIM,
                    work.acknowledged.size() - missing, work.acknowledged.size()));
            if (missing > 0) {
                report.problem("catch-up", VICTIM + " restarted does not list " + missing + " acknowledged instances ("
                        + missedWhileDown + " of them stored in the failure phase)");
            }
        } catch (IOException e) {
            report.problem("catch-up", "C-FIND on the restarted " + VICTIM + ": " + e.getMessage());
        }

        // everything acknowledged comes back through HAProxy, as sent
        long t = System.nanoTime();
        ClusterInspector.Retrieved r = ClusterInspector.getAndCompare(cluster.entryPort(), work.allStudies());
        Set<String> missing = new HashSet<>(work.acknowledged.keySet());
        missing.removeAll(r.received());
        report.notes.add(String.format("C-GET through HAProxy: %d instances back in %.1f s (%d acknowledged ones missing, "
                        + "%d differing)", r.received().size(), (System.nanoTime() - t) / 1e9, missing.size(),
                r.problems().stream().filter(p -> p.contains("differs")).count()));
        if (!missing.isEmpty()) {
            Map<String, Long> byPhase = missing.stream().collect(Collectors.groupingBy(work.acknowledged::get,
                    TreeMap::new, Collectors.counting()));
            report.problem("retrieve", missing.size() + " acknowledged instances not given back by C-GET through "
                    + "HAProxy (acknowledged in: " + byPhase + ")");
        }
        r.problems().stream().limit(10).forEach(p -> report.problem("retrieve", p));
    }

    /**
     * After a clean stop: every node's index lists every acknowledged instance, and agrees with its storage
     * ({@link IndexStorageCheck}: its own locations sound, no temporary file, the counts), and no file in its
     * storage is one no index row names, apart from those its startup check reported as duplicates left in place
     * (-Ddisaster.strictOrphanFiles=false reports the others instead of failing).
     * Such files were seen in the 3-node case on a node that was not killed, most likely a surplus copy the repair
     * was dropping at the stop (ClusterRepair.drop removes the row, then the file); ClusterRepair.close now waits
     * for the step in progress, and the node's startup check would index such a file again.
     */
    static void checkIndexes(ClusterProcesses cluster, Workload work, Report report) throws Exception {
        Map<String, Set<String>> ownCopies = new TreeMap<>();
        for (ClusterProcesses.Node n : cluster.nodes()) {
            IndexStorageCheck.Result r;
            try {
                r = IndexStorageCheck.check(n.dataDir(), n.name());
            } catch (Exception e) {
                report.problem("index", n.name() + ": cannot read its index: " + e);
                continue;
            }
            long notIndexed = work.acknowledged.keySet().stream().filter(u -> !r.instances().contains(u)).count();
            if (notIndexed > 0) {
                report.problem("index", n.name() + "'s index lacks " + notIndexed + " of " + work.acknowledged.size()
                        + " acknowledged instances");
            }
            if (!r.problems().isEmpty()) {
                report.problem("index", n.name() + ": its index and its storage disagree in " + r.problems().size()
                        + " places, e.g. " + r.problems().stream().limit(3).toList());
            }
            // as in KillDurabilityTest: the only files no row names may be those the startup check reported as
            // holding an instance already indexed with another file (a store cut by the kill, sent again)
            Set<String> duplicates = startupCheckDuplicates(n);
            List<String> orphans = r.unnamedFiles().stream().filter(k -> !duplicates.contains(k)).toList();
            if (r.unnamedFiles().size() > orphans.size()) {
                report.notes.add(n.name() + ": " + (r.unnamedFiles().size() - orphans.size()) + " files no index row "
                        + "names, each reported by its startup check as holding an instance already indexed with "
                        + "another file (left in place)");
            }
            if (!orphans.isEmpty()) {
                String text = n.name() + ": " + orphans.size() + " files in its storage that no index row names "
                        + "and no startup check reported, e.g. " + orphans.stream().limit(3).toList();
                if (STRICT_ORPHAN_FILES) {
                    report.problem("orphan files", text);
                } else {
                    report.notes.add("WARNING " + text + " (reported, not failed: -Ddisaster.strictOrphanFiles=false)");
                }
            }
            Set<String> storageIds = r.locations().stream().map(IndexStorageCheck.Location::storageId)
                    .collect(Collectors.toSet());
            ownCopies.put(n.name(), r.soundCopies());
            report.notes.add(String.format("%s index: %d instances, %d location rows (storages %s), %d sound own copies "
                    + "of acknowledged instances", n.name(), r.instances().size(), r.locations().size(), storageIds,
                    r.soundCopies().stream().filter(work.acknowledged::containsKey).count()));
        }
        int expected = Math.min(REPLICATION_FACTOR, cluster.nodes().size());
        long under = work.acknowledged.keySet().stream()
                .filter(u -> ownCopies.values().stream().filter(s -> s.contains(u)).count() < expected).count();
        if (under > 0) {
            report.problem("index", under + " acknowledged instances have fewer than " + expected + " sound copies "
                    + "according to the nodes' own location rows");
        }
    }

    private static final java.util.regex.Pattern LEFT_IN_PLACE = java.util.regex.Pattern.compile(
            "Startup check: (\\S+) in storage \\S+ holds SOP Instance UID \\S+, which is already indexed with another "
                    + "file; left in place");

    /** The storage keys that the node's startup checks (every start, in its log) left in place as duplicates. */
    static Set<String> startupCheckDuplicates(ClusterProcesses.Node n) throws IOException {
        Set<String> keys = new HashSet<>();
        if (java.nio.file.Files.exists(n.log())) {
            for (String line : java.nio.file.Files.readAllLines(n.log(), java.nio.charset.StandardCharsets.ISO_8859_1)) {
                java.util.regex.Matcher m = LEFT_IN_PLACE.matcher(line);
                if (m.find()) {
                    keys.add(m.group(1));
                }
            }
        }
        return keys;
    }

    // ------------------------------------------------------------------ report

    static final class Report {
        final Case c;
        Phase warmup;
        Phase baseline;
        Phase failure;
        long restartMillis;
        RepairWait repair;
        final List<String> notes = new ArrayList<>();
        final Map<String, List<String>> problems = new LinkedHashMap<>();

        Report(Case c) {
            this.c = c;
        }

        void problem(String what, String text) {
            problems.computeIfAbsent(what, k -> new ArrayList<>()).add(text);
        }

        int problemCount() {
            return problems.values().stream().mapToInt(List::size).sum();
        }

        String problemText() {
            StringBuilder sb = new StringBuilder();
            problems.forEach((k, v) -> {
                v.stream().limit(12).forEach(p -> sb.append("  [").append(k).append("] ").append(p).append('\n'));
                if (v.size() > 12) {
                    sb.append("  [").append(k).append("] ... and ").append(v.size() - 12).append(" more like these\n");
                }
            });
            return sb.toString();
        }

        String summary() {
            StringBuilder sb = new StringBuilder();
            sb.append("=== ClusterDisasterTest: ").append(c).append(" (").append(PAIRS).append(" client pairs, ")
                    .append(SLICES).append(" slices of ").append(IMAGE_SIZE).append('x').append(IMAGE_SIZE)
                    .append(" per study, replication factor ").append(REPLICATION_FACTOR).append(")\n");
            for (Phase p : Arrays.asList(warmup, baseline)) {
                if (p != null) {
                    sb.append(p.describe()).append('\n');
                }
            }
            if (failure != null) {
                sb.append(failure.describe()).append('\n');
                if (baseline != null) {
                    long n = baseline.instances.get();
                    long t0 = baseline.millisUntilAcknowledged(n);
                    long t1 = failure.millisUntilAcknowledged(n);
                    sb.append(String.format("compare  the baseline's %d instances were acknowledged after %.1f s without "
                                    + "failure, %.1f s with the kill (%+.0f%%); all transfers (downloads included) took "
                                    + "%.1f s and %.1f s%n", n, t0 / 1e3, t1 / 1e3, 100.0 * (t1 - t0) / Math.max(1, t0),
                            baseline.transferMillis() / 1e3, failure.transferMillis() / 1e3));
                }
            }
            if (restartMillis > 0) {
                sb.append(String.format("restart  %s healthy %.1f s after its restart%n", VICTIM, restartMillis / 1e3));
            }
            notes.forEach(n -> sb.append("note     ").append(n).append('\n'));
            sb.append(problems.isEmpty() ? "result   all checks passed" : "result   " + problemCount() + " problems in "
                    + problems.keySet());
            return sb.toString();
        }
    }
}
