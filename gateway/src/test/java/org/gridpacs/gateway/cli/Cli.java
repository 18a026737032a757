package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import org.gridpacs.dicom.testutil.DataSetDiff;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.DicomInputStream;

import picocli.CommandLine;

/** Test support: running pacs commands in-process, DCMTK tools as subprocesses, and comparing instances. */
final class Cli {
    static final Path TEST_FILES = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
    /** scripts/pacs, from the gateway module folder surefire runs in. */
    static final Path LAUNCHER = Path.of("..", "scripts", "pacs").toAbsolutePath().normalize();

    private Cli() {
    }

    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
        }
    }

    /** Runs a pacs command in this JVM, as {@code pacs args...} would. */
    static Result pacs(String... args) {
        CommandLine cl = PacsCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    static Path testFile(String name) {
        Path p = TEST_FILES.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("pydicom test file missing: " + p + " (apt-get install python3-pydicom)");
        }
        return p;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void awaitPort(int port, long timeoutMillis) throws InterruptedException, IOException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > end) {
                    throw new IOException("nothing listens on port " + port + " after " + timeoutMillis + " ms");
                }
                Thread.sleep(50);
            }
        }
    }

    /** Runs a tool to completion (with TCP_NODELAY=1 for DCMTK), output and errors merged. */
    static Result run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("TCP_NODELAY", "1");
        Process p = pb.start();
        // read in the background so that a tool that hangs cannot hang the test past its timeout
        StringBuilder sb = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                sb.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // process killed
            }
        });
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(1000);
            throw new IOException("timed out after " + timeoutSeconds + " s: " + String.join(" ", command) + "\n" + sb);
        }
        reader.join();
        return new Result(p.exitValue(), sb.toString(), "");
    }

    /** Starts a server process (storescp, dcmqrscp) and waits until it listens on {@code port}. */
    static Process startServer(int port, Path log, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TCP_NODELAY", "1");
        Process p = pb.start();
        try {
            awaitPort(port, 10_000);
        } catch (IOException e) {
            p.destroyForcibly();
            throw new IOException(e.getMessage() + ": " + String.join(" ", command) + "\n" + Files.readString(log), e);
        }
        return p;
    }

    static void stop(Process p) throws InterruptedException {
        if (p != null) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** A Part 10 file read back: its meta information (null if none), data set and transfer syntax. */
    record Instance(DataSet fmi, DataSet dataSet, String transferSyntaxUID) {
        String sopInstanceUID() {
            return dataSet.getString(Tag.SOPInstanceUID);
        }
    }

    static Instance read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file); DicomInputStream in = new DicomInputStream(raw)) {
            DataSet fmi = in.readFileMetaInformation();
            DataSet ds = in.readDataSet();
            return new Instance(fmi, ds, in.transferSyntax().uid());
        }
    }

    /** Every regular file below {@code dir} by the SOP Instance UID of its data set. */
    static Map<String, Path> bySopInstanceUID(Path dir) throws IOException {
        Map<String, Path> map = new HashMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (!p.getFileName().toString().startsWith(".")) {
                    map.put(read(p).sopInstanceUID(), p);
                }
            }
        }
        return map;
    }

    /**
     * Asserts that {@code received} holds the same data set as {@code sent}, element by element, and (when
     * {@code sameSyntax}) in the same transfer syntax.
     */
    static void assertSameInstance(Path sent, Path received, boolean sameSyntax) throws IOException {
        assertSameInstance(sent, received, sameSyntax, false);
    }

    /**
     * As {@link #assertSameInstance(Path, Path, boolean)}, for instances DCMTK has decoded and re-encoded on
     * the way: DCMTK always drops Data Set Trailing Padding (FFFC,FFFC) and writes encapsulated Pixel Data as
     * OB even when the file had OW; neither changes the instance.
     */
    static void assertSameInstanceAfterDcmtk(Path sent, Path received, boolean sameSyntax) throws IOException {
        assertSameInstance(sent, received, sameSyntax, true);
    }

    private static DataSet normalizeLikeDcmtk(DataSet ds) {
        ds.remove(Tag.DataSetTrailingPadding);
        if (ds.getValue(Tag.PixelData) instanceof org.gridpacs.dicom.data.Fragments f) {
            ds.setValue(Tag.PixelData, org.gridpacs.dicom.data.VR.OB, f);
        }
        return ds;
    }

    private static void assertSameInstance(Path sent, Path received, boolean sameSyntax, boolean dcmtk)
            throws IOException {
        Instance a = read(sent);
        Instance b = read(received);
        if (dcmtk) {
            normalizeLikeDcmtk(a.dataSet());
            normalizeLikeDcmtk(b.dataSet());
        }
        assertTrue(b.fmi() != null, received + " has no File Meta Information");
        assertEquals(b.transferSyntaxUID(), b.fmi().getString(Tag.TransferSyntaxUID));
        // the data set names the instance; some test files lack SOP Class UID there and have it only in the meta
        assertEquals(uid(a, Tag.SOPInstanceUID, Tag.MediaStorageSOPInstanceUID), b.fmi().getString(Tag.MediaStorageSOPInstanceUID));
        assertEquals(uid(a, Tag.SOPClassUID, Tag.MediaStorageSOPClassUID), b.fmi().getString(Tag.MediaStorageSOPClassUID));
        if (sameSyntax) {
            assertEquals(a.transferSyntaxUID(), b.transferSyntaxUID(), "transfer syntax of " + received + " (sent " + sent + ")");
        }
        if (!a.dataSet().equals(b.dataSet())) {
            throw new AssertionError("data set of " + received + " differs from " + sent + ":\n"
                    + String.join("\n", DataSetDiff.diff(a.dataSet(), b.dataSet())));
        }
    }

    private static String uid(Instance i, int tag, int metaTag) {
        String s = i.dataSet().getString(tag);
        return s != null ? s : i.fmi().getString(metaTag);
    }

    /** The data set as it reads after writing it in {@code ts}. */
    static DataSet roundTrip(DataSet ds, org.gridpacs.dicom.io.TransferSyntax ts) throws IOException {
        java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
        org.gridpacs.dicom.io.DicomOutputStream dos = new org.gridpacs.dicom.io.DicomOutputStream(bos);
        dos.setTransferSyntax(ts);
        dos.writeDataSet(ds);
        dos.finish();
        DicomInputStream in = new DicomInputStream(new java.io.ByteArrayInputStream(bos.toByteArray()));
        in.setTransferSyntax(ts);
        return in.readDataSet();
    }



    /** Runs {@code pacs receive} in-process on a background thread; {@link #close()} stops it. */
    static final class Receiver implements AutoCloseable {
        final int port;
        final Path directory;
        private final ReceiveCommand command;
        private final Thread thread;
        private volatile int exitCode = -1;
        private final StringWriter err = new StringWriter();

        Receiver(String aet, Path directory, String... extraArgs) throws IOException, InterruptedException {
            this(aet, directory, freePort(), extraArgs);
        }

        Receiver(String aet, Path directory, int port, String... extraArgs) throws IOException, InterruptedException {
            this.port = port;
            this.directory = directory;
            CommandLine cl = PacsCommand.commandLine();
            cl.setErr(new PrintWriter(err, true));
            this.command = cl.getSubcommands().get("receive").getCommand();
            List<String> args = new ArrayList<>(List.of("receive", "-b", aet + ":" + port, "--directory", directory.toString()));
            args.addAll(List.of(extraArgs));
            this.thread = new Thread(() -> exitCode = cl.execute(args.toArray(new String[0])), "pacs-receive-test");
            thread.start();
            // wait for the server socket without connecting to it (a bare connection would log a warning)
            long end = System.currentTimeMillis() + 10_000;
            while (command.port() < 0) {
                if (!thread.isAlive() || System.currentTimeMillis() > end) {
                    throw new IOException("pacs receive did not start: exit " + exitCode + ", stderr: " + err);
                }
                Thread.sleep(20);
            }
        }

        @Override
        public void close() throws InterruptedException {
            command.stop();
            thread.join(10_000);
            assertEquals(0, exitCode, "pacs receive exit status; stderr: " + err);
        }
    }
}
