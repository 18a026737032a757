package org.gridpacs.gateway.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.gridpacs.archive.index.CopyBuckets;
import org.gridpacs.archive.index.CopyCatalog;
import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.Jdbc;
import org.gridpacs.archive.index.SqlCopyCatalog;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.repair.IndexSync;
import org.gridpacs.replication.transfer.PeerClient;
import org.gridpacs.replication.transfer.PeerHandler;

/**
 * Repair at a million instances (benchmark, not a test): two nodes' indexes generated directly (N instances in
 * studies of 400, a copy of each on node1 and node2), each node's peer endpoints served by the real PeerHandler on
 * loopback; measures (a) the CPU time of a repair pass with nothing to do, the repairing thread and the serving
 * threads apart, with today's code (bucket digests, changed studies) and with the former one (per-study digests
 * computed from every location row, every study's placement read), and (b) how long a node whose index is empty
 * (it was down while everything was stored) takes to bring its index up to date from its peer.
 * Usage: scripts/bench-repair [--instances N (1000000)] [--data DIR (var/bench-repair)] [--rounds R (3)]
 *        [--skip-catchup]
 */
public final class RepairBench {
    private static final int PER_STUDY = 400;
    private static final int PER_SERIES = 100;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        int instances = 1_000_000;
        Path data = Path.of("var/bench-repair");
        boolean catchUp = true;
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--instances" -> instances = Integer.parseInt(args[++i]);
                case "--data" -> data = Path.of(args[++i]);
                case "--skip-catchup" -> catchUp = false;
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "machine: %d cores, Java %s, load average %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Files.readString(Path.of("/proc/loadavg")).trim());
        Path dirA = data.resolve("node1-" + instances);
        Path dirB = data.resolve("node2-" + instances);
        generate(dirA, instances);
        if (!Files.exists(dirB)) {
            // the two nodes' indexes hold the same rows: a copy of the files instead of a second generation
            Files.createDirectories(dirB);
            try (var files = Files.list(dirA)) {
                for (Path f : files.toList()) {
                    Files.copy(f, dirB.resolve(f.getFileName()));
                }
            }
        }
        StorageRegistry registry = StorageRegistry.oneLocalPerNode(List.of("node1", "node2"));
        try (IndexDatabase a = IndexDatabase.openH2(dirA); IndexDatabase b = IndexDatabase.openH2(dirB)) {
            SqlCopyCatalog catalogA = new SqlCopyCatalog(a);
            SqlCopyCatalog catalogB = new SqlCopyCatalog(b);
            Server server = serve(catalogB, "node2", data);
            try {
                ClusterNode peer = new ClusterNode("node2", "127.0.0.1", 1, 2, 3,
                        ((ServerConnector) server.getConnectors()[0]).getLocalPort());
                PeerClient client = new PeerClient(null);
                IndexSync sync = new IndexSync(client, catalogA, registry);
                for (int round = 1; round <= rounds; round++) {
                    // the former way in-process (its /peer/digests answer takes minutes at 1 M instances on a
                    // busy machine, past the client's time-out): the answering side's work on this thread first
                    List<Map<String, CopyCatalog.StudyDigest>> theirs = new java.util.ArrayList<>();
                    measure("round " + round + " former: peer computes its per-study digests", () -> {
                        theirs.add(catalogB.digests("node2"));
                        return theirs.get(0).size() + " studies";
                    });
                    measure("round " + round + " former: this node compares, reads every study",
                            () -> formerPass(theirs.get(0), catalogA));
                    measure("round " + round + " pass now (bucket digests, changed studies)", () -> {
                        IndexSync.Result r = sync.syncFrom(peer);
                        List<CopyCatalog.StudyChange> changed = catalogA.changedStudies(null, 500);
                        return r.buckets() + " buckets differed, " + changed.size() + " studies marked";
                    });
                }
            } finally {
                server.stop();
            }
            if (catchUp) {
                catchUp(data, catalogA, registry, instances);
            }
        }
    }

    /** A node whose index is empty compares with node1, whose index holds everything. */
    private static void catchUp(Path data, SqlCopyCatalog catalogA, StorageRegistry registry, int instances)
            throws Exception {
        Path dirC = data.resolve("returning-" + System.nanoTime());
        Server server = serve(catalogA, "node1", data);
        try (IndexDatabase c = IndexDatabase.openH2(dirC)) {
            ClusterNode peer = new ClusterNode("node1", "127.0.0.1", 1, 2, 3,
                    ((ServerConnector) server.getConnectors()[0]).getLocalPort());
            SqlCopyCatalog catalogC = new SqlCopyCatalog(c);
            long start = System.nanoTime();
            long cpu = THREADS.getCurrentThreadCpuTime();
            long serving = servingCpu();
            IndexSync.Result r = new IndexSync(new PeerClient(null), catalogC, registry).syncFrom(peer);
            double s = (System.nanoTime() - start) / 1e9;
            double cpuS = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e9;
            double servingS = (servingCpu() - serving) / 1e9;
            long indexed = c.read(x -> Jdbc.queryLong(x, "SELECT COUNT(*) FROM location"));
            System.out.printf(Locale.ROOT, "catch-up of an empty index from node1: %d buckets, %d studies, %d copies"
                    + " indexed in %.1f s (%.0f copies/s); CPU %.1f s catching up (%.0f copies per CPU second),"
                    + " %.1f s answering%n", r.buckets(), r.studies(), indexed, s, indexed / s, cpuS, indexed / cpuS,
                    servingS);
            long start2 = System.nanoTime();
            IndexSync.Result again = new IndexSync(new PeerClient(null), catalogC, registry).syncFrom(peer);
            System.out.printf(Locale.ROOT, "then a comparison with nothing to do: %d buckets differ (%.0f ms)%n",
                    again.buckets(), (System.nanoTime() - start2) / 1e6);
        } finally {
            server.stop();
            deleteTree(dirC);
        }
    }

    /** The index work of a pass as it was: the peer computes per-study digests, this node reads every study. */
    private static String formerPass(Map<String, CopyCatalog.StudyDigest> theirs, SqlCopyCatalog catalog)
            throws Exception {
        Map<String, CopyCatalog.StudyDigest> mine = catalog.digests("node2");
        int differ = 0;
        for (String study : theirs.keySet()) {
            if (!Objects.equals(theirs.get(study), mine.get(study))) {
                differ++;
            }
        }
        long copies = 0;
        String after = null;
        for (List<String> page = catalog.studies(after, 500); !page.isEmpty(); page = catalog.studies(after, 500)) {
            for (String study : page) {
                for (IndexedInstance i : catalog.instances(study)) {
                    copies += i.locations().stream().filter(l -> l.storageId().equals("node1")).count();
                }
            }
            after = page.get(page.size() - 1);
        }
        return differ + " studies differed, " + copies + " copies of node1 looked at";
    }

    private interface Pass {
        String run() throws Exception;
    }

    /** CPU time of this thread (the repairing side) and of the HTTP server's threads (the answering side). */
    private static void measure(String what, Pass pass) throws Exception {
        long serving = servingCpu();
        long own = THREADS.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        String result = pass.run();
        wall = System.nanoTime() - wall;
        own = THREADS.getCurrentThreadCpuTime() - own;
        serving = servingCpu() - serving;
        System.out.printf(Locale.ROOT, "%-62s repairing %6.0f ms CPU, answering %6.0f ms CPU, %6.0f ms wall (%s)%n",
                what, own / 1e6, serving / 1e6, wall / 1e6, result);
    }

    private static long servingCpu() {
        long sum = 0;
        for (var info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("qtp")) {
                sum += Math.max(0, THREADS.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    private static Server serve(CopyCatalog catalog, String node, Path data) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new PeerHandler(node, new FileSystemStorage(node, data.resolve("objects-" + node)),
                StorageRegistry.oneLocalPerNode(List.of("node1", "node2")), null, catalog, new PeerHandler.Events() {
                    @Override
                    public void copyReceived(String sopInstanceUID, String origin) {
                    }

                    @Override
                    public void studiesChanged(Set<String> studyInstanceUIDs) {
                    }
                }));
        server.start();
        return server;
    }

    // ---------------------------------------------------------------- the generated index

    /** {@code instances} instances in studies of 400 (4 series), each with a copy on node1 and one on node2. */
    static void generate(Path dir, int instances) throws SQLException {
        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            long have = db.read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM instance"));
            if (have == instances) {
                return;
            }
            if (have != 0) {
                throw new IllegalStateException(dir + " holds " + have + " instances; remove it");
            }
            long start = System.nanoTime();
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            db.inTransaction(c -> {
                try (PreparedStatement patient = c.prepareStatement("INSERT INTO patient (pk, patient_id, issuer,"
                        + " patient_name, patient_name_norm, created) VALUES (?, ?, '', ?, ?, ?)");
                     PreparedStatement study = c.prepareStatement("INSERT INTO study (pk, patient_fk, study_uid,"
                             + " modalities_in_study, num_series, num_instances, created, updated)"
                             + " VALUES (?, ?, ?, 'CT', ?, ?, ?, ?)");
                     PreparedStatement series = c.prepareStatement("INSERT INTO series (pk, study_fk, series_uid,"
                             + " modality, series_number, num_instances, created, updated) VALUES (?, ?, ?, 'CT', ?, ?, ?, ?)");
                     PreparedStatement instance = c.prepareStatement("INSERT INTO instance (pk, series_fk, sop_uid,"
                             + " sop_class_uid, instance_number, transfer_syntax, source_aet, received, header)"
                             + " VALUES (?, ?, ?, ?, ?, '1.2.840.10008.1.2.1', 'CT01', ?, ?)");
                     PreparedStatement location = c.prepareStatement("INSERT INTO location (instance_fk, storage_id,"
                             + " storage_key, object_size, checksum, created) VALUES (?, ?, ?, 524288, ?, ?)")) {
                    int studies = (instances + PER_STUDY - 1) / PER_STUDY;
                    long pk = 0;
                    for (int st = 0; st < studies; st++) {
                        String studyUID = "1.2.826.0.1.3680043.10.512." + st;
                        String name = "BENCH^PATIENT" + st;
                        bind(patient, st, "BP" + st, name, name, now);
                        patient.addBatch();
                        int here = Math.min(PER_STUDY, instances - st * PER_STUDY);
                        int nSeries = (here + PER_SERIES - 1) / PER_SERIES;
                        bind(study, st, st, studyUID, nSeries, here, now, now);
                        study.addBatch();
                        for (int s = 0; s < nSeries; s++) {
                            long se = (long) st * 4 + s;
                            String seriesUID = studyUID + "." + (s + 1);
                            int inSeries = Math.min(PER_SERIES, here - s * PER_SERIES);
                            bind(series, se, st, seriesUID, s + 1, inSeries, now, now);
                            series.addBatch();
                            for (int k = 0; k < inSeries; k++) {
                                String sop = seriesUID + "." + (k + 1);
                                byte[] header = header(studyUID, seriesUID, sop, name, "BP" + st);
                                bind(instance, pk, se, sop, UID.CTImageStorage, k + 1, now, header);
                                instance.addBatch();
                                String checksum = String.format("crc32c:%08x", sop.hashCode());
                                for (String node : List.of("node1", "node2")) {
                                    bind(location, pk, node, sop.substring(27), checksum, now);
                                    location.addBatch();
                                }
                                pk++;
                            }
                        }
                        if (st % 50 == 49 || st == studies - 1) {
                            for (PreparedStatement ps : List.of(patient, study, series, instance, location)) {
                                ps.executeBatch();
                            }
                            c.commit();
                        }
                    }
                }
                long rebuild = System.nanoTime();
                CopyBuckets.rebuild(c);
                System.out.printf(Locale.ROOT, "%s: bucket digests computed from scratch in %.1f s (what migration 5"
                        + " costs on such an index)%n", dir, (System.nanoTime() - rebuild) / 1e9);
                return null;
            });
            System.out.printf(Locale.ROOT, "%s: %d instances generated in %.0f s%n", dir, instances,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    private static void bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int k = 0; k < values.length; k++) {
            if (values[k] instanceof byte[] b) {
                ps.setBytes(k + 1, b);
            } else {
                ps.setObject(k + 1, values[k]);
            }
        }
    }

    /** A header of some 450 bytes (what a peer sends with a copy for the index of a node that lacks it). */
    private static byte[] header(String study, String series, String sop, String name, String id) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, sop);
        ds.setString(Tag.StudyInstanceUID, VR.UI, study);
        ds.setString(Tag.SeriesInstanceUID, VR.UI, series);
        ds.setString(Tag.PatientName, VR.PN, name);
        ds.setString(Tag.PatientID, VR.LO, id);
        ds.setString(Tag.Modality, VR.CS, "CT");
        ds.setString(Tag.StudyDescription, VR.LO, "CT CHEST WITH CONTRAST");
        ds.setString(Tag.SeriesDescription, VR.LO, "AXIAL 1.25 MM");
        ds.setString(Tag.StudyDate, VR.DA, "20240115");
        ds.setString(Tag.AccessionNumber, VR.SH, "A" + id);
        ds.setString(Tag.ReferringPhysicianName, VR.PN, "WELBY^MARCUS");
        ds.setString(Tag.InstitutionName, VR.LO, "GENERAL HOSPITAL");
        ds.setString(Tag.BodyPartExamined, VR.CS, "CHEST");
        ds.setInt(Tag.Rows, VR.US, 512);
        ds.setInt(Tag.Columns, VR.US, 512);
        return org.gridpacs.archive.index.TestInstances.encode(ds);
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
