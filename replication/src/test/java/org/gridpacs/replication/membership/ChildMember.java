package org.gridpacs.replication.membership;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.gridpacs.replication.config.ClusterNode;

/** Test support: {@link MemberMain} in a separate JVM, its stdout lines queued, its stderr in a file. */
final class ChildMember implements AutoCloseable {
    final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    ChildMember(String name, List<ClusterNode> members, Path log) throws IOException {
        this.log = log;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), MemberMain.class.getName(), name, Clusters.format(members))
                .redirectError(log.toFile()).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // killed
            }
        }, "child-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** The next line starting with {@code prefix} (earlier lines are skipped). */
    String await(String prefix, long timeoutMillis) throws InterruptedException, IOException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            String line = lines.poll(Math.max(1, end - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new AssertionError("child printed no '" + prefix + "' within " + timeoutMillis + " ms; alive "
                        + process.isAlive() + "; stderr:\n" + Files.readString(log));
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGSTOP / SIGCONT: a member that hangs (a long GC pause, a frozen VM) without closing its connections. */
    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /** Closing stdin makes it leave the cluster and exit. */
    @Override
    public void close() throws InterruptedException, IOException {
        if (process.isAlive()) {
            process.getOutputStream().close();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
