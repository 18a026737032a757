package org.gridpacs.gateway.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.gridpacs.dicom.testutil.Dcmtk;

/**
 * Benchmark (not a test): DICOMweb of our archive node against Orthanc 1.10 + its DICOMweb plugin 1.7, on the same
 * data in the same run, with the requests OHIF 3 sends: QIDO study search latency (by Patient ID, and over a
 * Study Date range) with the index set loaded (10 k instances by default); series metadata of a 500-instance
 * series (latency, and requests/s over 4 connections); frames/s of a 300-slice 512 x 512 CT over 4 connections;
 * STOW-RS instances/s (one request of 300 instances, and 4 parallel requests of 75). Both servers are loaded the
 * same way (DCMTK storescu over 4 associations). Each figure is printed with the ratio ours / Orthanc.
 *
 * <p>Options: {@code --peer-only} (Orthanc alone), {@code --url ROOT --dicom HOST:PORT:AET [--user U --password P]}
 * (our side is a running server, e.g. ./scripts/run's HTTP entry, instead of a node started here),
 * {@code --instances N} (the index set, default 10000), {@code --large N} (also QIDO on a second node of ours whose
 * index holds N more synthetic instances; Orthanc is not measured there: loading it with 1 M instances takes
 * hours), {@code --rounds R} (timed rounds of the frames and STOW figures, default 3), {@code --data DIR},
 * {@code --keep} (keep the servers' folders and logs). With {@code --url}, the load and the STOW passes stay in the
 * server measured (some 12 k instances).
 */
public final class DicomWebBench {
    private final Map<String, String> options = new LinkedHashMap<>();
    private final Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
    private final List<String[]> table = new ArrayList<>();

    private DicomWebBench(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unknown argument " + args[i]);
            }
            boolean flag = args[i].equals("--peer-only") || args[i].equals("--keep");
            options.put(args[i].substring(2), flag ? "true" : args[++i]);
        }
    }

    public static void main(String[] args) throws Exception {
        new DicomWebBench(args).run();
        System.exit(0); // the HTTP clients' threads would keep the JVM alive
    }

    private int intOption(String name, int dflt) {
        return options.containsKey(name) ? Integer.parseInt(options.get(name)) : dflt;
    }

    private void run() throws Exception {
        Dcmtk.require();
        boolean peerOnly = options.containsKey("peer-only");
        int instances = intOption("instances", 10_000);
        int large = intOption("large", 0);
        int rounds = intOption("rounds", 3);
        Path dataDir = Path.of(options.getOrDefault("data", root.resolve("var/bench-dicomweb").toString()));
        Path work = Files.createTempDirectory("bench-dicomweb");
        machineInfo();

        DicomWebBenchData data = new DicomWebBenchData(dataDir, instances);
        long t0 = System.nanoTime();
        List<Path> indexSet = data.indexSet(4);
        DicomWebBenchData.Series meta = data.metadataSeries();
        DicomWebBenchData.Series frames = data.framesSeries();
        List<String> frameUIDs = DicomWebMeasures.sopInstanceUIDs(frames);
        System.out.printf(Locale.ROOT, "data in %s (ready in %.0f s): %,d index instances (%,d patients x %d studies x %d),"
                + " a %d-instance series (metadata), a %d-slice 512 x 512 CT (frames; with new UIDs, STOW)%n", dataDir,
                (System.nanoTime() - t0) / 1e9, instances, data.patients(), DicomWebBenchData.STUDIES_PER_PATIENT,
                DicomWebBenchData.PER_STUDY, meta.files().size(), frames.files().size());

        List<DicomWebTarget> targets = new ArrayList<>();
        try {
            if (!peerOnly) {
                targets.add(options.containsKey("url") ? urlTarget() : DicomWebTarget.node(root, work.resolve("node"), 0));
            }
            targets.add(DicomWebTarget.orthanc(work.resolve("orthanc")));
            for (DicomWebTarget t : targets) {
                long l0 = System.nanoTime();
                load(t, indexSet, work);
                load(t, List.of(meta.files().get(0).getParent(), frames.files().get(0).getParent()), work);
                System.out.printf(Locale.ROOT, "%s loaded by storescu (4 + 2 associations) in %.0f s%n", t.name,
                        (System.nanoTime() - l0) / 1e9);
            }
            measure(targets, data, meta, frames, frameUIDs, rounds, instances);
        } finally {
            for (DicomWebTarget t : targets) {
                t.close();
            }
        }
        if (large > 0 && !peerOnly && !options.containsKey("url")) {
            try (DicomWebTarget big = DicomWebTarget.node(root, work.resolve("node-large"), large)) {
                load(big, indexSet, work);
                DicomWebMeasures m = new DicomWebMeasures(big);
                String name = String.format("QIDO by PatientID at %,d instances p50 / p95 (ms)", large + instances);
                Map<String, List<String>> cells = new LinkedHashMap<>();
                figure(big, cells, new LinkedHashMap<>(), name, () -> {
                    DicomWebMeasures.Latencies q = m.qidoByPatientID(data, 500, 2000);
                    return new Figure(ms(q), q.p(0.95));
                });
                row(name, cells.get(name).get(0), "(not feasible)", "");
            }
        }
        print(targets.size() == 1 && peerOnly);
        if (!options.containsKey("keep")) {
            deleteTree(work); // the servers' storage and index: hundreds of MB a run
        } else {
            System.out.println("servers' folders and logs kept in " + work);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private DicomWebTarget urlTarget() {
        String[] d = options.getOrDefault("dicom", "127.0.0.1:11112:PACS").split(":");
        return DicomWebTarget.url(options.get("url"), options.get("user"), options.get("password"), d[0],
                Integer.parseInt(d[1]), d.length > 2 ? d[2] : "PACS");
    }

    private void measure(List<DicomWebTarget> targets, DicomWebBenchData data, DicomWebBenchData.Series meta,
                         DicomWebBenchData.Series frames, List<String> frameUIDs, int rounds, int instances)
            throws Exception {
        Map<String, List<String>> cells = new LinkedHashMap<>();
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (DicomWebTarget t : targets) {
            DicomWebMeasures m = new DicomWebMeasures(t);
            long t0 = System.nanoTime();
            figure(t, cells, values, String.format("QIDO by PatientID at %,d instances p50 / p95 (ms)", instances), () -> {
                DicomWebMeasures.Latencies l = m.qidoByPatientID(data, 200, 1000);
                return new Figure(ms(l), l.p(0.95));
            });
            figure(t, cells, values, "QIDO 30-day StudyDate range, limit=101, p50 / p95 (ms)", () -> {
                DicomWebMeasures.Latencies l = m.qidoByDateRange(50, 300);
                return new Figure(ms(l), l.p(0.95));
            });
            figure(t, cells, values, "series metadata, 500 instances, p50 (ms)", () -> {
                DicomWebMeasures.Latencies l = m.seriesMetadata(meta, 3, 10);
                return new Figure(fmt(l.p(0.5)), l.p(0.5));
            });
            figure(t, cells, values, "series metadata requests/s, 4 connections", () -> {
                m.seriesMetadataPerSecond(meta, 4, 1);
                double v = m.seriesMetadataPerSecond(meta, 4, 3);
                return new Figure(fmt(v), v);
            });
            figure(t, cells, values, "frames/s, 300 x 512 x 512 CT, 4 connections (best [median])", () -> {
                m.framesPerSecond(frames, frameUIDs, 4, 512 * 512 * 2);
                double[] fps = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    fps[r] = m.framesPerSecond(frames, frameUIDs, 4, 512 * 512 * 2);
                }
                return new Figure(rate(fps), max(fps));
            });
            figure(t, cells, values, "STOW instances/s, 1 request of 300 (best [median])", () -> {
                double[] v = stowRounds(m, frames, 1, rounds);
                return new Figure(rate(v), max(v));
            });
            figure(t, cells, values, "STOW instances/s, 4 parallel requests of 75 (best [median])", () -> {
                double[] v = stowRounds(m, frames, 4, rounds);
                return new Figure(rate(v), max(v));
            });
            System.out.printf(Locale.ROOT, "%s measured in %.0f s%n", t.name, (System.nanoTime() - t0) / 1e9);
        }
        for (String figure : cells.keySet()) {
            List<String> c = cells.get(figure);
            List<Double> v = values.get(figure);
            if (c.size() == 2) {
                boolean both = !Double.isNaN(v.get(0)) && !Double.isNaN(v.get(1));
                row(figure, c.get(0), c.get(1), both ? String.format(Locale.ROOT, "%.2f", v.get(0) / v.get(1)) : "");
            } else {
                row(figure, "-", c.get(0), "");
            }
        }
    }

    /** One untimed warm-up request set, then {@code rounds} timed ones, each of a new copy of the series. */
    private static double[] stowRounds(DicomWebMeasures m, DicomWebBenchData.Series template, int requests, int rounds)
            throws Exception {
        double[] out = new double[rounds];
        for (int r = -1; r < rounds; r++) {
            String boundary = DicomWebMeasures.boundary();
            List<byte[]> bodies = DicomWebBenchData.stowBodies(template, requests, boundary);
            double ips = m.stow(bodies, boundary, template.files().size());
            if (r >= 0) {
                out[r] = ips;
            }
        }
        return out;
    }

    /** DCMTK storescu, one association per folder, all at once. */
    private static void load(DicomWebTarget t, List<Path> folders, Path work) throws Exception {
        List<Process> ps = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int k = 0; k < folders.size(); k++) {
            Path log = Files.createTempFile(work, "storescu-" + t.name + "-" + k + "-", ".log");
            logs.add(log);
            ProcessBuilder pb = new ProcessBuilder("storescu", "-aet", "BENCH", "-aec", t.aet, "+sd", "+r",
                    t.dicomHost, String.valueOf(t.dicomPort), folders.get(k).toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("TCP_NODELAY", "1");
            ps.add(pb.start());
        }
        for (int k = 0; k < ps.size(); k++) {
            int code = ps.get(k).waitFor();
            String out = Files.readString(logs.get(k));
            if (code != 0 || out.contains("Store Failed") || out.contains("E: ")) {
                throw new IOException("storescu to " + t.name + " failed (exit " + code + "):\n"
                        + out.substring(Math.max(0, out.length() - 2000)));
            }
        }
    }

    /** A figure's printed cell and the value its ratio is computed from. */
    private record Figure(String cell, double value) {
    }

    private interface Measurement {
        Figure measure() throws Exception;
    }

    /** Measures one figure of one server; a failure is printed and shown in the cell, the other figures go on. */
    private static void figure(DicomWebTarget t, Map<String, List<String>> cells, Map<String, List<Double>> values,
                               String name, Measurement m) {
        try {
            Figure f = m.measure();
            put(cells, values, name, f.cell(), f.value());
        } catch (Exception e) {
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
            System.out.println(t.name + ": " + name + " failed: " + why);
            java.util.regex.Matcher status = java.util.regex.Pattern.compile("answered (\\d{3})").matcher(why);
            put(cells, values, name, status.find() ? "HTTP " + status.group(1) : "failed", Double.NaN);
        }
    }

    private static void put(Map<String, List<String>> cells, Map<String, List<Double>> values, String figure,
                            String cell, double value) {
        cells.computeIfAbsent(figure, k -> new ArrayList<>()).add(cell);
        values.computeIfAbsent(figure, k -> new ArrayList<>()).add(value);
    }

    private void row(String figure, String ours, String orthanc, String ratio) {
        table.add(new String[] {figure, ours, orthanc, ratio});
    }

    private void print(boolean peerOnly) {
        System.out.println();
        System.out.printf("%-62s %18s %18s %14s%n", "figure", "ours", "Orthanc", "ours/Orthanc");
        for (String[] r : table) {
            System.out.printf("%-62s %18s %18s %14s%n", (Object[]) r);
        }
        System.out.println("(ours/Orthanc: of latencies, below 1 is faster (QIDO: of the p95; metadata: of the p50);"
                + " of rates, above 1 is faster (of the best rounds))");
        if (peerOnly) {
            System.out.println("--peer-only: Orthanc alone, no figures of ours");
        }
    }

    private static String ms(DicomWebMeasures.Latencies l) {
        return fmt(l.p(0.5)) + " / " + fmt(l.p(0.95));
    }

    private static String rate(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return fmt(s[s.length - 1]) + " [" + fmt(s[s.length / 2]) + "]";
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }

    private static String fmt(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static void machineInfo() throws IOException {
        String cpu = "?";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.replaceAll(".*:\\s*", ""))
                    .orElse("?");
        }
        long memKb = 0;
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            memKb = lines.filter(l -> l.startsWith("MemTotal")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).orElse(0L);
        }
        System.out.printf(Locale.ROOT, "machine: %d cores (%s), %.1f GiB memory; %s %s; Java %s; load average %s%n",
                Runtime.getRuntime().availableProcessors(), cpu, memKb / 1048576.0, System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.version"),
                Files.readString(Path.of("/proc/loadavg")).strip());
        System.out.println("client: java.net.http, HTTP/1.1 keep-alive, JVM " + ManagementFactory.getRuntimeMXBean().getVmName()
                + "; Orthanc 1.10.1 + DICOMweb plugin 1.7 (Debian), its defaults (SQLite, files synced)");
    }
}
