package org.gridpacs.dose.grid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.security.auth.x500.X500Principal;

import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.pki.CertificateAuthority;
import org.gridpacs.pki.CertificateRequest;
import org.gridpacs.pki.KeyStores;
import org.gridpacs.pki.KeyType;

/**
 * A dose grid for tests on loopback: free port ranges, a cluster CA with node key stores, and dose worker JVMs
 * started with this JVM's classpath and the Ignite JVM options (scripts/jvm-ignite-opens.txt).
 */
final class GridFixture implements AutoCloseable {
    static final char[] PASSWORD = "changeit".toCharArray();
    static final int RANGE = 5;
    final Path dir;
    final int discoveryPort;
    final int communicationPort;
    private final CertificateAuthority ca;
    private final List<Process> workers = new ArrayList<>();

    GridFixture(Path dir) throws Exception {
        this.dir = dir;
        discoveryPort = freeRange(RANGE + 1);
        int c;
        do {
            c = freeRange(RANGE + 1);
        } while (Math.abs(c - discoveryPort) <= RANGE);
        communicationPort = c;
        ca = CertificateAuthority.create(new X500Principal("CN=test dose grid CA"), KeyType.EC, Duration.ofDays(1));
        KeyStores.store(KeyStores.trustStore("ca", ca.certificate()), dir.resolve("ca.p12"), PASSWORD,
                KeyStores.Readers.OWNER);
    }

    /** The cluster's TLS for node {@code name}: a key store issued by this fixture's CA. */
    GridTls tls(String name) throws Exception {
        Path keys = dir.resolve(name + ".p12");
        if (!Files.exists(keys)) {
            var issued = ca.issue(CertificateRequest.tlsPeer(new X500Principal("CN=" + name), List.of("127.0.0.1"),
                    Duration.ofDays(1)));
            KeyStores.store(issued.keyStore(name, PASSWORD), keys, PASSWORD, KeyStores.Readers.OWNER);
        }
        return new GridTls(keys, PASSWORD, dir.resolve("ca.p12"), PASSWORD);
    }

    GridConfig config(GridTls tls, long joinTimeoutMillis) {
        return new GridConfig(List.of(addresses()), Ports.HOST, discoveryPort, communicationPort, RANGE, tls,
                dir.resolve("work"), joinTimeoutMillis);
    }

    String addresses() {
        return Ports.HOST + ":" + discoveryPort + ".." + (discoveryPort + RANGE);
    }

    /** Starts a dose worker JVM and waits until it says it is ready. */
    Process startWorker(String name, int threads) throws Exception {
        GridTls tls = tls(name);
        Path opens = Path.of(System.getProperty("user.dir")).resolve("../scripts/jvm-ignite-opens.txt").normalize();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + opens, "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), DoseWorker.class.getName(),
                "--name", name, "--host", Ports.HOST, "--addresses", addresses(),
                "--discovery-port", "" + discoveryPort, "--communication-port", "" + communicationPort,
                "--port-range", "" + RANGE, "--threads", "" + threads, "--work-dir", dir.resolve("work").toString(),
                "--key-store", tls.keyStore().toString(), "--key-store-password", new String(PASSWORD),
                "--trust-store", tls.trustStore().toString(), "--trust-store-password", new String(PASSWORD)));
        cmd.removeIf(String::isEmpty);
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        workers.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.startsWith("dose worker " + name + " ready")) {
                Thread drain = new Thread(() -> drain(out, log), "drain-" + name);
                drain.setDaemon(true);
                drain.start();
                return p;
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        p.destroyForcibly();
        throw new IOException("dose worker " + name + " did not start:\n" + seen);
    }

    private static void drain(BufferedReader out, Path log) {
        try (var w = Files.newBufferedWriter(log)) {
            String line;
            while ((line = out.readLine()) != null) {
                w.write(line);
                w.newLine();
                w.flush();
            }
        } catch (IOException e) {
            // the worker is gone
        }
    }

    /** A run of {@code n} consecutive free loopback ports, from a random place in 20000-40000. */
    private static int freeRange(int n) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20_000 + ThreadLocalRandom.current().nextInt(20_000);
            boolean free = true;
            for (int i = 0; i < n && free; i++) {
                free = Ports.isFree(base + i);
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no " + n + " consecutive free ports");
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : workers) {
            p.destroy();
        }
        for (Process p : workers) {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
