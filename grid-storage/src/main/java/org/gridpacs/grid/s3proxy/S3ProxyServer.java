package org.gridpacs.grid.s3proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * An S3 server on loopback for tests and {@code scripts/run}: s3proxy (from Maven Central, copied to
 * {@code grid-storage/target/s3proxy/s3proxy.jar} by the build) as its own process, {@code java -jar}, with its
 * jclouds {@code filesystem-nio2} back end: buckets are folders under {@code DATA/buckets}, its properties in
 * {@code DATA/s3proxy.properties} (owner-only: it holds the credential), its log in {@code DATA/s3proxy.log}.
 */
public final class S3ProxyServer implements AutoCloseable {
    /** System property (or environment variable GRIDPACS_S3PROXY_JAR) naming the jar. */
    public static final String JAR_PROPERTY = "gridpacs.s3proxy.jar";

    private final Path jar;
    private final Path data;
    private final int port;
    private final String identity;
    private final String credential;
    private volatile Process process;
    private Thread shutdownHook;

    public S3ProxyServer(Path jar, Path data, int port, String identity, String credential) {
        this.jar = jar;
        this.data = data.toAbsolutePath();
        this.port = port;
        this.identity = identity;
        this.credential = credential;
    }

    /** The jar: {@value #JAR_PROPERTY}, else GRIDPACS_S3PROXY_JAR, else grid-storage/target/s3proxy/ from here or above. */
    public static Path defaultJar() {
        String configured = System.getProperty(JAR_PROPERTY, System.getenv("GRIDPACS_S3PROXY_JAR"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path p : List.of(dir.resolve("target/s3proxy/s3proxy.jar"),
                    dir.resolve("grid-storage/target/s3proxy/s3proxy.jar"))) {
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        return Path.of("grid-storage/target/s3proxy/s3proxy.jar");
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Where the buckets are (one folder each). */
    public Path bucketsFolder() {
        return data.resolve("buckets");
    }

    public Path log() {
        return data.resolve("s3proxy.log");
    }

    /** Starts the server and returns when it answers HTTP (60 s at most; else an IOException with its log's end). */
    public synchronized S3ProxyServer start() throws IOException {
        if (process != null && process.isAlive()) {
            return this;
        }
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no s3proxy jar at " + jar + " (built by mvn -pl grid-storage generate-resources)");
        }
        Files.createDirectories(bucketsFolder());
        Path conf = data.resolve("s3proxy.properties");
        Properties p = new Properties();
        p.setProperty("s3proxy.endpoint", endpoint().toString());
        p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        p.setProperty("s3proxy.identity", identity);
        p.setProperty("s3proxy.credential", credential);
        p.setProperty("jclouds.provider", "filesystem-nio2");
        p.setProperty("jclouds.filesystem.basedir", bucketsFolder().toString());
        Files.deleteIfExists(conf);
        try {
            Files.createFile(conf, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(conf);
        }
        try (OutputStream out = Files.newOutputStream(conf)) {
            p.store(out, "written by S3ProxyServer");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-jar", jar.toAbsolutePath().toString(),
                "--properties", conf.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        process = pb.start();
        if (shutdownHook == null) {
            // the test JVM or node may end without stop(): the server must not outlive it (the one running then)
            shutdownHook = new Thread(this::killQuietly, "s3proxy-stop");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!answers()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("s3proxy did not start on " + endpoint() + "; end of " + log() + ":\n"
                        + tail(log(), 2000));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while s3proxy starts");
            }
        }
        return this;
    }

    private boolean answers() {
        try {
            HttpURLConnection c = (HttpURLConnection) endpoint().toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            c.getResponseCode(); // any answer (403 without credentials) means it serves
            c.disconnect();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Makes a bucket (one already there is fine). */
    public void createBucket(String bucket) {
        try (S3Client s3 = S3Client.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(identity, credential)))
                .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            s3.createBucket(r -> r.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException e) {
            // made in an earlier run
        }
    }

    /** Stops it (SIGTERM, then SIGKILL after 10 s). */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** kill -9, for fault tests: no chance to finish anything. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly(); // SIGKILL on Linux
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void killQuietly() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        stop();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // shutting down already
            }
            shutdownHook = null;
        }
    }

    private static String tail(Path file, int chars) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            return s.substring(Math.max(0, s.length() - chars));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * {@code S3ProxyServer DATA_FOLDER PORT IDENTITY CREDENTIAL_FILE [BUCKET]}: runs the server until this process
     * is stopped (scripts/run). The credential is read from a file, not the command line (ps shows that).
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: S3ProxyServer DATA_FOLDER PORT IDENTITY CREDENTIAL_FILE [BUCKET]");
            System.exit(2);
        }
        String credential = Files.readString(Path.of(args[3]), StandardCharsets.UTF_8).strip();
        S3ProxyServer server = new S3ProxyServer(defaultJar(), Path.of(args[0]), Integer.parseInt(args[1]),
                args[2], credential).start();
        if (args.length > 4) {
            server.createBucket(args[4]);
        }
        System.out.println("s3proxy on " + server.endpoint() + ", data in " + server.bucketsFolder());
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        server.process.waitFor();
    }
}
