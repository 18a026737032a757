package org.gridpacs.gateway.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.Instances;
import org.gridpacs.dose.dicom.CtSeries;
import org.gridpacs.dose.dicom.DerivedIds;
import org.gridpacs.dose.dicom.RtPlanWriter;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.gateway.cluster.ClusterProcesses;
import org.gridpacs.gateway.dose.DoseFiles;
import org.gridpacs.gateway.synthetic.SyntheticCtSeries;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Benchmark (not a test) of the dose service as a physicist uses it: a 184 x 184 x 90 CT at 3 mm and a 6 MV plan
 * stored in an archive node. Workload "water": a CT of water only and one 10 x 10 field at SSD 100 (the engine
 * benchmark's workload, scripts/bench-dose); "cylinder": the synthetic water cylinder with bone and lung inserts
 * and a 4-field box (10 x 10, 100 MU each, isocentre at the centre). jobs requested over HTTP to a target uncertainty, timed from the POST to the job's DONE (RT Dose
 * stored), on 1, 2, ... dose worker JVMs of one thread each. The split comes from the node's "Dose job ...
 * calculated" log line (CT read, simulation, worker CPU time, job transfer, reduce, RT Dose writing); the rest
 * (queue, store) is the difference. Prints a fit of T(n) = a p / n + b n + c over the runs (p = histories).
 *
 * <p>Usage: DoseServiceBench [workers (1,2)] [uncertainties, percent (2,1)] [folder] [water|cylinder (water)]
 */
public final class DoseServiceBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINE = Pattern.compile("Dose job (\\S+) calculated: .*? read in ([0-9.]+) s; .*?"
            + "calibration ([0-9.]+) s; (\\d+) histories simulated in ([0-9.]+) s on .*?\\(([0-9.]+) s CPU.*?"
            + "(?:encoded in ([0-9.]+) s; ([0-9.]+) MB of tallies merged in ([0-9.]+) s.*?)?; uncertainty ([0-9.]+)%; "
            + "RT Dose written in ([0-9.]+) s");

    record Run(int workers, double target, double seconds, long histories, double read, double simulation,
               double cpu, double encode, double reduceMb, double reduce, double write, double uncertainty) {
    }

    public static void main(String[] args) throws Exception {
        int[] workers = ints(args.length > 0 ? args[0] : "1,2");
        double[] targets = doubles(args.length > 1 ? args[1] : "2,1");
        Path dir = Path.of(args.length > 2 ? args[2] : "var/bench-dose-service").toAbsolutePath();
        Files.createDirectories(dir);
        String workload = args.length > 3 ? args[3] : "water";
        boolean water = workload.equals("water");
        Path ctDir = dir.resolve("ct-" + workload);
        if (!Files.isDirectory(ctDir)) {
            (water ? SyntheticCtSeries.waterBox(184, 3.0, 3.0, 600) : new SyntheticCtSeries(184, 184, 3.0, 3.0))
                    .write(ctDir, 90, "BENCH-DOSE", "Bench^Dose");
        }
        List<Path> ct;
        try (Stream<Path> s = Files.list(ctDir)) {
            ct = s.sorted().toList();
        }
        CtSeries planned = DoseFiles.planningView(ct.get(0));
        List<Beam> box = new ArrayList<>();
        if (water) {
            // the CT's anterior edge is the skin (y = -27.6 cm, all water): isocentre on it, SSD 100
            box.add(new Beam(Beam.Kind.MV6, 100, 0, 0, 0, -27.6, 13.35, -5, 5, -5, 5, 100));
        } else {
            for (int g = 0; g < 360; g += 90) {
                box.add(new Beam(Beam.Kind.MV6, 100, g, 0, 0, 0, 13.35, -5, 5, -5, 5, 100));
            }
        }
        int fields = box.size();
        DataSet plan = RtPlanWriter.write(box, planned, "BENCH " + fields + "F", new DerivedIds("bench-" + workload + "-" + planned.studyInstanceUid(),
                LocalDateTime.of(2026, 12, 6, 12, 0)));
        Path planFile = dir.resolve("plan-" + workload + ".dcm");
        DoseFiles.write(plan, planFile);
        List<Run> runs = new ArrayList<>();
        for (int n : workers) {
            Path run = dir.resolve("run-" + n + "-" + System.nanoTime());
            try (ClusterProcesses cluster = ClusterProcesses.builder(run).nodes(1).haproxy(false).fsync(true)
                    .doseWorkers(n, 1).doseSetting("dose.onArrival = false").startTimeoutSeconds(180).start()) {
                ClusterProcesses.Node node = cluster.nodes().get(0);
                List<String> cmd = new ArrayList<>(List.of("storescu", "-aet", "BENCH", "-aec", ClusterProcesses.AET,
                        ClusterProcesses.HOST, String.valueOf(node.dicomPort())));
                ct.forEach(f -> cmd.add(f.toString()));
                cmd.add(planFile.toString());
                Dcmtk.Result stored = Dcmtk.run(600, cmd.toArray(new String[0]));
                if (stored.exitCode() != 0) {
                    throw new IllegalStateException("storescu failed: " + stored.output());
                }
                String study = planned.studyInstanceUid();
                String planUid = plan.getString(Tag.SOPInstanceUID);
                // untimed: the node joins the grid and calibrates 6 MV (kept for the next jobs)
                job(node, "{\"study\":\"" + study + "\",\"plan\":\"" + planUid + "\",\"histories\":1000000}");
                for (double t : targets) {
                    long t0 = System.nanoTime();
                    String id = job(node, String.format(Locale.ROOT, "{\"study\":\"%s\",\"plan\":\"%s\",\"uncertainty\":%s,"
                            + "\"seed\":%d}", study, planUid, t, 1));
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    Matcher m = line(node, id);
                    Run r = new Run(n, t, seconds, Long.parseLong(m.group(4)), d(m, 2), d(m, 5), d(m, 6), d(m, 7), d(m, 8),
                            d(m, 9), d(m, 11), d(m, 10));
                    runs.add(r);
                    System.out.println(describe(r));
                }
            }
        }
        System.out.println();
        System.out.println("| workers x threads | target | histories | request -> RT Dose stored | CT read | simulation "
                + "(wall) | ideal simulation (CPU / threads) | overhead beyond simulation | job sent (encode) | reduce "
                + "(MB) | RT Dose write | per-core speed |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Run r : runs) {
            double ideal = r.cpu / r.workers;
            System.out.printf(Locale.ROOT, "| %d x 1 | %.0f%% (%.2f%%) | %,d | %.2f s | %.2f s | %.2f s | %.2f s | %.2f s | "
                            + "%.3f s | %.2f s (%.1f) | %.2f s | %.0f h/s |%n", r.workers, r.target, r.uncertainty,
                    r.histories, r.seconds, r.read, r.simulation, ideal, r.seconds - ideal, r.encode, r.reduce,
                    r.reduceMb, r.write, r.histories / r.cpu);
        }
        fit(runs);
    }

    /** Least squares T = a p / n + b n + c. */
    private static void fit(List<Run> runs) {
        int k = runs.size();
        if (k < 3) {
            System.out.println("fit: needs at least 3 runs");
            return;
        }
        double[][] ata = new double[3][3];
        double[] aty = new double[3];
        for (Run r : runs) {
            double[] x = {r.histories / (double) r.workers, r.workers, 1};
            for (int i = 0; i < 3; i++) {
                aty[i] += x[i] * r.seconds;
                for (int j = 0; j < 3; j++) {
                    ata[i][j] += x[i] * x[j];
                }
            }
        }
        double[] abc = solve(ata, aty);
        double ss = 0;
        double mean = runs.stream().mapToDouble(Run::seconds).average().orElse(0);
        double tot = 0;
        for (Run r : runs) {
            double f = abc[0] * r.histories / r.workers + abc[1] * r.workers + abc[2];
            ss += (r.seconds - f) * (r.seconds - f);
            tot += (r.seconds - mean) * (r.seconds - mean);
        }
        System.out.printf(Locale.ROOT, "%nfit T(n) = a p/n + b n + c over %d runs: a = %.3e s per history (%.0f histories/s "
                + "per worker thread), b = %.3f s per node, c = %.3f s, R^2 = %.5f%n", k, abc[0], 1 / abc[0], abc[1],
                abc[2], 1 - ss / tot);
    }

    private static double[] solve(double[][] m, double[] v) {
        int n = v.length;
        double[][] a = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(m[i], 0, a[i], 0, n);
            a[i][n] = v[i];
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
                    p = r;
                }
            }
            double[] t = a[c];
            a[c] = a[p];
            a[p] = t;
            for (int r = 0; r < n; r++) {
                if (r != c) {
                    double f = a[r][c] / a[c][c];
                    for (int j = c; j <= n; j++) {
                        a[r][j] -= f * a[c][j];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = a[i][n] / a[i][i];
        }
        return x;
    }

    private static String describe(Run r) {
        return String.format(Locale.ROOT, "workers %d, target %.1f%%: %.2f s from request to RT Dose stored, %,d histories "
                + "(%.2f%% reached), simulation %.2f s wall, %.2f s worker CPU", r.workers, r.target, r.seconds,
                r.histories, r.uncertainty, r.simulation, r.cpu);
    }

    private static double d(Matcher m, int g) {
        return m.group(g) == null ? 0 : Double.parseDouble(m.group(g));
    }

    /** Posts a job and waits (polling every 20 ms) until it is DONE; its id. */
    private static String job(ClusterProcesses.Node node, String body) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + node.httpPort() + "/dose/jobs";
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(base))
                .header("Authorization", ClusterProcesses.httpAuthorization()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (posted.statusCode() != 202) {
            throw new IllegalStateException("POST " + body + ": " + posted.statusCode() + " " + posted.body());
        }
        String id = JSON.readTree(posted.body()).path("id").asText();
        while (true) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/" + id))
                    .header("Authorization", ClusterProcesses.httpAuthorization()).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode j = JSON.readTree(r.body());
            String state = j.path("state").asText();
            if (state.equals("DONE")) {
                return id;
            }
            if (state.equals("FAILED") || state.equals("CANCELLED")) {
                throw new IllegalStateException("job " + state + ": " + j);
            }
            Thread.sleep(20);
        }
    }

    private static Matcher line(ClusterProcesses.Node node, String id) throws Exception {
        for (int i = 0; i < 50; i++) {
            for (String l : Files.readAllLines(node.log())) {
                Matcher m = LINE.matcher(l);
                if (m.find() && m.group(1).equals(id)) {
                    return m;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no 'Dose job " + id + " calculated' line in " + node.log());
    }

    private static int[] ints(String s) {
        return java.util.Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static double[] doubles(String s) {
        return java.util.Arrays.stream(s.split(",")).mapToDouble(Double::parseDouble).toArray();
    }
}
