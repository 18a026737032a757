package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.Ports;

import picocli.CommandLine;

/**
 * Test support: running pacs commands in-process, DCMTK tools as subprocesses (the toolkit's Dcmtk), the pacs
 * receiver; reading and comparing instances is dicom's testutil Instances, free ports its Ports.
 */
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

    /** Runs a tool to completion (with TCP_NODELAY=1 for DCMTK), output and errors merged (in {@code out}). */
    static Result run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Dcmtk.Result r = Dcmtk.run(timeoutSeconds, command);
        return new Result(r.exitCode(), r.output(), "");
    }

    /** Starts a server process (storescp, dcmqrscp) and waits until it listens on {@code port}. */
    static Process startServer(int port, Path log, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TCP_NODELAY", "1");
        Process p = pb.start();
        try {
            Ports.awaitPort(null, port, 10_000);
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
            this(aet, directory, Ports.freePort(), extraArgs);
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
